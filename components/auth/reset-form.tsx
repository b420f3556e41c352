"use client";
import { useState, type FormEvent } from "react";
import Link from "next/link";
import { isApiError } from "@/lib/client/api";
import { accountsApi } from "@/lib/client/accounts";
import { Button } from "@/components/ui/button";
import { Field, FormError, Input } from "@/components/ui/field";
import { useHydrated } from "@/lib/client/hydrated";

/** Set a new password with a one-time reset link. */
export function ResetPasswordForm({ token }: { token: string }) {
  const hydrated = useHydrated();
  const [errors, setErrors] = useState<Record<string, string | undefined>>({});
  const [pending, setPending] = useState(false);
  const [done, setDone] = useState(false);
  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const password = String(f.get("password") ?? "");
    if (password.length < 8) return setErrors({ password: "Use at least 8 characters." });
    if (password !== String(f.get("confirm") ?? "")) return setErrors({ confirm: "The two passwords differ." });
    setPending(true);
    setErrors({});
    try {
      await accountsApi.useReset(token, password);
      setDone(true);
    } catch (err) {
      setErrors(isApiError(err) ? { password: err.fieldErrors().password, form: err.fieldErrors().password ? undefined : err.message } : { form: "Could not set the password. Try again." });
    } finally {
      setPending(false);
    }
  }
  if (done) {
    return (
      <p className="text-sm" data-testid="reset-done">
        Your password is set.{" "}
        <Link href="/signin" className="font-medium text-indigo-600 hover:underline dark:text-indigo-400">Sign in</Link>
      </p>
    );
  }
  return (
    <form method="post" onSubmit={onSubmit} className="space-y-4" data-testid="reset-form" noValidate>
      <FormError>{errors.form}</FormError>
      <Field label="New password" error={errors.password} hint="At least 8 characters.">
        {(p) => <Input {...p} name="password" type="password" autoComplete="new-password" required minLength={8} autoFocus />}
      </Field>
      <Field label="New password again" error={errors.confirm}>
        {(p) => <Input {...p} name="confirm" type="password" autoComplete="new-password" required />}
      </Field>
      <Button type="submit" disabled={!hydrated} variant="primary" className="w-full justify-center" loading={pending}>Set password</Button>
    </form>
  );
}
