"use client";
import { useState } from "react";
import { Archive, ArchiveRestore, Pencil, Trash2 } from "lucide-react";
import { useSetProjectStatus } from "@/lib/client/projects/hooks";
import { can, type Project } from "@/lib/client/types";
import { Button } from "@/components/ui/button";
import { DeleteProjectDialog, EditProjectDialog } from "./project-dialogs";

type Props = {
  project: Project;
  /** "icons" for dense table rows, "labels" for the project page header. */
  variant: "icons" | "labels";
  onDeleted?: () => void;
};

/** Edit, archive/restore and delete, shown only to roles that may do them. */
export function ProjectActions({ project, variant, onDeleted }: Props) {
  const [dialog, setDialog] = useState<"edit" | "delete" | null>(null);
  const setStatus = useSetProjectStatus(project.id);
  const allowed = can(project.role);
  const archived = project.status === "archived";
  const icons = variant === "icons";

  const toggleArchive = () => setStatus.mutate(archived ? "active" : "archived");

  if (!allowed.edit && !allowed.delete) return null;
  const ArchiveIcon = archived ? ArchiveRestore : Archive;
  const archiveLabel = archived ? "Restore" : "Archive";
  return (
    <div className="flex items-center justify-end gap-1">
      {allowed.edit && (
        <Button variant={icons ? "ghost" : "secondary"} size={icons ? "icon" : "sm"} title="Edit project" aria-label="Edit project" data-testid="edit-project-button" onClick={() => setDialog("edit")}>
          <Pencil className="size-3.5" />
          {!icons && "Edit"}
        </Button>
      )}
      {allowed.archive && (
        <Button
          variant={icons ? "ghost" : "secondary"}
          size={icons ? "icon" : "sm"}
          title={archived ? "Restore to active" : "Archive project"}
          aria-label={archiveLabel}
          data-testid="archive-project-button"
          loading={setStatus.isPending}
          onClick={toggleArchive}
        >
          {!(icons && setStatus.isPending) && <ArchiveIcon className="size-3.5" />}
          {!icons && archiveLabel}
        </Button>
      )}
      {allowed.delete && (
        <Button
          variant="ghost"
          size={icons ? "icon" : "sm"}
          title="Delete project"
          aria-label="Delete project"
          data-testid="delete-project-button"
          className="hover:!bg-red-50 hover:!text-red-600 dark:hover:!bg-red-500/10 dark:hover:!text-red-400"
          onClick={() => setDialog("delete")}
        >
          <Trash2 className="size-3.5" />
          {!icons && "Delete"}
        </Button>
      )}
      {dialog === "edit" && <EditProjectDialog project={project} open onOpenChange={(o) => !o && setDialog(null)} />}
      {dialog === "delete" && <DeleteProjectDialog project={project} open onOpenChange={(o) => !o && setDialog(null)} onDeleted={onDeleted} />}
    </div>
  );
}
