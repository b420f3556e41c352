// A tiny toast store: any code may call toast(); <Toaster/> renders the queue.
import { useSyncExternalStore } from "react";

export type Toast = { id: number; tone: "success" | "error" | "info"; message: string };

let toasts: Toast[] = [];
let nextId = 1;
const listeners = new Set<() => void>();
const emit = () => listeners.forEach((l) => l());

export function dismissToast(id: number) {
  toasts = toasts.filter((t) => t.id !== id);
  emit();
}

export function toast(message: string, tone: Toast["tone"] = "success") {
  const id = nextId++;
  toasts = [...toasts.slice(-3), { id, tone, message }];
  emit();
  setTimeout(() => dismissToast(id), tone === "error" ? 8000 : 4000);
}

export const toastError = (e: unknown) => toast(e instanceof Error ? e.message : "Something went wrong", "error");

const subscribe = (l: () => void) => {
  listeners.add(l);
  return () => listeners.delete(l);
};
const empty: Toast[] = [];
export const useToasts = () => useSyncExternalStore(subscribe, () => toasts, () => empty);
