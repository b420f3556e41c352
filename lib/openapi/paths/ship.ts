// Issue #13: workspaces in sync, session branches and shipping them (patch, push, pull request).
import { z } from "zod";
import { route } from "../registry";
import { ZPullRequestSchema, ZShippingSchema } from "../../ship/schemas";

const ZWorkspace = z
  .object({
    project_id: z.string(),
    state: z.enum(["cloning", "ready", "failed"]),
    error: z.string().nullable().describe("Why the clone failed (masked: no credentials); null unless failed"),
    default_branch: z.string().nullable(),
    head: z.string().nullable().describe("The workspace's default branch"),
    upstream_head: z.string().nullable().describe("The origin's default branch as last fetched; null without an upstream"),
    behind: z.number().describe("Commits the workspace lacks of upstream_head"),
    sessions: z
      .array(z.object({ session_id: z.string(), title: z.string(), branch: z.string(), head: z.string().nullable(), ahead: z.number(), behind: z.number(), pushed_commit: z.string().nullable() }))
      .describe("Session branches (at most 100): commits ahead of and behind the default branch"),
  })
  .meta({ id: "Workspace" });

route({
  method: "get",
  path: "/api/v1/projects/{id}/workspace",
  tag: "Files",
  summary: "The workspace's state (cloning, ready, failed with its reason), default branch against upstream, session branches; starts a clone when there is none",
  responses: { 200: { description: "The workspace", schema: ZWorkspace } },
});
route({
  method: "post",
  path: "/api/v1/projects/{id}/workspace/sync",
  tag: "Files",
  summary: "Fetch the default branch and fast-forward the workspace (session branches untouched); a failed or outdated workspace is cloned again (Retry). Publishes workspace.synced (and workspace.cloning/ready/failed)",
  responses: { 200: { description: "The workspace after syncing", schema: ZWorkspace } },
  errors: [403, 409, 422],
});

const ZShipping = z
  .object({
    project_id: z.string(),
    push_credential_set: z.boolean(),
    github_token_set: z.boolean(),
    github_repository: z.string().nullable(),
    pull_request_repository: z.string().nullable().describe("Where pull requests are opened: github_repository, else the GitHub repository repository_url names"),
  })
  .meta({ id: "Shipping" });
route({
  method: "get",
  path: "/api/v1/projects/{id}/shipping",
  tag: "Vibecode",
  summary: "Whether a push credential and a GitHub token are set (never their values) and the GitHub repository for pull requests",
  responses: { 200: { description: "Shipping settings", schema: ZShipping } },
});
route({
  method: "put",
  path: "/api/v1/projects/{id}/shipping",
  tag: "Vibecode",
  summary: "Owners: set (a value), clear (null or \"\") or keep (absent) the push credential, the GitHub token and github_repository. Stored sealed; never returned, logged or in events. Publishes project.shipping_updated (field names only)",
  body: ZShippingSchema,
  responses: { 200: { description: "Shipping settings", schema: ZShipping } },
  errors: [403],
});


route({
  method: "get",
  path: "/api/v1/sessions/{id}/diff",
  tag: "Vibecode",
  summary: "The session branch against its base commit: a unified diff (at most 1 MB) and per-file counts",
  responses: {
    200: {
      description: "The diff",
      schema: z.object({
        session_id: z.string(),
        branch: z.string().nullable(),
        base_commit: z.string().nullable(),
        head: z.string().nullable(),
        diff: z.string(),
        truncated: z.boolean(),
        files: z.array(z.object({ path: z.string(), additions: z.number(), deletions: z.number() })),
      }),
    },
  },
});
route({
  method: "get",
  path: "/api/v1/sessions/{id}/patch",
  tag: "Vibecode",
  summary: "The session's commits as a git format-patch mailbox (git am applies it on the base); at most 5 MB",
  responses: { 200: { description: "A mailbox (attachment)", schema: z.string(), contentType: "text/x-patch" } },
  errors: [409],
});
route({
  method: "get",
  path: "/api/v1/sessions/{id}/messages/{messageId}/patch",
  tag: "Vibecode",
  summary: "The commit one applied message made, as a git format-patch mailbox",
  responses: { 200: { description: "A mailbox (attachment)", schema: z.string(), contentType: "text/x-patch" } },
  errors: [409],
});
route({
  method: "post",
  path: "/api/v1/sessions/{id}/push",
  tag: "Vibecode",
  summary:
    "Push the session branch to the project's origin: a local repository inside REPO_ROOTS, or an https remote on GIT_ALLOWED_HOSTS with the project's push credential. 409 NO_REMOTE, NO_COMMITS, PUSH_CREDENTIAL_MISSING, PUSH_REJECTED; 422 REMOTE_NOT_ALLOWED. Publishes session.pushed",
  responses: { 200: { description: "Pushed", schema: z.object({ branch: z.string(), commit: z.string(), remote: z.string().describe("repository_url, masked") }) } },
  errors: [403, 409, 422],
});
route({
  method: "post",
  path: "/api/v1/sessions/{id}/pull-request",
  tag: "Vibecode",
  summary:
    "Open a GitHub pull request for the pushed session branch with the project's GitHub token (GITHUB_API_URL). 409 NOT_PUSHED, NO_GITHUB_REPOSITORY, GITHUB_TOKEN_MISSING, PULL_REQUEST_EXISTS; 422 GITHUB_REJECTED, GITHUB_UNAUTHORIZED; 502 GITHUB_UNAVAILABLE. Publishes pr.created and session.pull_request",
  body: ZPullRequestSchema,
  responses: { 201: { description: "The pull request", schema: z.object({ number: z.number(), url: z.string(), title: z.string(), branch: z.string(), base: z.string().nullable() }) } },
  errors: [403, 409, 422, 502],
});


