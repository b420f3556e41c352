import type { ReactNode } from "react";
import { Logo } from "@/components/shell/logo";
import { ThemeToggle } from "@/components/ui/theme-toggle";

/** The centered card of the sign-in and sign-up pages. */
export function AuthCard({ title, subtitle, children, footer }: { title: string; subtitle: ReactNode; children: ReactNode; footer: ReactNode }) {
  return (
    <main className="flex min-h-screen flex-col items-center justify-center px-4 py-12">
      <Logo className="mb-8 text-lg" />
      <div className="w-full max-w-sm rounded-xl border border-zinc-200 bg-white p-6 shadow-sm dark:border-zinc-800 dark:bg-zinc-900">
        <h1 className="text-lg font-semibold">{title}</h1>
        <p className="mt-1 mb-6 text-sm text-zinc-500 dark:text-zinc-400">{subtitle}</p>
        {children}
      </div>
      <p className="mt-6 text-sm text-zinc-500 dark:text-zinc-400">{footer}</p>
      <ThemeToggle className="mt-6" />
    </main>
  );
}
