// The instance-wide GitHub webhook (GITHUB_WEBHOOK_SECRET): outside /api/v1 and unauthenticated; the HMAC
// signature is the credential, and a verified delivery goes only to projects an admin linked to it.
import { errorResponse } from "@/lib/api/handler";
import { receiveGithubWebhook } from "@/lib/github/webhook-http";

export async function POST(req: Request): Promise<Response> {
  try {
    return await receiveGithubWebhook(req);
  } catch (err) {
    return errorResponse(err);
  }
}
