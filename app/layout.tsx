import type { Metadata, Viewport } from "next";
import { headers } from "next/headers";
import { connection } from "next/server";
import { Providers } from "@/components/providers";
import { nonceOf, THEME_SCRIPT } from "@/lib/theme-script";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "Switchboard", template: "%s · Switchboard" },
  description: "Realtime dashboard for teams building software with AI agents",
};

export const viewport: Viewport = {
  themeColor: [
    { media: "(prefers-color-scheme: light)", color: "#fafafa" },
    { media: "(prefers-color-scheme: dark)", color: "#09090b" },
  ],
};

// Every page is rendered per request: Next.js puts the request's CSP nonce (proxy.ts) on its scripts,
// which a page prerendered at build time could not carry.
export default async function RootLayout({ children }: { children: React.ReactNode }) {
  await connection();
  const nonce = nonceOf((await headers()).get("content-security-policy"));
  // The theme script sets <html>'s class and style before hydration: React is told not to mind.
  return (
    <html lang="en" suppressHydrationWarning>
      <head>
        <script nonce={nonce} dangerouslySetInnerHTML={{ __html: THEME_SCRIPT }} />
      </head>
      <body className="min-h-screen bg-zinc-50 font-sans text-zinc-900 antialiased dark:bg-zinc-950 dark:text-zinc-100">
        <Providers>{children}</Providers>
      </body>
    </html>
  );
}
