"use client";
import { useState, type FormEvent } from "react";
import { UserPlus } from "lucide-react";
import { isApiError } from "@/lib/client/api";
import { useAddMember } from "@/lib/client/projects/hooks";
import { toast } from "@/lib/client/toast";
import type { ProjectRole } from "@/lib/client/types";
import { Button } from "@/components/ui/button";
import { Input, Select } from "@/components/ui/field";
import { ROLES } from "./member-row";

/** Owners add people who already have an account, by email. */
export function AddMemberForm({ projectId }: { projectId: string }) {
  const add = useAddMember(projectId);
  const [error, setError] = useState<string | null>(null);

  function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = e.currentTarget;
    const data = new FormData(form);
    const email = String(data.get("email") ?? "").trim();
    if (!email) return setError("Enter the email address of someone with an account.");
    setError(null);
    add.mutate(
      { email, role: String(data.get("role")) as ProjectRole },
      {
        onSuccess: (m) => {
          form.reset();
          toast(`${m.name} is now ${m.role === "owner" ? "an owner" : `a ${m.role}`}`);
        },
        onError: (err) => setError((isApiError(err) && err.fieldErrors().email) || err.message),
      },
    );
  }

  return (
    <form onSubmit={onSubmit} data-testid="add-member-form" className="border-t border-zinc-200 px-4 py-3 dark:border-zinc-800" noValidate>
      <Input name="email" type="email" placeholder="Add by email: teammate@company.dev" aria-label="Email of the person to add" invalid={!!error} className="!h-8 text-[13px]" autoComplete="off" />
      <div className="mt-2 flex gap-2">
        <Select name="role" defaultValue="member" aria-label="Role" className="!h-8 flex-1 text-[13px]">
          {ROLES.map((r) => (
            <option key={r.value} value={r.value}>
              {r.label}
            </option>
          ))}
        </Select>
        <Button type="submit" size="sm" loading={add.isPending} data-testid="add-member-submit">
          {!add.isPending && <UserPlus className="size-3.5" />}
          Add member
        </Button>
      </div>
      {error && (
        <p role="alert" className="mt-1.5 text-xs text-red-600 dark:text-red-400" data-testid="add-member-error">
          {error}
        </p>
      )}
    </form>
  );
}
