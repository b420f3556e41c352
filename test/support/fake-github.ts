// A small fake of GitHub's REST API for pull requests (what @octokit/rest's pulls.create calls): real HTTP on a
// random port, every request recorded. POST /repos/{owner}/{repo}/pulls answers 201 with a pull request, or 422
// like GitHub when the title contains [[reject]] or the head branch was already used; anything else is 404.
import http from "node:http";
import type { AddressInfo } from "node:net";

export type GithubRequest = { method: string; path: string; authorization?: string; body: any };

export class FakeGitHub {
  url = "";
  requests: GithubRequest[] = [];
  private server = http.createServer((req, res) => void this.handle(req, res));
  private next = 41;
  private heads = new Set<string>();

  async start() {
    await new Promise<void>((r) => this.server.listen(0, "127.0.0.1", () => r()));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop() {
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse) {
    let raw = "";
    for await (const c of req) raw += c;
    let body: any = null;
    try {
      body = raw ? JSON.parse(raw) : null;
    } catch {
      /* not JSON */
    }
    const path = req.url ?? "/";
    this.requests.push({ method: req.method ?? "", path, authorization: req.headers.authorization, body });
    const send = (status: number, data: unknown) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(data));
    };
    const m = /^\/repos\/([^/]+)\/([^/]+)\/pulls$/.exec(path);
    if (req.method !== "POST" || !m) return send(404, { message: "Not Found" });
    if (!req.headers.authorization) return send(401, { message: "Requires authentication" });
    if (String(body?.title ?? "").includes("[[reject]]") || this.heads.has(`${m[1]}/${m[2]}:${body?.head}`)) {
      return send(422, { message: "Validation Failed", errors: [{ resource: "PullRequest", code: "custom", message: "A pull request already exists" }] });
    }
    this.heads.add(`${m[1]}/${m[2]}:${body?.head}`);
    const number = this.next++;
    const now = new Date().toISOString();
    send(201, {
      id: 1000 + number,
      number,
      state: "open",
      title: body.title,
      body: body.body ?? null,
      draft: !!body.draft,
      html_url: `https://github.com/${m[1]}/${m[2]}/pull/${number}`,
      user: { login: "switchboard-bot" },
      head: { ref: body.head, sha: "0".repeat(40) },
      base: { ref: body.base },
      created_at: now,
      updated_at: now,
    });
  }
}
