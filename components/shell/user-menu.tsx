"use client";
import Link from "next/link";
import { KeyRound, LogOut } from "lucide-react";
import { signOut } from "next-auth/react";
import { useState } from "react";
import { Button } from "@/components/ui/button";

const initials = (name: string) =>
  name
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, 2)
    .map((w) => w[0]!.toUpperCase())
    .join("") || "?";

export function Avatar({ name, className = "size-7 text-[11px]" }: { name: string; className?: string }) {
  return (
    <span aria-hidden className={`flex shrink-0 items-center justify-center rounded-full bg-indigo-100 font-semibold text-indigo-700 dark:bg-indigo-500/20 dark:text-indigo-300 ${className}`}>
      {initials(name)}
    </span>
  );
}

/** The signed-in user and the way out. */
export function UserMenu({ name, email }: { name: string; email: string }) {
  const [pending, setPending] = useState(false);
  return (
    <div className="flex items-center gap-2">
      <Avatar name={name} />
      <div className="hidden text-right leading-tight sm:block">
        <p className="text-[13px] font-medium" data-testid="user-name">{name}</p>
        <p className="text-[11px] text-zinc-500 dark:text-zinc-400">{email}</p>
      </div>
      <Link
        href="/settings/tokens"
        title="API tokens"
        aria-label="API tokens"
        data-testid="tokens-link"
        className="flex h-8 w-8 items-center justify-center rounded-md text-zinc-600 hover:bg-zinc-100 hover:text-zinc-900 dark:text-zinc-400 dark:hover:bg-zinc-800 dark:hover:text-zinc-100"
      >
        <KeyRound className="size-4" />
      </Link>
      <Button
        variant="ghost"
        size="icon"
        title="Sign out"
        aria-label="Sign out"
        data-testid="sign-out"
        loading={pending}
        onClick={() => {
          setPending(true);
          void signOut({ callbackUrl: "/signin" });
        }}
      >
        {!pending && <LogOut className="size-4" />}
      </Button>
    </div>
  );
}
