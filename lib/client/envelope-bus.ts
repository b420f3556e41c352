// Every envelope this tab receives (live or replayed), for components that follow something across rooms
// (a trace's timeline, the notification bell). Fed by cache.ts's applyEnvelope.
import { useEffect, useRef } from "react";
import type { AnyEnvelope as Envelope } from "@/lib/contract";

type Listener = (env: Envelope) => void;
const listeners = new Set<Listener>();

export function publishToListeners(env: Envelope) {
  for (const l of listeners) {
    try {
      l(env);
    } catch (e) {
      console.error("[envelopes] listener failed", e);
    }
  }
}

/** Call fn with every envelope while mounted (the latest fn; no re-subscription per render). */
export function useEnvelopes(fn: Listener) {
  const ref = useRef(fn);
  useEffect(() => {
    ref.current = fn;
  });
  useEffect(() => {
    const l: Listener = (env) => ref.current(env);
    listeners.add(l);
    return () => void listeners.delete(l);
  }, []);
}
