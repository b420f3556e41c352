import { LoaderCircle } from "lucide-react";
import clsx from "clsx";

export const Spinner = ({ className }: { className?: string }) => (
  <LoaderCircle aria-hidden className={clsx("animate-spin", className ?? "size-4")} />
);
