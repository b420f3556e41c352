import type { Metadata } from "next";
import { SessionView } from "@/components/vibecode/session-view";

export const metadata: Metadata = { title: "Vibecode session" };

export default async function SessionPage({ params }: { params: Promise<{ id: string; sid: string }> }) {
  const { id, sid } = await params;
  return <SessionView key={sid} projectId={id} sessionId={sid} />;
}
