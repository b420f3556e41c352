import Link from "next/link";
import { ArrowLeft, SearchX, Trash2 } from "lucide-react";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { Skeleton } from "@/components/ui/skeleton";

const BackHome = () => (
  <Link href="/" className="inline-flex items-center gap-1.5 text-sm font-medium text-indigo-600 hover:underline dark:text-indigo-400" data-testid="back-to-projects">
    <ArrowLeft className="size-4" />
    Back to projects
  </Link>
);

export function ProjectDeleted({ name, by }: { name: string; by: string | null }) {
  return (
    <Card data-testid="project-deleted">
      <EmptyState icon={<Trash2 />} title="This project was deleted" action={<BackHome />}>
        {name ? `“${name}”` : "It"} was deleted{by ? ` by ${by}` : ""}. Its activity and members are gone with it.
      </EmptyState>
    </Card>
  );
}

export function ProjectNotFound() {
  return (
    <Card data-testid="project-not-found">
      <EmptyState icon={<SearchX />} title="Project not found" action={<BackHome />}>
        It does not exist, or you are not a member. Ask one of its owners to add you with your email address.
      </EmptyState>
    </Card>
  );
}

export function ProjectSkeleton() {
  return (
    <div className="space-y-6" aria-busy data-testid="project-loading">
      <div className="space-y-3">
        <Skeleton className="h-6 w-64" />
        <Skeleton className="h-4 w-96 max-w-full" />
      </div>
      <div className="grid gap-6 lg:grid-cols-3">
        <Skeleton className="h-80 lg:col-span-2" />
        <div className="space-y-6">
          <Skeleton className="h-44" />
          <Skeleton className="h-24" />
        </div>
      </div>
    </div>
  );
}
