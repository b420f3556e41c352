import type { Metadata } from "next";
import { ShieldAlert } from "lucide-react";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { AdminDashboard } from "@/components/admin/admin-dashboard";
import { currentUser } from "../current-user";
import { AdminTabs } from "./admin-only";

export const metadata: Metadata = { title: "Admin" };
export const dynamic = "force-dynamic";

export default async function AdminPage() {
  const user = await currentUser();
  return (
    <>
      <h1 className="mb-4 text-xl font-semibold">Admin</h1>
      {user?.role === "admin" ? (
        <>
          <AdminTabs current="overview" />
          <AdminDashboard />
        </>
      ) : (
        <Card>
          <EmptyState icon={<ShieldAlert />} title="Admins only" data-testid="admin-forbidden">
            This page shows server-wide numbers and is only open to administrators. Ask an admin if you need them.
          </EmptyState>
        </Card>
      )}
    </>
  );
}
