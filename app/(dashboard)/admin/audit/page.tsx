import type { Metadata } from "next";
import { AuditView } from "@/components/admin/audit-view";
import { currentUser } from "../../current-user";
import { AdminTabs, AdminsOnly } from "../admin-only";

export const metadata: Metadata = { title: "Audit log" };
export const dynamic = "force-dynamic";

export default async function AuditPage() {
  const user = await currentUser();
  return (
    <>
      <h1 className="mb-4 text-xl font-semibold">Admin</h1>
      {user?.role === "admin" ? (
        <>
          <AdminTabs current="audit" />
          <AuditView />
        </>
      ) : (
        <AdminsOnly what="The audit log" />
      )}
    </>
  );
}
