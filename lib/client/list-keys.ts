"use client";
// j / k move through a long list (runs, test results, activity, ...), Enter opens the selected item.
// A list is marked `data-kbd-list`, its items `data-kbd-item`; one handler for the whole page (mounted by
// the dashboard layout), so any page gets it by marking its list. The selected item takes the focus (a
// screen reader reads it) and carries `data-kbd-selected` (a ring, app/globals.css). Keys typed in a field,
// with a modifier, or while a dialog is open are left alone.
import { useEffect } from "react";

const TYPING = 'input, textarea, select, [contenteditable=""], [contenteditable="true"], [role="textbox"]';
const OPENERS = "[data-kbd-open], a[href], button:not([disabled]), summary";

const visible = (el: Element) => (el as HTMLElement).offsetParent !== null || el.getClientRects().length > 0;

function itemsOf(list: Element): HTMLElement[] {
  return [...list.querySelectorAll<HTMLElement>("[data-kbd-item]")].filter((i) => i.closest("[data-kbd-list]") === list && visible(i));
}

function select(item: HTMLElement) {
  for (const el of document.querySelectorAll("[data-kbd-selected]")) el.removeAttribute("data-kbd-selected");
  item.setAttribute("data-kbd-selected", "");
  if (!item.matches("a[href], button, [tabindex]")) item.tabIndex = -1;
  item.focus({ preventScroll: true });
  item.scrollIntoView({ block: "nearest" });
}

/** What Enter does on a selected item: its marked opener, else its first link or button. */
function open(item: HTMLElement) {
  const target = item.matches(OPENERS) ? item : item.querySelector<HTMLElement>(OPENERS);
  target?.click();
}

export function onListKey(e: KeyboardEvent) {
  if (e.defaultPrevented || e.altKey || e.ctrlKey || e.metaKey || e.isComposing) return;
  if (e.key !== "j" && e.key !== "k" && e.key !== "Enter") return;
  const target = e.target instanceof HTMLElement ? e.target : null;
  if (target?.closest(TYPING)) return;
  if (document.querySelector('[role="dialog"], [role="alertdialog"]')) return;

  if (e.key === "Enter") {
    // Only the selected item itself (a link or button inside it keeps its own Enter).
    if (target && target.hasAttribute("data-kbd-item") && target.hasAttribute("data-kbd-selected") && !target.matches("a[href], button")) {
      e.preventDefault();
      open(target);
    }
    return;
  }

  const lists = [...document.querySelectorAll("[data-kbd-list]")].filter(visible);
  const list =
    (target && lists.find((l) => l.contains(target))) ?? lists.find((l) => l.querySelector("[data-kbd-selected]")) ?? lists[0];
  if (!list) return;
  const items = itemsOf(list);
  if (items.length === 0) return;
  e.preventDefault();
  let at = items.findIndex((i) => i.hasAttribute("data-kbd-selected"));
  if (at < 0 && target) at = items.findIndex((i) => i.contains(target));
  const next = at < 0 ? 0 : Math.max(0, Math.min(items.length - 1, at + (e.key === "j" ? 1 : -1)));
  select(items[next]!);
}

export function useListKeys() {
  useEffect(() => {
    document.addEventListener("keydown", onListKey);
    return () => document.removeEventListener("keydown", onListKey);
  }, []);
}
