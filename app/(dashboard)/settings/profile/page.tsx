import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { ProfileView } from "@/components/auth/profile-form";
import { currentUser } from "../../current-user";

export const metadata: Metadata = { title: "Profile" };
export const dynamic = "force-dynamic";

export default async function ProfilePage() {
  const user = await currentUser();
  if (!user) redirect("/signin");
  return (
    <>
      <h1 className="mb-4 text-xl font-semibold">Profile</h1>
      <ProfileView name={user.name} email={user.email} />
    </>
  );
}
