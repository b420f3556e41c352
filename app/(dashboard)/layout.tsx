import { redirect } from "next/navigation";
import { RealtimeProvider } from "@/lib/client/realtime";
import { Sidebar } from "@/components/shell/sidebar";
import { TopBar } from "@/components/shell/top-bar";
import { KeyboardLists } from "@/components/shell/keyboard-lists";
import { currentUser } from "./current-user";

export const dynamic = "force-dynamic";

export default async function DashboardLayout({ children }: { children: React.ReactNode }) {
  const user = await currentUser();
  if (!user) redirect("/signin");
  return (
    <RealtimeProvider me={user.id}>
      <KeyboardLists />
      <div className="flex min-h-screen">
        <Sidebar isAdmin={user.role === "admin"} />
        <div className="flex min-w-0 flex-1 flex-col">
          <TopBar name={user.name} email={user.email} />
          <main className="mx-auto w-full max-w-7xl flex-1 px-4 py-6 md:px-6">{children}</main>
        </div>
      </div>
    </RealtimeProvider>
  );
}
