"use client";
import { useState, type FormEvent } from "react";
import { useRouter } from "next/navigation";
import { isApiError } from "@/lib/client/api";
import { accountsApi } from "@/lib/client/accounts";
import { toast } from "@/lib/client/toast";
import { Button } from "@/components/ui/button";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { Field, FormError, Input } from "@/components/ui/field";
import { useHydrated } from "@/lib/client/hydrated";

type Errors = Record<string, string | undefined>;

function NameForm({ name }: { name: string }) {
  const hydrated = useHydrated();
  const router = useRouter();
  const [errors, setErrors] = useState<Errors>({});
  const [pending, setPending] = useState(false);
  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const value = String(new FormData(e.currentTarget).get("name") ?? "").trim();
    if (!value) return setErrors({ name: "Enter a name." });
    setPending(true);
    setErrors({});
    try {
      await accountsApi.updateProfile({ name: value });
      toast("Name saved");
      router.refresh();
    } catch (err) {
      setErrors(isApiError(err) ? { name: err.fieldErrors().name, form: err.fieldErrors().name ? undefined : err.message } : { form: "Could not save" });
    } finally {
      setPending(false);
    }
  }
  return (
    <form method="post" onSubmit={onSubmit} className="space-y-3" data-testid="profile-name-form" noValidate>
      <FormError>{errors.form}</FormError>
      <Field label="Name" error={errors.name}>
        {(p) => <Input {...p} name="name" defaultValue={name} maxLength={100} autoComplete="name" required />}
      </Field>
      <Button type="submit" disabled={!hydrated} variant="primary" loading={pending}>Save name</Button>
    </form>
  );
}

function PasswordForm() {
  const hydrated = useHydrated();
  const [errors, setErrors] = useState<Errors>({});
  const [pending, setPending] = useState(false);
  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = e.currentTarget;
    const f = new FormData(form);
    const current = String(f.get("current_password") ?? "");
    const next = String(f.get("password") ?? "");
    const again = String(f.get("confirm") ?? "");
    const local: Errors = {
      current_password: current ? undefined : "Enter your current password.",
      password: next.length >= 8 ? undefined : "Use at least 8 characters.",
      confirm: next === again ? undefined : "The two new passwords differ.",
    };
    if (Object.values(local).some(Boolean)) return setErrors(local);
    setPending(true);
    setErrors({});
    try {
      await accountsApi.updateProfile({ password: next, current_password: current });
      form.reset();
      toast("Password changed: your other sessions and sign-in tokens were signed out");
    } catch (err) {
      if (isApiError(err) && err.code === "CURRENT_PASSWORD_WRONG") setErrors({ current_password: err.message });
      else if (isApiError(err)) setErrors({ ...err.fieldErrors(), form: Object.keys(err.fieldErrors()).length ? undefined : err.message });
      else setErrors({ form: "Could not change the password" });
    } finally {
      setPending(false);
    }
  }
  return (
    <form method="post" onSubmit={onSubmit} className="space-y-3" data-testid="profile-password-form" noValidate>
      <FormError>{errors.form}</FormError>
      <Field label="Current password" error={errors.current_password}>
        {(p) => <Input {...p} name="current_password" type="password" autoComplete="current-password" required />}
      </Field>
      <Field label="New password" error={errors.password} hint="At least 8 characters.">
        {(p) => <Input {...p} name="password" type="password" autoComplete="new-password" required minLength={8} />}
      </Field>
      <Field label="New password again" error={errors.confirm}>
        {(p) => <Input {...p} name="confirm" type="password" autoComplete="new-password" required />}
      </Field>
      <Button type="submit" disabled={!hydrated} variant="primary" loading={pending}>Change password</Button>
    </form>
  );
}

export function ProfileView({ name, email }: { name: string; email: string }) {
  return (
    <div className="grid max-w-3xl gap-6">
      <Card>
        <CardHeader title="Profile" />
        <CardBody className="space-y-3">
          <p className="text-[13px] text-zinc-500">Signed in as <span className="font-medium text-zinc-800 dark:text-zinc-200">{email}</span>. Ask an admin to change the email.</p>
          <NameForm name={name} />
        </CardBody>
      </Card>
      <Card>
        <CardHeader title="Password" />
        <CardBody>
          <PasswordForm />
        </CardBody>
      </Card>
    </div>
  );
}
