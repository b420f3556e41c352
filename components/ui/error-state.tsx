import { TriangleAlert } from "lucide-react";
import { Button } from "./button";
import { EmptyState } from "./empty-state";

/** A failed load, in words, with a way to try again. */
export function ErrorState({ title = "Could not load this", error, onRetry, retrying }: { title?: string; error: unknown; onRetry?: () => void; retrying?: boolean }) {
  const message = error instanceof Error ? error.message : "Something went wrong.";
  return (
    <EmptyState
      icon={<TriangleAlert className="text-red-500" />}
      title={title}
      action={onRetry && <Button size="sm" onClick={onRetry} loading={retrying}>Try again</Button>}
      data-testid="error-state"
    >
      {message}
    </EmptyState>
  );
}
