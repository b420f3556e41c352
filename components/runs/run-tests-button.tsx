"use client";
import { useRouter } from "next/navigation";
import { Play } from "lucide-react";
import clsx from "clsx";
import { startErrorMessage, useStartRun } from "@/lib/client/runs/hooks";
import { toast } from "@/lib/client/toast";
import { can, type Project } from "@/lib/client/types";
import { Button } from "@/components/ui/button";

/** Why this person cannot start a run here, or null when they can. */
export function whyNoRun(project: Project): string | null {
  if (!can(project.role).edit) return "Viewers can watch runs; members and owners start them.";
  if (!project.test_command) {
    return can(project.role).editCode
      ? "No test command yet: set one with Edit on the project page."
      : "No test command yet: an owner can set one with Edit on the project page.";
  }
  return null;
}

/** Starts a run of the project's test command and opens it. */
export function RunTestsButton({ project, size = "md", showReason = true, className }: { project: Project; size?: "sm" | "md"; showReason?: boolean; className?: string }) {
  const router = useRouter();
  const start = useStartRun(project.id);
  const reason = whyNoRun(project);
  return (
    <div className={clsx("flex flex-col items-end gap-1", className)}>
      <Button
        variant="primary"
        size={size}
        data-testid="run-tests-button"
        disabled={!!reason}
        title={reason ?? `Run \`${project.test_command}\` in the project's workspace`}
        aria-describedby={reason && showReason ? `no-run-${project.id}` : undefined}
        loading={start.isPending}
        onClick={() =>
          start.mutate(undefined, {
            onSuccess: (r) => router.push(`/projects/${project.id}/runs/${r.test_run_id}`),
            onError: (e) => toast(startErrorMessage(e), "error"),
          })
        }
      >
        {!start.isPending && <Play className="size-3.5" />}
        Run tests
      </Button>
      {reason && showReason && (
        <p id={`no-run-${project.id}`} data-testid="run-tests-disabled-reason" className="max-w-64 text-right text-xs text-zinc-500 dark:text-zinc-400">
          {reason}
        </p>
      )}
    </div>
  );
}
