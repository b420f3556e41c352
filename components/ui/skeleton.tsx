import clsx from "clsx";

export const Skeleton = ({ className }: { className?: string }) => (
  <div aria-hidden className={clsx("animate-pulse rounded bg-zinc-200/80 dark:bg-zinc-800", className)} />
);
