// A project's own GitHub webhook: outside /api/v1 and unauthenticated; the project's secret is the credential,
// and a verified delivery goes to this project only.
import { errorResponse } from "@/lib/api/handler";
import { receiveGithubWebhook } from "@/lib/github/webhook-http";

export async function POST(req: Request, ctx: { params: Promise<{ projectId: string }> }): Promise<Response> {
  try {
    return await receiveGithubWebhook(req, (await ctx.params).projectId);
  } catch (err) {
    return errorResponse(err);
  }
}
