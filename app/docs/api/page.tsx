// The REST API reference: Scalar renders /api/v1/openapi.json (generated from lib/contract by lib/openapi),
// with schemas, examples, error answers and "try it" (the signed-in session, or a pasted Bearer token).
import type { Metadata } from "next";
import { DocsHeader } from "@/components/docs/docs-header";
import { ScalarReference } from "@/components/docs/scalar-reference";

export const metadata: Metadata = { title: "REST API reference" };
export const dynamic = "force-dynamic"; // per request: its scripts carry the CSP nonce (proxy.ts)

export default function ApiDocsPage() {
  return (
    <div data-testid="api-docs">
      <DocsHeader current="/docs/api" />
      <ScalarReference url="/api/v1/openapi.json" title="Switchboard REST API" slug="rest" kind="openapi" />
    </div>
  );
}
