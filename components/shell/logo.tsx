import { Radio } from "lucide-react";
import clsx from "clsx";

export const Logo = ({ className }: { className?: string }) => (
  <span className={clsx("inline-flex items-center gap-2 font-semibold tracking-tight text-zinc-900 dark:text-zinc-100", className)}>
    <span className="flex size-7 items-center justify-center rounded-md bg-indigo-600 text-white shadow-sm dark:bg-indigo-500">
      <Radio className="size-4" />
    </span>
    Switchboard
  </span>
);
