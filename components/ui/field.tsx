import { forwardRef, useId, type InputHTMLAttributes, type ReactNode, type SelectHTMLAttributes, type TextareaHTMLAttributes } from "react";
import clsx from "clsx";

const control = (invalid: boolean) =>
  clsx(
    "block w-full rounded-md border bg-white px-3 text-sm text-zinc-900 shadow-xs placeholder:text-zinc-400 transition-colors",
    "focus:outline-2 focus:-outline-offset-1 focus:outline-indigo-500",
    "disabled:cursor-not-allowed disabled:bg-zinc-50 disabled:text-zinc-500",
    "dark:bg-zinc-950 dark:text-zinc-100 dark:placeholder:text-zinc-600 dark:disabled:bg-zinc-900",
    invalid ? "border-red-400 dark:border-red-500/70" : "border-zinc-300 dark:border-zinc-700",
  );

type FieldProps = { label: ReactNode; error?: string; hint?: ReactNode; children: (props: { id: string; invalid: boolean; describedBy?: string }) => ReactNode; className?: string };

/** A label, a control and its error or hint, wired for screen readers. */
export function Field({ label, error, hint, children, className }: FieldProps) {
  const id = useId();
  const noteId = `${id}-note`;
  const note = error ?? hint;
  return (
    <div className={clsx("space-y-1.5", className)}>
      <label htmlFor={id} className="block text-[13px] font-medium text-zinc-700 dark:text-zinc-300">
        {label}
      </label>
      {children({ id, invalid: !!error, describedBy: note ? noteId : undefined })}
      {note && (
        <p id={noteId} role={error ? "alert" : undefined} className={clsx("text-xs", error ? "text-red-600 dark:text-red-400" : "text-zinc-500 dark:text-zinc-400")}>
          {note}
        </p>
      )}
    </div>
  );
}

export const Input = forwardRef<HTMLInputElement, InputHTMLAttributes<HTMLInputElement> & { invalid?: boolean }>(function Input(
  { invalid = false, className, ...rest },
  ref,
) {
  return <input ref={ref} aria-invalid={invalid || undefined} className={clsx(control(invalid), "h-9", className)} {...rest} />;
});

export const Textarea = forwardRef<HTMLTextAreaElement, TextareaHTMLAttributes<HTMLTextAreaElement> & { invalid?: boolean }>(function Textarea(
  { invalid = false, className, ...rest },
  ref,
) {
  return <textarea ref={ref} aria-invalid={invalid || undefined} className={clsx(control(invalid), "min-h-20 py-2", className)} {...rest} />;
});

export const Select = forwardRef<HTMLSelectElement, SelectHTMLAttributes<HTMLSelectElement> & { invalid?: boolean }>(function Select(
  { invalid = false, className, ...rest },
  ref,
) {
  return <select ref={ref} aria-invalid={invalid || undefined} className={clsx(control(invalid), "h-9 pr-8", className)} {...rest} />;
});

/** A form-level error (not tied to one field). */
export const FormError = ({ children }: { children?: ReactNode }) =>
  children ? (
    <p role="alert" className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-700 dark:border-red-500/30 dark:bg-red-500/10 dark:text-red-300">
      {children}
    </p>
  ) : null;
