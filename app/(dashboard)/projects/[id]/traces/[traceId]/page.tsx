import type { Metadata } from "next";
import { TraceView } from "@/components/traces/trace-view";

export const metadata: Metadata = { title: "Trace" };

export default async function TracePage({ params }: { params: Promise<{ id: string; traceId: string }> }) {
  const { id, traceId } = await params;
  return <TraceView key={traceId} projectId={id} traceId={decodeURIComponent(traceId)} />;
}
