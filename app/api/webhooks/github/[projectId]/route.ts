// A project's own GitHub webhook: outside /api/v1 and unauthenticated; the project's secret is the credential,
// and a verified delivery goes to this project only.
import { errorResponse } from "@/lib/api/handler";
import { handleGithubWebhook, webhookOutcome } from "@/lib/github/service";

export async function POST(req: Request, ctx: { params: Promise<{ projectId: string }> }): Promise<Response> {
  try {
    return webhookOutcome(await handleGithubWebhook(req, (await ctx.params).projectId));
  } catch (err) {
    return errorResponse(err);
  }
}
