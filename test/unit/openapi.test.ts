// The OpenAPI document declares every REST route (method + path) and is a valid OpenAPI 3.1 document.
import { describe, expect, it } from "vitest";
import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { compileErrors, validate } from "@readme/openapi-parser";
import { openApiDocument } from "../../lib/openapi/document";

const ROOT = path.resolve(__dirname, "../..");
const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;

/** Every app/api/**\/route.ts (and app/health/route.ts) as [method, OpenAPI path], catch-all routes excluded. */
function routeFiles(): { file: string; method: string; path: string }[] {
  const out: { file: string; method: string; path: string }[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) walk(full);
      else if (e.name === "route.ts") {
        const rel = path.relative(path.join(ROOT, "app"), path.dirname(full)).split(path.sep);
        if (rel.some((seg) => seg.startsWith("[..."))) continue;
        const apiPath = "/" + rel.filter((seg) => !/^\(.*\)$/.test(seg)).map((seg) => seg.replace(/^\[(\w+)\]$/, "{$1}")).join("/");
        const src = readFileSync(full, "utf8");
        for (const m of METHODS) {
          const exported =
            new RegExp(`export\\s+(const|async\\s+function|function)\\s+${m}\\b`).test(src) ||
            new RegExp(`export\\s*\\{[^}]*\\b(as\\s+)?${m}\\b[^}]*\\}`).test(src);
          if (exported) out.push({ file: path.relative(ROOT, full), method: m.toLowerCase(), path: apiPath });
        }
      }
    }
  };
  walk(path.join(ROOT, "app", "api"));
  walk(path.join(ROOT, "app", "health")); // seed 002's GET /health, outside /api
  return out;
}

describe("OpenAPI document", () => {
  const doc = openApiDocument() as any;

  it("finds the route files (the walker itself works)", () => {
    const routes = routeFiles();
    expect(routes.length).toBeGreaterThan(25);
    expect(routes).toContainEqual(expect.objectContaining({ method: "get", path: "/api/v1/projects/{id}" }));
    expect(routes).toContainEqual(expect.objectContaining({ method: "patch", path: "/api/v1/projects/{id}" }));
    expect(routes.some((r) => r.path.includes("..."))).toBe(false);
  });

  it("declares every method of every app/api/**/route.ts", () => {
    const missing = routeFiles()
      .filter((r) => !doc.paths?.[r.path]?.[r.method])
      .map((r) => `${r.method.toUpperCase()} ${r.path} (${r.file}): declare it with route() in lib/openapi/paths/<domain>.ts`);
    expect(missing).toEqual([]);
  });

  it("declares no route that does not exist", () => {
    const real = new Set(routeFiles().map((r) => `${r.method} ${r.path}`));
    const extra: string[] = [];
    for (const [p, ops] of Object.entries(doc.paths as Record<string, Record<string, unknown>>)) {
      for (const m of Object.keys(ops)) if (!real.has(`${m} ${p}`)) extra.push(`${m.toUpperCase()} ${p}`);
    }
    expect(extra).toEqual([]);
  });

  it("is a valid OpenAPI 3.1 document", async () => {
    expect(doc.openapi).toBe("3.1.0");
    const result = await validate(structuredClone(doc));
    expect(result.valid, result.valid ? "" : compileErrors(result)).toBe(true);
  });

  it("gives every operation a summary, a tag, a success response and path parameters", () => {
    for (const [p, ops] of Object.entries(doc.paths as Record<string, Record<string, any>>)) {
      for (const [m, op] of Object.entries(ops)) {
        const where = `${m.toUpperCase()} ${p}`;
        expect(op.summary, where).toBeTruthy();
        expect(op.tags?.length, where).toBe(1);
        expect(Object.keys(op.responses).some((s) => s.startsWith("2")), where).toBe(true);
        const params = [...p.matchAll(/\{(\w+)\}/g)].map((x) => x[1]);
        const declared = (op.parameters ?? []).filter((x: any) => x.in === "path").map((x: any) => x.name);
        expect(declared.sort(), where).toEqual(params.sort());
      }
    }
  });

  it("gives every operation error answers in the contract's shape, each with an example body", () => {
    const missing: string[] = [];
    for (const [p, ops] of Object.entries(doc.paths as Record<string, Record<string, any>>)) {
      for (const [m, op] of Object.entries(ops)) {
        const errors = Object.entries(op.responses as Record<string, any>).filter(([s, r]) => Number(s) >= 400 && r.content?.["application/json"]?.schema?.$ref === "#/components/schemas/Error");
        if (!errors.length) missing.push(`${m.toUpperCase()} ${p}: no error response`);
        for (const [s, r] of errors) {
          const examples = Object.values(r.content["application/json"].examples ?? {}) as { value: { error: { code: string } } }[];
          if (!examples.length) missing.push(`${m.toUpperCase()} ${p} ${s}: no example`);
          for (const e of examples) if (!/^[A-Z][A-Z0-9_]+$/.test(e.value.error.code)) missing.push(`${m.toUpperCase()} ${p} ${s}: bad code ${e.value.error.code}`);
        }
      }
    }
    expect(missing).toEqual([]);
    // The codes a route's text names are among its examples.
    const wf = doc.paths["/api/v1/workflows/{id}/progress"].post.responses["409"].content["application/json"].examples;
    expect(Object.keys(wf)).toContain("INVALID_TRANSITION");
    const reg = doc.paths["/api/v1/auth/register"].post.responses["400"].content["application/json"].examples;
    expect(Object.keys(reg)).toEqual(expect.arrayContaining(["VALIDATION_FAILED", "INVITE_INVALID"]));
    expect(doc.paths["/api/v1/projects"].post.requestBody.content["application/json"].example).toMatchObject({ name: expect.any(String) });
  });

  it("uses the request schemas the routes parse with", () => {
    const body = doc.paths["/api/v1/workflows/{id}/progress"].post.requestBody.content["application/json"].schema;
    expect(body.properties.progress).toMatchObject({ type: "integer", minimum: 0, maximum: 100 });
    expect(body.required).toEqual(["progress"]);
    const reg = doc.paths["/api/v1/auth/register"].post;
    expect(reg.security).toBeUndefined();
    expect(doc.paths["/api/v1/me"].get.security).toEqual([{ bearer: [] }, { session: [] }]);
  });
});
