import type { Metadata } from "next";
import { RunsView } from "@/components/runs/runs-view";

export const metadata: Metadata = { title: "Test runs" };

export default async function RunsPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <RunsView key={id} projectId={id} />;
}
