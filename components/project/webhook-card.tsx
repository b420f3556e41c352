"use client";
import { useState } from "react";
import { Copy, Eye, EyeOff, RefreshCw, Webhook } from "lucide-react";
import type { Project } from "@/lib/client/types";
import { useLinkInstanceWebhook, useMe, useRotateWebhookSecret, useWebhookSettings } from "@/lib/client/github/webhook";
import { toast, toastError } from "@/lib/client/toast";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { Button } from "@/components/ui/button";
import { Skeleton } from "@/components/ui/skeleton";
import { RelativeTime } from "@/components/ui/relative-time";

function copy(text: string, what: string) {
  void navigator.clipboard?.writeText(text).then(
    () => toast(`${what} copied`),
    () => toast(`Could not copy the ${what.toLowerCase()}`, "error"),
  );
}

/**
 * Owners only: this project's GitHub webhook — the Payload URL and secret to paste into GitHub, a rotate
 * button (the old secret stops working at once), the last deliveries, and, for admins, the link to the
 * instance-wide GITHUB_WEBHOOK_SECRET endpoint.
 */
export function WebhookCard({ project }: { project: Project }) {
  const owner = project.role === "owner";
  const settings = useWebhookSettings(project.id, owner);
  const rotate = useRotateWebhookSecret(project.id);
  const link = useLinkInstanceWebhook(project.id);
  const me = useMe();
  const [shown, setShown] = useState(false);
  const [confirming, setConfirming] = useState(false);
  if (!owner) return null;
  const s = settings.data;
  const url = s ? `${window.location.origin}${s.path}` : "";
  const row = "grid grid-cols-[6.5rem_1fr] items-center gap-2 py-1.5";
  const label = "text-xs font-medium text-zinc-500 dark:text-zinc-400";
  let body: React.ReactNode;
  if (settings.isPending) {
    body = (
      <div className="space-y-2" aria-busy>
        <Skeleton className="h-4 w-56" />
        <Skeleton className="h-4 w-40" />
      </div>
    );
  } else if (!s) {
    body = <p className="text-[13px] text-red-600 dark:text-red-400">Could not load the webhook settings: {settings.error?.message}</p>;
  } else {
    body = (
      <div className="text-[13px]">
        <p className="mb-2 text-xs text-zinc-500 dark:text-zinc-400">
          In the repository on GitHub: Settings → Webhooks → Add webhook. Content type <code className="font-mono">application/json</code>; events: pull requests, issues,
          pushes. Deliveries signed with this secret reach this project only.
        </p>
        <div className={row}>
          <span className={label}>Payload URL</span>
          <span className="flex min-w-0 items-center gap-1">
            <code data-testid="webhook-card-url" className="min-w-0 flex-1 truncate font-mono text-xs" title={url}>
              {url}
            </code>
            <Button size="icon" variant="ghost" aria-label="Copy the payload URL" onClick={() => copy(url, "Payload URL")}>
              <Copy className="size-3.5" />
            </Button>
          </span>
        </div>
        <div className={row}>
          <span className={label}>Secret</span>
          <span className="flex min-w-0 items-center gap-1">
            <code data-testid="webhook-card-secret" data-shown={shown} className="min-w-0 flex-1 truncate font-mono text-xs">
              {shown ? s.secret : "•".repeat(24)}
            </code>
            <Button size="icon" variant="ghost" aria-label={shown ? "Hide the secret" : "Show the secret"} data-testid="webhook-card-show" onClick={() => setShown((v) => !v)}>
              {shown ? <EyeOff className="size-3.5" /> : <Eye className="size-3.5" />}
            </Button>
            <Button size="icon" variant="ghost" aria-label="Copy the secret" onClick={() => copy(s.secret, "Secret")}>
              <Copy className="size-3.5" />
            </Button>
          </span>
        </div>
        <div className="mt-2 flex flex-wrap items-center gap-2">
          {confirming ? (
            <>
              <span className="text-xs text-zinc-600 dark:text-zinc-400">GitHub must get the new secret, or its deliveries are refused.</span>
              <Button
                size="sm"
                variant="danger"
                data-testid="webhook-card-rotate-confirm"
                loading={rotate.isPending}
                onClick={() =>
                  rotate.mutate(undefined, {
                    onSuccess: () => {
                      setConfirming(false);
                      setShown(true);
                      toast("New webhook secret made: paste it into GitHub");
                    },
                    onError: toastError,
                  })
                }
              >
                Rotate now
              </Button>
              <Button size="sm" variant="ghost" onClick={() => setConfirming(false)}>
                Cancel
              </Button>
            </>
          ) : (
            <Button size="sm" data-testid="webhook-card-rotate" onClick={() => setConfirming(true)}>
              <RefreshCw className="size-3.5" />
              Rotate secret
            </Button>
          )}
          {s.secret_rotated_at && (
            <span className="text-xs text-zinc-500 dark:text-zinc-400">
              made <RelativeTime iso={s.secret_rotated_at} />
            </span>
          )}
        </div>
        {(s.linked_to_instance_webhook || me.data?.role === "admin") && (
          <label className="mt-2 flex items-center gap-2 text-xs text-zinc-600 dark:text-zinc-400">
            <input
              type="checkbox"
              data-testid="webhook-card-linked"
              checked={s.linked_to_instance_webhook}
              disabled={me.data?.role !== "admin" || link.isPending}
              onChange={(e) => link.mutate(e.target.checked, { onError: toastError })}
            />
            Also accept the instance-wide webhook (GITHUB_WEBHOOK_SECRET){s.instance_webhook_configured ? "" : " — not configured on this server"}
          </label>
        )}
        <div className="mt-3">
          <p className={label}>Last deliveries</p>
          {s.recent_deliveries.length === 0 ? (
            <p data-testid="webhook-card-no-deliveries" className="mt-1 text-xs text-zinc-500 dark:text-zinc-400">
              None yet. GitHub sends a ping when the webhook is added.
            </p>
          ) : (
            <ul className="mt-1 space-y-1">
              {s.recent_deliveries.slice(0, 5).map((d) => (
                <li key={d.id} data-testid="webhook-card-delivery" data-status={d.status} className="flex items-center gap-2 text-xs">
                  <span className={d.status === "accepted" ? "text-emerald-600 dark:text-emerald-400" : "text-amber-600 dark:text-amber-400"}>{d.status}</span>
                  <span className="min-w-0 flex-1 truncate text-zinc-600 dark:text-zinc-400" title={d.error ?? undefined}>
                    {d.event}
                    {d.action ? `.${d.action}` : ""}
                    {d.error ? ` — ${d.error}` : ""}
                  </span>
                  <RelativeTime iso={d.received_at} />
                </li>
              ))}
            </ul>
          )}
        </div>
      </div>
    );
  }
  return (
    <Card data-testid="webhook-card">
      <CardHeader title="GitHub webhook" icon={<Webhook />} />
      <CardBody>{body}</CardBody>
    </Card>
  );
}
