import { authed, json, readBody } from "@/lib/api/handler";
import { ZWebhookLinkSchema } from "@/lib/github/schemas";
import { getWebhookSettings, setInstanceWebhookLink } from "@/lib/github/webhook-settings";

// Owners (and admins): the project's webhook URL and secret. Never in any other answer or event.
export const GET = authed(async (req, caller, { id }) => json(await getWebhookSettings(caller, id!, new URL(req.url).origin), 200, { "cache-control": "no-store" }));

// Admins: link the project to the instance-wide GITHUB_WEBHOOK_SECRET endpoint (or unlink it).
export const PUT = authed(async (req, caller, { id }) => {
  const { linked_to_instance_webhook } = await readBody(req, ZWebhookLinkSchema);
  return json(await setInstanceWebhookLink(caller, id!, linked_to_instance_webhook, new URL(req.url).origin), 200, { "cache-control": "no-store" });
});
