"use client";
import { useMemo } from "react";
import { FileQuestion, FileWarning, MousePointerClick } from "lucide-react";
import { isApiError } from "@/lib/client/api";
import { formatBytes } from "@/lib/client/vibecode/files";
import { useFileContent } from "@/lib/client/vibecode/hooks";
import { Badge } from "@/components/ui/badge";
import { EmptyState } from "@/components/ui/empty-state";
import { ErrorState } from "@/components/ui/error-state";
import { Skeleton } from "@/components/ui/skeleton";
import { Spinner } from "@/components/ui/spinner";

const MAX_VIEW_KB = 512;

function Lines({ content }: { content: string }) {
  const lines = useMemo(() => {
    const l = content.split("\n");
    if (l.length > 1 && l[l.length - 1] === "") l.pop(); // the final newline ends a line, it does not start one
    return l;
  }, [content]);
  return (
    <div className="overflow-x-auto">
      <table className="w-full border-collapse font-mono text-xs leading-5">
        <tbody>
          {lines.map((line, i) => (
            <tr key={i} className="hover:bg-zinc-50 dark:hover:bg-zinc-800/40">
              <td className="w-px border-r border-zinc-100 px-3 text-right align-top text-zinc-400 tabular-nums select-none dark:border-zinc-800 dark:text-zinc-600">{i + 1}</td>
              <td className="px-3 whitespace-pre text-zinc-800 dark:text-zinc-200" data-testid="file-line">
                {line || " "}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function FileViewer({ projectId, path }: { projectId: string; path: string | null }) {
  const { data, error, isPending, isFetching, refetch, isRefetching } = useFileContent(projectId, path);

  if (!path) {
    return (
      <EmptyState icon={<MousePointerClick />} title="Pick a file" data-testid="file-content-empty">
        Choose a file in the tree to read it. Patches applied in vibecode sessions show up here as soon as they are committed.
      </EmptyState>
    );
  }

  return (
    <div data-testid="file-content" data-path={path} className="min-w-0">
      <div className="flex min-h-11 flex-wrap items-center gap-2 border-b border-zinc-200 px-4 py-2 dark:border-zinc-800">
        <h2 className="min-w-0 truncate font-mono text-[13px] font-medium text-zinc-900 dark:text-zinc-100" title={path}>
          {path}
        </h2>
        {data && <span className="text-xs text-zinc-500 tabular-nums dark:text-zinc-400">{formatBytes(data.size)}</span>}
        {data?.binary && <Badge tone="amber">binary</Badge>}
        {data?.truncated && <Badge tone="amber">truncated</Badge>}
        {isFetching && !isPending && <Spinner className="ml-auto size-3.5 text-zinc-400" />}
      </div>
      {isPending ? (
        <div className="space-y-2 px-4 py-4" aria-busy>
          {[70, 55, 80, 40, 65].map((w, i) => (
            <div key={i} style={{ width: `${w}%` }}>
              <Skeleton className="h-3" />
            </div>
          ))}
        </div>
      ) : isApiError(error, 404) ? (
        <EmptyState icon={<FileQuestion />} title="This file is not in the workspace">
          It may have been deleted or renamed by a patch. Pick another file in the tree.
        </EmptyState>
      ) : !data ? (
        <ErrorState title="Could not load this file" error={error} onRetry={() => void refetch()} retrying={isRefetching} />
      ) : data.binary ? (
        <EmptyState icon={<FileWarning />} title="Binary file" data-testid="file-binary">
          {formatBytes(data.size)} of binary content; it is not shown here.
        </EmptyState>
      ) : (
        <>
          {data.truncated && (
            <p data-testid="file-truncated" className="border-b border-amber-200 bg-amber-50 px-4 py-1.5 text-xs text-amber-800 dark:border-amber-500/30 dark:bg-amber-500/10 dark:text-amber-200">
              This file is {formatBytes(data.size)}: only the first {MAX_VIEW_KB} KB are shown.
            </p>
          )}
          {data.content ? <Lines content={data.content} /> : <p className="px-4 py-6 text-sm text-zinc-500 italic">This file is empty.</p>}
        </>
      )}
    </div>
  );
}
