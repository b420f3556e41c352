import type { Metadata } from "next";
import { Suspense } from "react";
import { FilesView } from "@/components/files/files-view";

export const metadata: Metadata = { title: "Files" };

export default async function FilesPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return (
    <Suspense>
      <FilesView key={id} projectId={id} />
    </Suspense>
  );
}
