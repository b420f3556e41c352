import type { ReactNode } from "react";
import clsx from "clsx";

/** An empty list that says what to do next. */
export function EmptyState({
  icon,
  title,
  children,
  action,
  className,
  compact = false,
  ...rest
}: {
  icon?: ReactNode;
  title: ReactNode;
  children?: ReactNode;
  action?: ReactNode;
  className?: string;
  compact?: boolean;
  "data-testid"?: string;
}) {
  return (
    <div className={clsx("flex flex-col items-center text-center", compact ? "px-4 py-5" : "px-6 py-14", className)} {...rest}>
      {icon && (
        <div className="mb-3 flex size-10 items-center justify-center rounded-full bg-zinc-100 text-zinc-500 dark:bg-zinc-800 dark:text-zinc-400 [&>svg]:size-5">
          {icon}
        </div>
      )}
      <p className="text-sm font-medium text-zinc-900 dark:text-zinc-100">{title}</p>
      {children && <div className="mt-1 max-w-sm text-sm text-zinc-500 dark:text-zinc-400">{children}</div>}
      {action && <div className="mt-4">{action}</div>}
    </div>
  );
}
