"use client";
// Owners: how session branches ship — the push credential for an https origin, the GitHub token and repository
// for pull requests. Secrets are write-only: the server says only whether one is set.
import { useState, type FormEvent } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Rocket } from "lucide-react";
import { isApiError } from "@/lib/client/api";
import { keys } from "@/lib/client/keys";
import { shipApi } from "@/lib/client/ship-api";
import type { Project } from "@/lib/client/types";
import { toast } from "@/lib/client/toast";
import { Button } from "@/components/ui/button";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { Input } from "@/components/ui/field";
import { Skeleton } from "@/components/ui/skeleton";

type Key = "push_credential" | "github_token" | "github_repository";

export function ShippingCard({ project }: { project: Project }) {
  const owner = project.role === "owner";
  const qc = useQueryClient();
  const settings = useQuery({ queryKey: keys.shipping(project.id), queryFn: ({ signal }) => shipApi.shipping(project.id, signal), enabled: owner });
  const [values, setValues] = useState<Record<Key, string>>({ push_credential: "", github_token: "", github_repository: "" });
  const [error, setError] = useState<string | null>(null);
  const save = useMutation({
    mutationFn: (body: Partial<Record<Key, string | null>>) => shipApi.setShipping(project.id, body),
    onSuccess: (s) => {
      qc.setQueryData(keys.shipping(project.id), s);
      setValues({ push_credential: "", github_token: "", github_repository: "" });
      toast("Shipping settings saved");
    },
    onError: (e) => setError(isApiError(e) ? (Object.values(e.fieldErrors())[0] ?? e.message) : "Could not save"),
  });
  if (!owner) return null;
  const s = settings.data;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    const body: Partial<Record<Key, string | null>> = {};
    for (const k of Object.keys(values) as Key[]) if (values[k].trim()) body[k] = values[k].trim();
    if (Object.keys(body).length) save.mutate(body);
  };
  const row = (k: Key, label: string, set: boolean | null, placeholder: string, secret: boolean) => (
    <label className="block space-y-1">
      <span className="flex items-center justify-between text-xs font-medium text-zinc-500 dark:text-zinc-400">
        {label}
        {set !== null && (
          <span className="font-normal">
            {set ? "set" : "not set"}
            {set && (
              <button type="button" className="ml-2 text-red-600 hover:underline dark:text-red-400" onClick={() => save.mutate({ [k]: null })} data-testid={`clear-${k}`}>
                clear
              </button>
            )}
          </span>
        )}
      </span>
      <Input
        type={secret ? "password" : "text"}
        autoComplete="off"
        value={values[k]}
        placeholder={placeholder}
        onChange={(e) => setValues((v) => ({ ...v, [k]: e.target.value }))}
        data-testid={`shipping-${k}`}
      />
    </label>
  );
  return (
    <Card data-testid="shipping-card">
      <CardHeader title="Shipping" icon={<Rocket className="size-4" />} />
      <CardBody className="py-3">
        {settings.isPending ? (
          <Skeleton className="h-24" />
        ) : !s ? (
          <p className="text-[13px] text-red-600 dark:text-red-400">Could not load the shipping settings: {settings.error?.message}</p>
        ) : (
          <form className="space-y-3 text-[13px]" onSubmit={submit}>
            <p className="text-xs text-zinc-500 dark:text-zinc-400">
              Sessions push their branch to the project&apos;s repository (a local one needs nothing; an https one needs a push credential) and open pull requests in{" "}
              <code className="font-mono">{s.pull_request_repository ?? "—"}</code>. Secrets are stored encrypted and never shown again.
            </p>
            {row("push_credential", "Push credential (https origin)", s.push_credential_set, s.push_credential_set ? "•••••• (enter to replace)" : "a token with write access", true)}
            {row("github_token", "GitHub token (pull requests)", s.github_token_set, s.github_token_set ? "•••••• (enter to replace)" : "ghp_… or github_pat_…", true)}
            {row("github_repository", "GitHub repository", null, s.github_repository ?? "owner/name (default: from repository_url)", false)}
            {error && (
              <p role="alert" className="text-red-700 dark:text-red-300">
                {error}
              </p>
            )}
            <Button type="submit" size="sm" variant="secondary" loading={save.isPending} disabled={!Object.values(values).some((v) => v.trim())} data-testid="shipping-save">
              Save
            </Button>
          </form>
        )}
      </CardBody>
    </Card>
  );
}
