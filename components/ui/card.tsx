import type { HTMLAttributes, ReactNode } from "react";
import clsx from "clsx";

export function Card({ className, ...rest }: HTMLAttributes<HTMLElement>) {
  return (
    <section
      className={clsx("rounded-lg border border-zinc-200 bg-white shadow-xs dark:border-zinc-800 dark:bg-zinc-900", className)}
      {...rest}
    />
  );
}

export function CardHeader({ title, icon, actions, className }: { title: ReactNode; icon?: ReactNode; actions?: ReactNode; className?: string }) {
  return (
    <header className={clsx("flex min-h-11 items-center justify-between gap-3 border-b border-zinc-200 px-4 py-2 dark:border-zinc-800", className)}>
      <h2 className="flex items-center gap-2 text-sm font-semibold text-zinc-900 dark:text-zinc-100">
        {icon && <span className="text-zinc-400 dark:text-zinc-500 [&>svg]:size-4">{icon}</span>}
        {title}
      </h2>
      {actions && <div className="flex items-center gap-2">{actions}</div>}
    </header>
  );
}

export const CardBody = ({ className, ...rest }: HTMLAttributes<HTMLDivElement>) => (
  <div className={clsx("px-4 py-3", className)} {...rest} />
);
