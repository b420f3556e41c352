import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { Shield } from "lucide-react";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { currentUser } from "../current-user";

export const metadata: Metadata = { title: "Admin" };
export const dynamic = "force-dynamic";

export default async function AdminPage() {
  if ((await currentUser())?.role !== "admin") notFound();
  return (
    <>
      <h1 className="mb-4 text-xl font-semibold">Admin</h1>
      <Card>
        <EmptyState icon={<Shield />} title="Coming soon">
          Live connections, rooms, event throughput and server metrics will appear here.
        </EmptyState>
      </Card>
    </>
  );
}
