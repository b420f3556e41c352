// The strip above both references: where you are, the other reference, and the machine-readable documents.
import Link from "next/link";

const LINKS = [
  { href: "/docs/api", label: "REST API", doc: "/api/v1/openapi.json", kind: "OpenAPI 3.1" },
  { href: "/docs/realtime", label: "Realtime API", doc: "/api/v1/asyncapi.json", kind: "AsyncAPI 3.0" },
] as const;

export function DocsHeader({ current }: { current: "/docs/api" | "/docs/realtime" }) {
  const here = LINKS.find((l) => l.href === current)!;
  return (
    <header className="flex flex-wrap items-center gap-x-6 gap-y-2 border-b border-zinc-200 bg-white px-6 py-3 text-sm dark:border-zinc-800 dark:bg-zinc-900">
      <Link href="/" className="font-semibold text-zinc-900 dark:text-zinc-100">
        Switchboard
      </Link>
      <nav aria-label="Documentation" className="flex gap-4">
        {LINKS.map((l) => (
          <Link
            key={l.href}
            href={l.href}
            aria-current={l.href === current ? "page" : undefined}
            className={l.href === current ? "font-medium text-indigo-700 underline underline-offset-4 dark:text-indigo-300" : "text-zinc-700 hover:underline dark:text-zinc-300"}
          >
            {l.label}
          </Link>
        ))}
      </nav>
      <p className="text-zinc-600 dark:text-zinc-400">
        Machine-readable:{" "}
        <a className="text-indigo-700 underline dark:text-indigo-300" href={here.doc}>
          {here.doc}
        </a>{" "}
        ({here.kind})
      </p>
    </header>
  );
}
