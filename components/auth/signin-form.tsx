"use client";
import { useState, type FormEvent } from "react";
import { Button } from "@/components/ui/button";
import { Field, FormError, Input } from "@/components/ui/field";
import { signInAndGo } from "./sign-in";
import { useHydrated } from "@/lib/client/hydrated";

export function SignInForm({ callbackUrl }: { callbackUrl: string }) {
  const hydrated = useHydrated();
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    setPending(true);
    setError(null);
    const failure = await signInAndGo(String(form.get("email")), String(form.get("password")), callbackUrl);
    if (failure) {
      setError(failure);
      setPending(false);
    } // on success the page navigates away: keep the spinner
  }

  return (
    <form method="post" onSubmit={onSubmit} className="space-y-4" data-testid="signin-form">
      <FormError>{error}</FormError>
      <Field label="Email">
        {({ id }) => <Input id={id} name="email" type="email" autoComplete="email" required autoFocus placeholder="you@team.dev" />}
      </Field>
      <Field label="Password">
        {({ id }) => <Input id={id} name="password" type="password" autoComplete="current-password" required />}
      </Field>
      <Button type="submit" disabled={!hydrated} variant="primary" className="w-full justify-center" loading={pending} data-testid="signin-submit">
        Sign in
      </Button>
    </form>
  );
}
