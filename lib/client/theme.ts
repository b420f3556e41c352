"use client";
// The theme choice after load: the inline script (lib/theme-script.ts) applied it before the first paint;
// this store changes it (the toggle), persists it in localStorage and follows the system while the choice
// is "system".
import { useEffect, useSyncExternalStore } from "react";
import { THEME_STORAGE_KEY, type ThemeChoice } from "@/lib/theme-script";

const listeners = new Set<() => void>();
const emit = () => listeners.forEach((l) => l());
const DARK_QUERY = "(prefers-color-scheme: dark)";

function readChoice(): ThemeChoice {
  try {
    const c = localStorage.getItem(THEME_STORAGE_KEY);
    return c === "light" || c === "dark" ? c : "system";
  } catch {
    return "system";
  }
}

let choice: ThemeChoice | null = null;
const current = () => (choice ??= readChoice());

function apply(c: ThemeChoice) {
  const dark = c === "dark" || (c === "system" && window.matchMedia(DARK_QUERY).matches);
  const el = document.documentElement;
  el.classList.toggle("dark", dark);
  el.style.colorScheme = dark ? "dark" : "light";
  el.setAttribute("data-theme", c);
}

export function setThemeChoice(c: ThemeChoice) {
  choice = c;
  try {
    if (c === "system") localStorage.removeItem(THEME_STORAGE_KEY);
    else localStorage.setItem(THEME_STORAGE_KEY, c);
  } catch {
    // storage refused (private mode): the choice lasts for this page
  }
  apply(c);
  emit();
}

function subscribe(l: () => void) {
  listeners.add(l);
  return () => listeners.delete(l);
}

export const useThemeChoice = () => useSyncExternalStore(subscribe, current, () => "system" as ThemeChoice);

/** Mounted once (Providers): follows system changes while the choice is "system", and other tabs' choices. */
export function useThemeSync() {
  useEffect(() => {
    const mq = window.matchMedia(DARK_QUERY);
    const onSystem = () => {
      if (current() === "system") apply("system");
    };
    const onStorage = (e: StorageEvent) => {
      if (e.key !== THEME_STORAGE_KEY && e.key !== null) return;
      choice = readChoice();
      apply(choice);
      emit();
    };
    mq.addEventListener("change", onSystem);
    window.addEventListener("storage", onStorage);
    return () => {
      mq.removeEventListener("change", onSystem);
      window.removeEventListener("storage", onStorage);
    };
  }, []);
}
