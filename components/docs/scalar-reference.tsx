"use client";
// The API references (/docs/api: OpenAPI, /docs/realtime: AsyncAPI) rendered by Scalar's reference
// (@scalar/api-reference-react), bundled by Next from node_modules: nothing is loaded from a CDN, and its
// scripts run under the page's nonce ('strict-dynamic'). Scalar's hosted extras are off (fonts, telemetry, its
// agent chat, MCP, the developer toolbar); "try it" calls this origin directly (no proxy), so the browser sends
// the session cookie, or the Bearer token pasted in the reference's auth box.
import dynamic from "next/dynamic";
import { useEffect, useState } from "react";
import "@scalar/api-reference-react/style.css";
import "./scalar-overrides.css";

// Vue touches `window` when it loads: never on the server.
const ApiReferenceReact = dynamic(() => import("@scalar/api-reference-react").then((m) => m.ApiReferenceReact), {
  ssr: false,
  loading: () => <p className="p-6 text-sm text-zinc-600 dark:text-zinc-400">Loading the reference…</p>,
});

export type ReferenceProps = {
  /** The document's URL on this origin (/api/v1/openapi.json or /api/v1/asyncapi.json). */
  url: string;
  title: string;
  slug: string;
  /**
   * openapi: "try it" sends to this origin (the document's server is the relative "/"). asyncapi: the server's
   * host variable defaults to this origin's host (the document, cached by the server, says localhost:3000).
   */
  kind: "openapi" | "asyncapi";
};

type AsyncApiDoc = { servers?: { app?: { protocol?: string; variables?: { host?: { default?: string } } } } };

/** The AsyncAPI document with this origin as its server (null while it loads). */
function useAsyncApiHere(url: string, enabled: boolean): AsyncApiDoc | null | "failed" {
  const [doc, setDoc] = useState<AsyncApiDoc | null | "failed">(null);
  useEffect(() => {
    if (!enabled) return;
    let live = true;
    fetch(url)
      .then((r) => (r.ok ? (r.json() as Promise<AsyncApiDoc>) : Promise.reject(new Error(String(r.status)))))
      .then((d) => {
        const app = d.servers?.app;
        if (app?.variables?.host) app.variables.host.default = window.location.host;
        if (app) app.protocol = window.location.protocol === "https:" ? "wss" : "ws";
        if (live) setDoc(d);
      })
      .catch(() => live && setDoc("failed"));
    return () => {
      live = false;
    };
  }, [url, enabled]);
  return doc;
}

/** The app's theme (the `dark` class app/layout.tsx's theme script sets on <html>), followed live. */
function useDarkTheme(): boolean | null {
  const [dark, setDark] = useState<boolean | null>(null);
  useEffect(() => {
    const html = document.documentElement;
    const read = () => setDark(html.classList.contains("dark"));
    read();
    const obs = new MutationObserver(read);
    obs.observe(html, { attributes: true, attributeFilter: ["class"] });
    return () => obs.disconnect();
  }, []);
  return dark;
}

export function ScalarReference({ url, title, slug, kind }: ReferenceProps) {
  const dark = useDarkTheme();
  const asyncDoc = useAsyncApiHere(url, kind === "asyncapi");
  if (dark === null) return null;
  if (kind === "asyncapi" && asyncDoc === "failed") return <p className="p-6 text-sm text-red-700 dark:text-red-400">Could not load {url}.</p>;
  if (kind === "asyncapi" && asyncDoc === null) return null;
  return (
    <div data-testid="scalar-reference" data-document={url}>
      {/* Scalar reads forceDarkModeState when it mounts only: a theme change mounts it again. */}
      <ApiReferenceReact
        key={dark ? "dark" : "light"}
        configuration={{
          ...(kind === "asyncapi" ? { content: asyncDoc as Record<string, unknown> } : { url }),
          title,
          slug,
          // Requests go to this origin: the session cookie rides along (same-origin fetch), no proxy.
          ...(kind === "openapi" ? { servers: [{ url: window.location.origin, description: "This Switchboard server" }] } : {}),
          withDefaultFonts: false,
          telemetry: false,
          showDeveloperTools: "never",
          agent: { disabled: true },
          mcp: { disabled: true },
          hideDarkModeToggle: true,
          forceDarkModeState: dark ? "dark" : "light",
          documentDownloadType: "json",
          // "Try it" starts with the signed-in session (the cookie rides along); Bearer is one click away.
          authentication: { preferredSecurityScheme: kind === "openapi" ? "session" : "token" },
          persistAuth: false,
          defaultOpenFirstTag: true,
          orderSchemaPropertiesBy: "preserve",
          orderRequiredPropertiesFirst: false,
        }}
      />
    </div>
  );
}
