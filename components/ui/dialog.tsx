"use client";
import * as D from "@radix-ui/react-dialog";
import { X } from "lucide-react";
import type { ReactNode } from "react";
import clsx from "clsx";

type DialogProps = {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  title: ReactNode;
  description?: ReactNode;
  children: ReactNode;
  size?: "sm" | "md";
  "data-testid"?: string;
};

/** A modal on Radix (focus trap, Escape, aria) in the dashboard's look. */
export function Dialog({ open, onOpenChange, title, description, children, size = "md", ...rest }: DialogProps) {
  return (
    <D.Root open={open} onOpenChange={onOpenChange}>
      <D.Portal>
        <D.Overlay className="fixed inset-0 z-40 bg-zinc-950/40 backdrop-blur-[1px] data-[state=open]:animate-[fade-in_120ms_ease-out]" />
        <D.Content
          data-testid={rest["data-testid"]}
          className={clsx(
            "fixed top-[12vh] left-1/2 z-50 w-[calc(100vw-2rem)] -translate-x-1/2 rounded-xl border border-zinc-200 bg-white shadow-xl",
            "data-[state=open]:animate-[dialog-in_140ms_ease-out] dark:border-zinc-800 dark:bg-zinc-900",
            size === "sm" ? "max-w-sm" : "max-w-lg",
          )}
        >
          <div className="flex items-start justify-between gap-4 px-5 pt-5">
            <div>
              <D.Title className="text-base font-semibold text-zinc-900 dark:text-zinc-100">{title}</D.Title>
              {description ? (
                <D.Description className="mt-1 text-sm text-zinc-500 dark:text-zinc-400">{description}</D.Description>
              ) : (
                <D.Description className="sr-only">{title}</D.Description>
              )}
            </div>
            <D.Close className="-mr-1 rounded-md p-1 text-zinc-400 hover:bg-zinc-100 hover:text-zinc-700 dark:hover:bg-zinc-800 dark:hover:text-zinc-200" aria-label="Close">
              <X className="size-4" />
            </D.Close>
          </div>
          <div className="px-5 pt-4 pb-5">{children}</div>
        </D.Content>
      </D.Portal>
    </D.Root>
  );
}

/** The row of buttons at the bottom of a dialog. */
export const DialogActions = ({ children }: { children: ReactNode }) => (
  <div className="mt-6 flex justify-end gap-2">{children}</div>
);
