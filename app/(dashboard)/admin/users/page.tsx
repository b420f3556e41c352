import type { Metadata } from "next";
import { UsersView } from "@/components/admin/users-view";
import { currentUser } from "../../current-user";
import { AdminTabs, AdminsOnly } from "../admin-only";

export const metadata: Metadata = { title: "Users" };
export const dynamic = "force-dynamic";

export default async function UsersPage() {
  const user = await currentUser();
  return (
    <>
      <h1 className="mb-4 text-xl font-semibold">Admin</h1>
      {user?.role === "admin" ? (
        <>
          <AdminTabs current="users" />
          <UsersView me={user.id} />
        </>
      ) : (
        <AdminsOnly what="Managing users" />
      )}
    </>
  );
}
