"use client";
// The session's branch on the session page: its name and base, its commits, its diff against the base, and the
// three ways to ship it — download the patch (git format-patch), push to the project's origin, open a pull request.
import { useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Download, ExternalLink, GitBranch, GitCommitHorizontal, GitPullRequest, Upload } from "lucide-react";
import { isApiError } from "@/lib/client/api";
import { keys } from "@/lib/client/keys";
import { shipApi } from "@/lib/client/ship-api";
import type { Session } from "@/lib/client/vibecode/api";
import { toast } from "@/lib/client/toast";
import { Button } from "@/components/ui/button";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { RelativeTime } from "@/components/ui/relative-time";
import { PatchDiff } from "./patch-diff";

const short = (sha: string | null | undefined) => (sha ? sha.slice(0, 7) : "—");

export function SessionBranch({ session: s, canAct }: { session: Session; canAct: boolean }) {
  const qc = useQueryClient();
  const [showDiff, setShowDiff] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const diff = useQuery({ queryKey: keys.sessionDiff(s.id), queryFn: ({ signal }) => shipApi.diff(s.id, signal), enabled: showDiff && !!s.branch });
  const refresh = () => void qc.invalidateQueries({ queryKey: keys.session(s.id) });
  const fail = (e: unknown) => setProblem(isApiError(e) ? e.message : e instanceof Error ? e.message : "Something went wrong");
  const push = useMutation({
    mutationFn: () => shipApi.push(s.id),
    onMutate: () => setProblem(null),
    onSuccess: (r) => {
      toast(`Pushed ${r.branch} to ${r.remote}`);
      refresh();
    },
    onError: fail,
  });
  const pr = useMutation({
    mutationFn: () => shipApi.pullRequest(s.id, {}),
    onMutate: () => setProblem(null),
    onSuccess: (r) => {
      toast(`Opened pull request #${r.number}`);
      refresh();
    },
    onError: fail,
  });

  if (!s.branch) {
    return (
      <p className="flex items-center gap-1.5 text-xs text-zinc-500 dark:text-zinc-400" data-testid="session-branch-none">
        <GitBranch className="size-3.5" />
        This session gets its own branch with its first prompt.
      </p>
    );
  }
  const commits = s.commits ?? [];
  const pushedHead = !!s.pushed_commit && s.pushed_commit === s.head;
  return (
    <Card data-testid="session-branch" data-branch={s.branch}>
      <CardHeader
        title={
          <span className="flex min-w-0 items-center gap-2">
            <code className="truncate font-mono text-[13px]" data-testid="session-branch-name">
              {s.branch}
            </code>
            <span className="shrink-0 text-xs font-normal text-zinc-500 dark:text-zinc-400">
              from {s.base_branch} @{short(s.base_commit)}
              {(s.behind ?? 0) > 0 && <span className="ml-1 text-amber-700 dark:text-amber-300">· {s.behind} behind</span>}
            </span>
          </span>
        }
        icon={<GitBranch className="size-4" />}
      />
      <CardBody className="space-y-3 py-3">
        {commits.length === 0 ? (
          <p className="text-[13px] text-zinc-500 dark:text-zinc-400">No commits yet: apply a patch to commit it on this branch.</p>
        ) : (
          <ul className="space-y-1" data-testid="session-commits">
            {commits.map((c) => (
              <li key={c.sha} className="flex items-center gap-2 text-[13px]">
                <GitCommitHorizontal className="size-3.5 shrink-0 text-zinc-400" />
                <code className="font-mono text-xs" title={c.sha}>
                  {short(c.sha)}
                </code>
                <span className="min-w-0 truncate">{c.subject}</span>
                <span className="ml-auto shrink-0 text-xs text-zinc-500 dark:text-zinc-400">
                  {c.author} · <RelativeTime iso={c.date} />
                </span>
              </li>
            ))}
          </ul>
        )}
        <div className="flex flex-wrap items-center gap-2 border-t border-zinc-100 pt-3 dark:border-zinc-800">
          <Button size="sm" variant="ghost" onClick={() => setShowDiff((v) => !v)} disabled={commits.length === 0} data-testid="session-diff-toggle">
            {showDiff ? "Hide diff" : "Diff against base"}
          </Button>
          {commits.length > 0 && (
            <a href={shipApi.patchUrl(s.id)} download className="inline-flex items-center gap-1.5 rounded-md px-2.5 py-1.5 text-[13px] font-medium text-indigo-600 hover:bg-indigo-50 dark:text-indigo-400 dark:hover:bg-indigo-500/10" data-testid="download-patch">
              <Download className="size-3.5" />
              Download patch
            </a>
          )}
          {s.pull_request?.url && (
            <a href={s.pull_request.url} target="_blank" rel="noreferrer" className="inline-flex items-center gap-1.5 text-[13px] font-medium text-emerald-700 hover:underline dark:text-emerald-300" data-testid="session-pr-link">
              <ExternalLink className="size-3.5" />
              Pull request #{s.pull_request.number}
            </a>
          )}
          <span className="ml-auto flex items-center gap-2">
            {s.pushed_commit && (
              <span className="text-xs text-zinc-500 dark:text-zinc-400" data-testid="session-pushed">
                pushed @{short(s.pushed_commit)}
                {!pushedHead && " · newer commits not pushed"}
              </span>
            )}
            {canAct && commits.length > 0 && (
              <Button size="sm" variant="secondary" loading={push.isPending} onClick={() => push.mutate()} disabled={pushedHead} data-testid="push-button">
                {!push.isPending && <Upload className="size-3.5" />}
                {pushedHead ? "Pushed" : "Push"}
              </Button>
            )}
            {canAct && s.pushed_commit && !s.pull_request && (
              <Button size="sm" variant="primary" loading={pr.isPending} onClick={() => pr.mutate()} data-testid="open-pr-button">
                {!pr.isPending && <GitPullRequest className="size-3.5" />}
                Open pull request
              </Button>
            )}
          </span>
        </div>
        {problem && (
          <p role="alert" className="text-[13px] text-red-700 dark:text-red-300" data-testid="ship-error">
            {problem}
          </p>
        )}
        {showDiff &&
          (diff.data ? (
            diff.data.diff ? (
              <div data-testid="session-diff">
                <PatchDiff patch={diff.data.diff} />
                {diff.data.truncated && <p className="mt-1 text-xs text-zinc-500">The diff is cut at 1 MB; download the patch for all of it.</p>}
              </div>
            ) : (
              <p className="text-[13px] text-zinc-500">No changes against the base.</p>
            )
          ) : diff.error ? (
            <p className="text-[13px] text-red-600">Could not load the diff: {diff.error.message}</p>
          ) : (
            <p className="text-[13px] text-zinc-500">Loading the diff…</p>
          ))}
      </CardBody>
    </Card>
  );
}
