import type { Metadata } from "next";
import { WorkflowsView } from "@/components/workflows/workflows-view";

export const metadata: Metadata = { title: "Workflows" };

export default async function WorkflowsPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <WorkflowsView key={id} projectId={id} />;
}
