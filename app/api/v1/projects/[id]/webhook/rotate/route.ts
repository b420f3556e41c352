import { authed, json } from "@/lib/api/handler";
import { rotateWebhookSecret } from "@/lib/github/webhook-settings";

// Owners: replace the webhook secret (the old one stops verifying at once).
export const POST = authed(async (req, caller, { id }) => json(await rotateWebhookSecret(caller, id!, new URL(req.url).origin), 200, { "cache-control": "no-store" }));
