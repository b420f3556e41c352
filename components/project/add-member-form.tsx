"use client";
import { useState, type FormEvent } from "react";
import { UserPlus } from "lucide-react";
import { isApiError } from "@/lib/client/api";
import { accountsApi, type NewLink } from "@/lib/client/accounts";
import { OneTimeLink } from "@/components/admin/one-time-link";
import { useAddMember } from "@/lib/client/projects/hooks";
import { toast } from "@/lib/client/toast";
import type { ProjectRole } from "@/lib/client/types";
import { Button } from "@/components/ui/button";
import { Input, Select } from "@/components/ui/field";
import { ROLES } from "./member-row";

type Offer = { email: string; role: ProjectRole; allowed: boolean };

/**
 * Owners add people who already have an account, by email. For an email without an account the server
 * says so: an admin is offered an invite link that adds them on sign-up; others are told whom to ask.
 */
export function AddMemberForm({ projectId }: { projectId: string }) {
  const add = useAddMember(projectId);
  const [error, setError] = useState<string | null>(null);
  const [offer, setOffer] = useState<Offer | null>(null);
  const [inviting, setInviting] = useState(false);
  const [link, setLink] = useState<NewLink | null>(null);

  async function invite(o: Offer) {
    setInviting(true);
    try {
      setLink(await accountsApi.inviteMember(projectId, { email: o.email, role: o.role }));
      setOffer(null);
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setInviting(false);
    }
  }

  function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = e.currentTarget;
    const data = new FormData(form);
    const email = String(data.get("email") ?? "").trim();
    if (!email) return setError("Enter the email address of someone with an account.");
    setError(null);
    setOffer(null);
    setLink(null);
    const role = String(data.get("role")) as ProjectRole;
    add.mutate(
      { email, role },
      {
        onSuccess: (m) => {
          form.reset();
          toast(`${m.name} is now ${m.role === "owner" ? "an owner" : `a ${m.role}`}`);
        },
        onError: (err) => {
          if (isApiError(err) && err.code === "USER_NOT_FOUND") {
            const allowed = !!(err.details as { invite?: { allowed?: boolean } } | undefined)?.invite?.allowed;
            setOffer({ email, role, allowed });
            return;
          }
          setError((isApiError(err) && err.fieldErrors().email) || err.message);
        },
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
      {offer && (
        <div role="status" className="mt-2 space-y-2 rounded-md bg-zinc-100 p-2 text-xs dark:bg-zinc-800/60" data-testid="invite-offer">
          <p>
            <span className="font-medium">{offer.email}</span> has no account yet.{" "}
            {offer.allowed ? "Invite them: they join this project as " + offer.role + " when they sign up." : "Ask an admin to invite them."}
          </p>
          {offer.allowed && (
            <Button type="button" size="sm" variant="primary" loading={inviting} onClick={() => void invite(offer)} data-testid="invite-member">
              Create invite link
            </Button>
          )}
        </div>
      )}
      {link && (
        <div className="mt-2">
          <OneTimeLink url={link.url} expiresAt={link.expires_at} what="invite link" />
        </div>
      )}
    </form>
  );
}
