import { useSyncExternalStore } from "react";

const subscribe = () => () => {};

/**
 * False in the server's render and while hydrating, true once React owns the page. Forms keep their submit
 * button disabled until then: a submit before hydration is the browser's own, a GET to the page with every
 * field — the password among them — in the URL (history, proxy and server logs).
 */
export function useHydrated(): boolean {
  return useSyncExternalStore(
    subscribe,
    () => true,
    () => false,
  );
}
