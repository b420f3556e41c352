"use client";
import { useState } from "react";
import { useCreateProject, useDeleteProject, useUpdateProject } from "@/lib/client/projects/hooks";
import { useRealtime } from "@/lib/client/realtime";
import { toast } from "@/lib/client/toast";
import { can, type Project, type ProjectInput, type ProjectPatch } from "@/lib/client/types";
import { Button } from "@/components/ui/button";
import { Dialog, DialogActions } from "@/components/ui/dialog";
import { FormError } from "@/components/ui/field";
import { EMPTY_PROJECT, ProjectForm } from "./project-form";

type OpenProps = { open: boolean; onOpenChange: (open: boolean) => void };

export function NewProjectDialog({ open, onOpenChange }: OpenProps) {
  const create = useCreateProject();
  return (
    <Dialog open={open} onOpenChange={onOpenChange} title="New project" description="You become its owner and can invite your team next." data-testid="new-project-dialog">
      <ProjectForm
        initial={EMPTY_PROJECT}
        submitLabel="Create project"
        canEditCode
        onCancel={() => onOpenChange(false)}
        onSubmit={async (values) => {
          const project = await create.mutateAsync(values);
          onOpenChange(false);
          toast(`Created “${project.name}”`);
        }}
      />
    </Dialog>
  );
}

/** Only what changed is sent: a member re-sending an unchanged repository URL would be refused. */
function diff(project: Project, values: ProjectInput): ProjectPatch {
  const patch: ProjectPatch = {};
  for (const k of ["name", "description", "repository_url", "test_command"] as const) {
    if ((values[k] ?? null) !== (project[k] ?? null)) (patch as Record<string, unknown>)[k] = values[k];
  }
  return patch;
}

export function EditProjectDialog({ project, open, onOpenChange }: OpenProps & { project: Project }) {
  const update = useUpdateProject(project.id);
  return (
    <Dialog open={open} onOpenChange={onOpenChange} title="Edit project" data-testid="edit-project-dialog">
      <ProjectForm
        initial={project}
        submitLabel="Save changes"
        canEditCode={can(project.role).editCode}
        onCancel={() => onOpenChange(false)}
        onSubmit={async (values) => {
          const patch = diff(project, values);
          if (Object.keys(patch).length > 0) await update.mutateAsync(patch);
          onOpenChange(false);
        }}
      />
    </Dialog>
  );
}

export function DeleteProjectDialog({ project, open, onOpenChange, onDeleted }: OpenProps & { project: Project; onDeleted?: () => void }) {
  const { me } = useRealtime();
  const del = useDeleteProject(project.id, me, onDeleted);
  const [error, setError] = useState<string | null>(null);
  return (
    <Dialog
      open={open}
      onOpenChange={(o) => {
        setError(null);
        onOpenChange(o);
      }}
      size="sm"
      title={`Delete “${project.name}”?`}
      description="Its members lose access and its activity history is removed. This cannot be undone."
      data-testid="delete-project-dialog"
    >
      <FormError>{error}</FormError>
      <DialogActions>
        <Button onClick={() => onOpenChange(false)} disabled={del.isPending}>
          Cancel
        </Button>
        <Button
          variant="danger"
          data-testid="confirm-delete"
          loading={del.isPending}
          onClick={() =>
            del.mutate(undefined, { onSuccess: () => onOpenChange(false), onError: (e) => setError(e.message) })
          }
        >
          Delete project
        </Button>
      </DialogActions>
    </Dialog>
  );
}
