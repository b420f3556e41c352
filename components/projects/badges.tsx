import { Archive } from "lucide-react";
import { Badge } from "@/components/ui/badge";
import type { Project, ProjectRole } from "@/lib/client/types";

export function StatusBadge({ status }: { status: Project["status"] }) {
  return (
    <Badge tone={status === "active" ? "green" : "amber"} title={status === "active" ? "Active" : "Archived: read-mostly, hidden from the default list"}>
      {status === "archived" && <Archive className="size-3" />}
      <span data-testid="project-status" className="capitalize">
        {status}
      </span>
    </Badge>
  );
}

const ROLE_TONE = { owner: "violet", member: "indigo", viewer: "neutral" } as const;

export const RoleBadge = ({ role }: { role: ProjectRole }) => (
  <Badge tone={ROLE_TONE[role]} data-testid="project-role" className="capitalize">
    {role}
  </Badge>
);
