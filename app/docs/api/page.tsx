// The REST API reference, rendered on the server from the same OpenAPI document as /api/v1/openapi.json.
// A small page of our own: it works offline and needs no client-side renderer.
import type { Metadata } from "next";
import { openApiDocument } from "@/lib/openapi/document";

export const metadata: Metadata = { title: "API reference" };
export const dynamic = "force-dynamic"; // per request: its scripts carry the CSP nonce (proxy.ts)

type Schema = Record<string, any>;
type Op = {
  summary?: string;
  description?: string;
  tags?: string[];
  security?: unknown[];
  parameters?: { name: string; in: string; required?: boolean; schema?: Schema; description?: string }[];
  requestBody?: { content: Record<string, { schema: Schema }> };
  responses: Record<string, { description: string; content?: Record<string, { schema: Schema }> }>;
};

const METHOD_TONE: Record<string, string> = {
  get: "bg-sky-100 text-sky-800 dark:bg-sky-500/15 dark:text-sky-300",
  post: "bg-emerald-100 text-emerald-800 dark:bg-emerald-500/15 dark:text-emerald-300",
  put: "bg-amber-100 text-amber-800 dark:bg-amber-500/15 dark:text-amber-300",
  patch: "bg-amber-100 text-amber-800 dark:bg-amber-500/15 dark:text-amber-300",
  delete: "bg-red-100 text-red-800 dark:bg-red-500/15 dark:text-red-300",
};

/** A compact, TypeScript-like rendering of a JSON schema ($refs resolved against components). */
function render(s: Schema | undefined, components: Record<string, Schema>, depth = 0, seen: string[] = []): string {
  if (!s) return "unknown";
  const pad = "  ".repeat(depth);
  if (s.$ref) {
    const name = String(s.$ref).split("/").pop()!;
    if (seen.includes(name) || depth > 4) return name;
    return render(components[name], components, depth, [...seen, name]);
  }
  if (s.anyOf || s.oneOf) return (s.anyOf ?? s.oneOf).map((x: Schema) => render(x, components, depth, seen)).join(" | ");
  if (s.enum) return s.enum.map((v: unknown) => JSON.stringify(v)).join(" | ");
  if (s.const !== undefined) return JSON.stringify(s.const);
  const types: string[] = Array.isArray(s.type) ? s.type : s.type ? [s.type] : [];
  const nullable = types.includes("null") ? " | null" : "";
  const t = types.find((x) => x !== "null");
  if (t === "object" || s.properties) {
    const props = Object.entries((s.properties ?? {}) as Record<string, Schema>);
    if (!props.length) return (s.additionalProperties ? `{ [key]: ${render(s.additionalProperties === true ? undefined : s.additionalProperties, components, depth, seen)} }` : "object") + nullable;
    const req = new Set<string>(s.required ?? []);
    const lines = props.map(([k, v]) => {
      const limits = [v.minimum !== undefined && `≥ ${v.minimum}`, v.maximum !== undefined && `≤ ${v.maximum}`, v.maxLength !== undefined && `max ${v.maxLength} chars`, v.maxItems !== undefined && `max ${v.maxItems} items`]
        .filter(Boolean)
        .join(", ");
      const note = [limits, v.description].filter(Boolean).join("; ");
      return `${pad}  ${k}${req.has(k) ? "" : "?"}: ${render(v, components, depth + 1, seen)}${note ? `  // ${note}` : ""}`;
    });
    return `{\n${lines.join("\n")}\n${pad}}${nullable}`;
  }
  if (t === "array") return `${render(s.items, components, depth, seen)}[]${nullable}`;
  if (t === "integer") return `integer${nullable}`;
  return (t ?? "unknown") + nullable;
}

type Doc = { info: { title: string; description?: string; version: string }; paths: Record<string, Record<string, Op>>; components?: { schemas?: Record<string, Schema> } };
type Entry = { method: string; path: string; op: Op };
type Components = Record<string, Schema>;

const anchor = (tag: string) => tag.replace(/\W+/g, "-").toLowerCase();

/** The operations grouped by their first tag, in the document's order. */
function byTag(doc: Doc): Map<string, Entry[]> {
  const groups = new Map<string, Entry[]>();
  for (const [path, ops] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(ops)) {
      const tag = op.tags?.[0] ?? "Other";
      if (!groups.has(tag)) groups.set(tag, []);
      groups.get(tag)!.push({ method, path, op });
    }
  }
  return groups;
}

export default function ApiDocsPage() {
  const doc = openApiDocument() as unknown as Doc;
  const components = doc.components?.schemas ?? {};
  const groups = byTag(doc);
  const tags = [...groups.keys()];
  return (
    <main className="mx-auto max-w-5xl space-y-8 px-6 py-10" data-testid="api-docs">
      <DocsHeader info={doc.info} tags={tags} />
      {tags.map((tag) => (
        <section key={tag} id={anchor(tag)} className="space-y-3" data-testid="api-tag">
          <h2 className="text-lg font-semibold">{tag}</h2>
          {groups.get(tag)!.map((entry) => (
            <Operation key={entry.method + entry.path} entry={entry} components={components} />
          ))}
        </section>
      ))}
    </main>
  );
}

function DocsHeader({ info, tags }: { info: Doc["info"]; tags: string[] }) {
  return (
    <header className="space-y-2">
      <h1 className="text-2xl font-semibold tracking-tight">{info.title}</h1>
      <p className="text-sm text-zinc-600 dark:text-zinc-400">{info.description}</p>
      <p className="text-sm text-zinc-600 dark:text-zinc-400">
        Machine-readable: <a className="text-indigo-600 underline dark:text-indigo-400" href="/api/v1/openapi.json">/api/v1/openapi.json</a> (OpenAPI 3.1, version {info.version}). Errors always have the shape{" "}
        <code className="font-mono text-xs">{'{"error": {"code", "message", "details"}}'}</code>.
      </p>
      <nav className="flex flex-wrap gap-2 pt-2 text-sm">
        {tags.map((t) => (
          <a key={t} href={`#${anchor(t)}`} className="rounded border border-zinc-200 px-2 py-0.5 hover:bg-zinc-100 dark:border-zinc-800 dark:hover:bg-zinc-800">
            {t}
          </a>
        ))}
      </nav>
    </header>
  );
}

function Operation({ entry: { method, path, op }, components }: { entry: Entry; components: Components }) {
  const body = op.requestBody?.content["application/json"]?.schema;
  const query = (op.parameters ?? []).filter((p) => p.in === "query");
  return (
    <details className="rounded-lg border border-zinc-200 bg-white dark:border-zinc-800 dark:bg-zinc-900" data-testid="api-operation" data-method={method} data-path={path}>
      <summary className="flex cursor-pointer items-center gap-3 px-4 py-2.5">
        <span className={`w-16 rounded px-1.5 py-0.5 text-center font-mono text-xs font-semibold uppercase ${METHOD_TONE[method] ?? ""}`}>{method}</span>
        <code className="font-mono text-[13px]">{path}</code>
        <span className="min-w-0 flex-1 truncate text-[13px] text-zinc-600 dark:text-zinc-400">{op.summary}</span>
        <span className="text-[11px] text-zinc-500">{op.security ? "auth" : "public"}</span>
      </summary>
      <div className="space-y-3 border-t border-zinc-200 px-4 py-3 text-[13px] dark:border-zinc-800">
        {op.description && <p className="text-zinc-700 dark:text-zinc-300">{op.description}</p>}
        <p className="text-xs text-zinc-500">{op.security ? "Needs a Bearer token (JWT or API token) or the session cookie." : "No credential needed."}</p>
        {query.length > 0 && <QueryParams params={query} components={components} />}
        {body && (
          <div>
            <h3 className="text-xs font-semibold text-zinc-500 uppercase">Request body</h3>
            <pre className="overflow-auto rounded bg-zinc-50 p-2 font-mono text-xs dark:bg-zinc-950">{render(body, components)}</pre>
          </div>
        )}
        <Responses responses={op.responses} components={components} />
      </div>
    </details>
  );
}

function QueryParams({ params, components }: { params: NonNullable<Op["parameters"]>; components: Components }) {
  return (
    <div>
      <h3 className="text-xs font-semibold text-zinc-500 uppercase">Query</h3>
      <ul className="font-mono text-xs">
        {params.map((p) => (
          <li key={p.name}>
            {p.name}
            {p.required ? "" : "?"}: {render(p.schema, components)}
            {p.description ? `  // ${p.description}` : ""}
          </li>
        ))}
      </ul>
    </div>
  );
}

function Responses({ responses, components }: { responses: Op["responses"]; components: Components }) {
  return (
    <div>
      <h3 className="text-xs font-semibold text-zinc-500 uppercase">Responses</h3>
      <ul className="space-y-2">
        {Object.entries(responses).map(([status, r]) => {
          const [type, c] = Object.entries(r.content ?? {})[0] ?? [];
          const isError = status.startsWith("4") || status.startsWith("5");
          return (
            <li key={status}>
              <span className={`font-mono text-xs font-semibold ${isError ? "text-red-600" : "text-emerald-700"}`}>{status}</span> <span className="text-zinc-700 dark:text-zinc-300">{r.description}</span>
              {c && !isError && (
                <pre className="mt-1 overflow-auto rounded bg-zinc-50 p-2 font-mono text-xs dark:bg-zinc-950">
                  {type !== "application/json" ? `${type}\n` : ""}
                  {render(c.schema, components)}
                </pre>
              )}
            </li>
          );
        })}
      </ul>
    </div>
  );
}
