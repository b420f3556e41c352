import type { Metadata } from "next";
import { WorkflowView } from "@/components/workflows/workflow-view";

export const metadata: Metadata = { title: "Workflow" };

export default async function WorkflowPage({ params }: { params: Promise<{ id: string; wid: string }> }) {
  const { id, wid } = await params;
  return <WorkflowView key={wid} projectId={id} workflowId={wid} />;
}
