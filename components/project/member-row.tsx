"use client";
import { X } from "lucide-react";
import { useRouter } from "next/navigation";
import { useChangeMemberRole, useRemoveMember } from "@/lib/client/projects/hooks";
import { toast } from "@/lib/client/toast";
import type { Member, ProjectRole } from "@/lib/client/types";
import { Button } from "@/components/ui/button";
import { Avatar } from "@/components/shell/user-menu";
import { RoleBadge } from "@/components/projects/badges";

export const ROLES: { value: ProjectRole; label: string }[] = [
  { value: "owner", label: "Owner" },
  { value: "member", label: "Member" },
  { value: "viewer", label: "Viewer" },
];

type Props = { member: Member; isMe: boolean; canManage: boolean; onError: (message: string | null) => void };

export function MemberRow({ member, isMe, canManage, onError }: Props) {
  const router = useRouter();
  const changeRole = useChangeMemberRole(member.project_id);
  const remove = useRemoveMember(member.project_id, () => {
    toast(isMe ? "You left the project" : `Removed ${member.name}`);
    if (isMe) router.push("/");
  });
  const busy = changeRole.isPending || remove.isPending;

  return (
    <li data-testid="member-row" data-user-id={member.user_id} className="flex items-center gap-3 px-4 py-2">
      <Avatar name={member.name} />
      <div className="min-w-0 flex-1 leading-tight">
        <p className="truncate text-[13px] font-medium">
          {member.name}
          {isMe && <span className="ml-1.5 text-xs font-normal text-zinc-400">you</span>}
        </p>
        <p className="truncate text-xs text-zinc-500 dark:text-zinc-400">{member.email}</p>
      </div>
      {canManage ? (
        <select
          aria-label={`Role of ${member.name}`}
          data-testid="member-role"
          value={member.role}
          disabled={busy}
          onChange={(e) => {
            onError(null);
            changeRole.mutate(
              { userId: member.user_id, role: e.target.value as ProjectRole },
              { onSuccess: (m) => toast(`${m.name} is now ${m.role === "owner" ? "an owner" : `a ${m.role}`}`), onError: (err) => onError(err.message) },
            );
          }}
          className="h-7 w-[5.5rem] shrink-0 rounded-md border border-zinc-200 bg-transparent px-1.5 text-xs dark:border-zinc-700 dark:bg-zinc-900"
        >
          {ROLES.map((r) => (
            <option key={r.value} value={r.value}>
              {r.label}
            </option>
          ))}
        </select>
      ) : (
        <RoleBadge role={member.role} />
      )}
      {canManage && (
        <Button
          variant="ghost"
          size="icon"
          className="size-7 hover:!text-red-600 dark:hover:!text-red-400"
          title={isMe ? "Leave the project" : `Remove ${member.name}`}
          aria-label={isMe ? "Leave the project" : `Remove ${member.name}`}
          data-testid="remove-member-button"
          loading={remove.isPending}
          onClick={() => {
            onError(null);
            remove.mutate(member.user_id, { onError: (err) => onError(err.message) });
          }}
        >
          {!remove.isPending && <X className="size-3.5" />}
        </Button>
      )}
    </li>
  );
}
