import type { Metadata } from "next";
import { RunView } from "@/components/runs/run-view";

export const metadata: Metadata = { title: "Test run" };

export default async function RunPage({ params }: { params: Promise<{ id: string; rid: string }> }) {
  const { id, rid } = await params;
  return <RunView key={rid} projectId={id} runId={rid} />;
}
