// The realtime (Socket.IO) reference: Scalar renders /api/v1/asyncapi.json (generated from lib/contract by
// lib/asyncapi): commands with their acks and errors, events with their payloads and rooms, the connection flow.
import type { Metadata } from "next";
import { DocsHeader } from "@/components/docs/docs-header";
import { ScalarReference } from "@/components/docs/scalar-reference";

export const metadata: Metadata = { title: "Realtime API reference" };
export const dynamic = "force-dynamic"; // per request: its scripts carry the CSP nonce (proxy.ts)

export default function RealtimeDocsPage() {
  return (
    <div data-testid="realtime-docs">
      <DocsHeader current="/docs/realtime" />
      <ScalarReference url="/api/v1/asyncapi.json" title="Switchboard realtime API" slug="realtime" kind="asyncapi" />
    </div>
  );
}
