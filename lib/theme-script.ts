// The theme (light, dark or the system's) is applied by a tiny inline script in <head>, before the body is
// parsed, so a page never paints in the wrong theme first. It carries the request's CSP nonce (app/layout.tsx).
// lib/client/theme.ts keeps it current afterwards (toggle, system changes); both use these names.

export const THEME_STORAGE_KEY = "switchboard.theme";
export type ThemeChoice = "system" | "light" | "dark";

/** Sets `dark` on <html> (Tailwind's dark variant, app/globals.css), `data-theme` (the choice) and color-scheme. */
export const THEME_SCRIPT = `(function(){try{var c=localStorage.getItem(${JSON.stringify(THEME_STORAGE_KEY)});if(c!=="light"&&c!=="dark")c="system";var d=c==="dark"||(c==="system"&&window.matchMedia("(prefers-color-scheme: dark)").matches);var e=document.documentElement;e.classList.toggle("dark",d);e.style.colorScheme=d?"dark":"light";e.setAttribute("data-theme",c)}catch(_){}})()`;

/** The nonce of a page's CSP header (proxy.ts), or undefined. */
export function nonceOf(csp: string | null | undefined): string | undefined {
  return csp?.match(/'nonce-([A-Za-z0-9+/=_-]+)'/)?.[1];
}
