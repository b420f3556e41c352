"use client";
import { useState, type FormEvent } from "react";
import { api, isApiError } from "@/lib/client/api";
import { Button } from "@/components/ui/button";
import { Field, FormError, Input } from "@/components/ui/field";
import { signInAndGo } from "./sign-in";
import { useHydrated } from "@/lib/client/hydrated";

type Errors = { form?: string; name?: string; email?: string; password?: string };

/** `invite`: a valid invite link's secret (and the email it is for, fixed in the form). */
export function SignUpForm({ callbackUrl, invite = null }: { callbackUrl: string; invite?: { token: string; email: string | null } | null }) {
  const hydrated = useHydrated();
  const [errors, setErrors] = useState<Errors>({});
  const [pending, setPending] = useState(false);

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const input = { name: String(form.get("name")), email: String(form.get("email")), password: String(form.get("password")) };
    const missing: Errors = {
      name: input.name.trim() ? undefined : "Tell your team who you are.",
      email: /^\S+@\S+\.\S+$/.test(input.email.trim()) ? undefined : "Enter an email address.",
      password: input.password.length >= 8 ? undefined : "Use at least 8 characters.",
    };
    if (missing.name || missing.email || missing.password) return setErrors(missing);
    setPending(true);
    setErrors({});
    try {
      await api.register(invite ? { ...input, invite: invite.token } : input);
    } catch (err) {
      setPending(false);
      if (!isApiError(err)) return setErrors({ form: "Could not create the account. Try again." });
      if (err.code === "EMAIL_TAKEN") return setErrors({ email: err.message });
      if (err.code === "INVITE_INVALID" || err.code === "SIGNUP_DISABLED") return setErrors({ form: err.message });
      const fields = err.fieldErrors();
      const known = { name: fields.name, email: fields.email, password: fields.password };
      return setErrors(Object.values(known).some(Boolean) ? known : { form: err.message });
    }
    const failure = await signInAndGo(input.email, input.password, callbackUrl);
    if (failure) {
      setPending(false);
      setErrors({ form: `Your account was created, but signing in failed: ${failure}` });
    }
  }

  return (
    <form method="post" onSubmit={onSubmit} className="space-y-4" data-testid="signup-form" noValidate>
      <FormError>{errors.form}</FormError>
      <Field label="Name" error={errors.name}>
        {({ id, invalid, describedBy }) => (
          <Input id={id} name="name" autoComplete="name" required autoFocus invalid={invalid} aria-describedby={describedBy} placeholder="Ada Lovelace" />
        )}
      </Field>
      <Field label="Email" error={errors.email}>
        {({ id, invalid, describedBy }) => (
          <Input id={id} name="email" type="email" autoComplete="email" required invalid={invalid} aria-describedby={describedBy} placeholder="you@team.dev" defaultValue={invite?.email ?? undefined} readOnly={!!invite?.email} />
        )}
      </Field>
      <Field label="Password" error={errors.password} hint="At least 8 characters.">
        {({ id, invalid, describedBy }) => (
          <Input id={id} name="password" type="password" autoComplete="new-password" required minLength={8} invalid={invalid} aria-describedby={describedBy} />
        )}
      </Field>
      <Button type="submit" disabled={!hydrated} variant="primary" className="w-full justify-center" loading={pending} data-testid="signup-submit">
        Create account
      </Button>
    </form>
  );
}
