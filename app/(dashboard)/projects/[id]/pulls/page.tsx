import type { Metadata } from "next";
import { PullsView } from "@/components/github/pulls-view";

export const metadata: Metadata = { title: "Pull requests & issues" };

export default async function PullsPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <PullsView key={id} projectId={id} />;
}
