"use client";
import { useListKeys } from "@/lib/client/list-keys";

/** j / k / Enter in the page's long lists (lib/client/list-keys.ts). */
export function KeyboardLists() {
  useListKeys();
  return null;
}
