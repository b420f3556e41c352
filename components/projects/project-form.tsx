"use client";
import { useState, type FormEvent } from "react";
import { isApiError } from "@/lib/client/api";
import type { ProjectInput } from "@/lib/client/types";
import { Button } from "@/components/ui/button";
import { DialogActions } from "@/components/ui/dialog";
import { Field, FormError, Input, Textarea } from "@/components/ui/field";

type Fields = keyof ProjectInput;
type Errors = Partial<Record<Fields | "form", string>>;

export const EMPTY_PROJECT: ProjectInput = { name: "", description: "", repository_url: null, test_command: null };

function readForm(form: HTMLFormElement): ProjectInput {
  const data = new FormData(form);
  const text = (k: Fields) => String(data.get(k) ?? "").trim();
  return {
    name: text("name"),
    description: String(data.get("description") ?? ""),
    repository_url: text("repository_url") || null,
    test_command: text("test_command") || null,
  };
}

type Props = {
  initial: ProjectInput;
  submitLabel: string;
  /** Owners only may change repository_url and test_command (they decide what runs on the server). */
  canEditCode: boolean;
  onSubmit: (values: ProjectInput) => Promise<unknown>;
  onCancel: () => void;
};

/** Create and edit share this form; API validation errors land next to their field. */
export function ProjectForm({ initial, submitLabel, canEditCode, onSubmit, onCancel }: Props) {
  const [errors, setErrors] = useState<Errors>({});
  const [pending, setPending] = useState(false);

  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const values = readForm(e.currentTarget);
    if (!values.name) return setErrors({ name: "Give the project a name." });
    setPending(true);
    setErrors({});
    try {
      await onSubmit(values);
    } catch (err) {
      const fields = isApiError(err) ? err.fieldErrors() : {};
      const mine: Errors = { name: fields.name, description: fields.description, repository_url: fields.repository_url, test_command: fields.test_command };
      const anyField = Object.values(mine).some(Boolean);
      setErrors(anyField ? mine : { form: err instanceof Error ? err.message : "Could not save the project." });
    } finally {
      setPending(false);
    }
  }

  const ownerHint = canEditCode ? undefined : "Only owners can change this.";
  return (
    <form onSubmit={submit} data-testid="project-form" className="space-y-4" noValidate>
      <FormError>{errors.form}</FormError>
      <Field label="Name" error={errors.name}>
        {({ id, invalid, describedBy }) => (
          <Input id={id} name="name" defaultValue={initial.name} required maxLength={120} autoFocus invalid={invalid} aria-describedby={describedBy} placeholder="e.g. Checkout service" />
        )}
      </Field>
      <Field label="Description" error={errors.description}>
        {({ id, invalid, describedBy }) => (
          <Textarea id={id} name="description" defaultValue={initial.description} rows={3} maxLength={5000} invalid={invalid} aria-describedby={describedBy} placeholder="What the team is building, in a sentence or two" />
        )}
      </Field>
      <Field label="Repository URL" error={errors.repository_url} hint={ownerHint ?? "A GitHub URL, or a local path the server may read."}>
        {({ id, invalid, describedBy }) => (
          <Input id={id} name="repository_url" defaultValue={initial.repository_url ?? ""} disabled={!canEditCode} invalid={invalid} aria-describedby={describedBy} placeholder="https://github.com/acme/checkout" className="font-mono text-[13px]" />
        )}
      </Field>
      <Field label="Test command" error={errors.test_command} hint={ownerHint ?? "Runs in the project's workspace on the server."}>
        {({ id, invalid, describedBy }) => (
          <Input id={id} name="test_command" defaultValue={initial.test_command ?? ""} disabled={!canEditCode} invalid={invalid} aria-describedby={describedBy} placeholder="npm test" className="font-mono text-[13px]" />
        )}
      </Field>
      <DialogActions>
        <Button onClick={onCancel} disabled={pending}>
          Cancel
        </Button>
        <Button type="submit" variant="primary" loading={pending} data-testid="project-form-submit">
          {submitLabel}
        </Button>
      </DialogActions>
    </form>
  );
}
