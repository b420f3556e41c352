// The AsyncAPI document (lib/asyncapi, served at /api/v1/asyncapi.json) is a valid AsyncAPI 3.0 document for the
// official parser, and documents the whole realtime contract: every command with its payload, ack and error
// codes, every event of the catalogue with its data schema and rooms, the connection's own events.
import { describe, expect, it } from "vitest";
import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { Parser, DiagnosticSeverity } from "@asyncapi/parser";
import { asyncApiDocument, asyncApiJson } from "../../lib/asyncapi/document";
import { EVENT_ROOMS } from "../../lib/asyncapi/event-rooms";
import { COMMANDS, ERROR_CODES, EVENTS, type EventType } from "../../lib/contract";

type Doc = ReturnType<typeof asyncApiDocument>;
type Msg = { name: string; payload: any; "x-error-codes"?: string[] };
const TRANSIENT = ["connection_established", "joined", "server_shutdown", "resync", "auth_error", "connect_error"];

/** What the contract has that the document does not describe (empty: everything is documented). */
function undocumented(doc: Doc): string[] {
  const out: string[] = [];
  const messages = Object.values(doc.components.messages) as Msg[];
  const byName = new Map(messages.map((m) => [m.name, m]));
  const ops = Object.values(doc.operations) as any[];
  const channelOf = (ref: string) => (doc.channels as Record<string, any>)[ref.replace("#/channels/", "")];
  const messageOf = (ref: string) => {
    const [, ch, m] = /^#\/channels\/([^/]+)\/messages\/(.+)$/.exec(ref) ?? [];
    const r = channelOf(`#/channels/${ch}`)?.messages?.[m ?? ""]?.$ref as string | undefined;
    return r ? (doc.components.messages as Record<string, Msg>)[r.replace("#/components/messages/", "")] : undefined;
  };
  for (const c of Object.keys(COMMANDS)) {
    const op = ops.find((o) => o.action === "send" && o.messages.some((r: { $ref: string }) => messageOf(r.$ref)?.name === c));
    if (!op) {
      out.push(`command ${c}: no send operation`);
      continue;
    }
    if (!op.summary) out.push(`command ${c}: no summary`);
    const ack = op.reply?.messages?.[0] && messageOf(op.reply.messages[0].$ref);
    if (!ack) out.push(`command ${c}: no ack (reply)`);
    else {
      const [success, error] = ack.payload.oneOf ?? [];
      if (!success) out.push(`command ${c}: the ack has no success shape`);
      const codes: string[] = error?.properties?.code?.enum ?? [];
      if (!codes.length) out.push(`command ${c}: the ack lists no error code`);
      for (const code of codes) if (!(ERROR_CODES as readonly string[]).includes(code)) out.push(`command ${c}: ${code} is not an ack code`);
    }
    if (!byName.get(c)?.payload) out.push(`command ${c}: no payload schema`);
  }
  for (const t of Object.keys(EVENTS) as EventType[]) {
    const m = byName.get(t);
    if (!m) {
      out.push(`event ${t}: no message`);
      continue;
    }
    const data = m.payload?.properties?.data;
    if (!data || (!data.properties && !data.anyOf && !data.oneOf && !data.$ref && !data.allOf)) out.push(`event ${t}: no data schema`);
    if (m.payload?.properties?.type?.const !== t) out.push(`event ${t}: the envelope's type is not const "${t}"`);
    const inRooms = Object.entries(doc.channels)
      .filter(([id, ch]) => id.startsWith("room.") && Object.values((ch as any).messages).some((r: any) => r.$ref.endsWith(`/${Object.entries(doc.components.messages).find(([, v]) => v === m)![0]}`)))
      .map(([id]) => id.slice("room.".length));
    if (!inRooms.length) out.push(`event ${t}: in no room channel`);
    if ([...inRooms].sort().join() !== [...EVENT_ROOMS[t]].sort().join()) out.push(`event ${t}: rooms ${inRooms} ≠ ${EVENT_ROOMS[t]}`);
    if (!ops.some((o) => o.action === "receive" && o.messages.some((r: { $ref: string }) => messageOf(r.$ref) === m))) out.push(`event ${t}: no receive operation`);
  }
  for (const name of TRANSIENT) {
    if (!ops.some((o) => o.action === "receive" && o.messages.some((r: { $ref: string }) => messageOf(r.$ref)?.name === name))) out.push(`${name}: no receive operation`);
  }
  return out;
}

/** `publish({ type: "<t>", room: rooms.<kind>(…)` calls in a source text, as [type, kind]. */
const publishedRooms = (src: string) => [...src.matchAll(/type:\s*"([\w.:]+)"(?:\s+as\s+"[\w.:]+")?,\s*room:\s*rooms\.(\w+)\(/g)].map((m) => [m[1]!, m[2]!] as const);

/** Where the services publish with a literal type and room kind that EVENT_ROOMS does not list. */
function unlistedRooms(files: { file: string; src: string }[]): string[] {
  const out: string[] = [];
  for (const { file, src } of files) {
    for (const [type, kind] of publishedRooms(src)) {
      const listed = (EVENT_ROOMS as Record<string, readonly string[]>)[type];
      if (!listed?.includes(kind)) out.push(`${file}: ${type} is published to ${kind}:<id>, not in EVENT_ROOMS`);
    }
  }
  return out;
}

describe("AsyncAPI document", () => {
  const doc = asyncApiDocument();

  it("is a valid AsyncAPI 3.0 document for @asyncapi/parser (no error; warnings listed)", async () => {
    expect(doc.asyncapi).toBe("3.0.0");
    const { document, diagnostics } = await new Parser().parse(JSON.parse(asyncApiJson()));
    const errors = diagnostics.filter((d) => d.severity === DiagnosticSeverity.Error).map((d) => `${d.code}: ${d.message} at ${d.path.join(".")}`);
    const warnings = diagnostics.filter((d) => d.severity === DiagnosticSeverity.Warning).map((d) => `${d.code}: ${d.message} at ${d.path.join(".")}`);
    if (warnings.length) console.log(`[asyncapi] ${warnings.length} warnings:\n${warnings.join("\n")}`);
    expect(errors).toEqual([]);
    expect(document).toBeDefined();
    // The parsed model sees every command and event.
    const names = new Set(document!.allMessages().all().map((m) => m.name()));
    for (const n of [...Object.keys(COMMANDS), ...Object.keys(EVENTS)]) expect(names.has(n), n).toBe(true);
    expect(document!.servers().get("app")?.protocol()).toBe("ws");
  }, 60_000);

  it("documents every command (payload, ack, error codes), every event of the catalogue (data, rooms) and the connection's events", () => {
    expect(undocumented(doc)).toEqual([]);
  });

  it("notices a command or event that is not documented (the check itself can fail)", () => {
    const broken = structuredClone(doc) as any;
    delete broken.operations["send.auth_refresh"];
    const msgs = broken.components.messages;
    delete msgs["event.workflow.progress"];
    broken.operations["send.subscribe"].reply = undefined;
    expect(undocumented(broken)).toEqual(
      expect.arrayContaining([
        "command auth:refresh: no send operation",
        "command subscribe: no ack (reply)",
        "event workflow.progress: no message",
      ]),
    );
  });

  it("carries the contract's shapes: data schemas, command limits and refinements, ack codes", () => {
    const m = doc.components.messages as Record<string, any>;
    const progress = m["event.workflow.progress"].payload.properties.data;
    expect(progress.properties.progress).toMatchObject({ type: "integer", minimum: 0, maximum: 100 });
    expect(progress.required).toContain("workflow_id");
    expect(m["event.workflow.cancelled"]["x-rooms"]).toEqual(["project", "workflow", "agent"]);
    // A shared schema (zod .meta({id})) is a component, referenced (never a dangling #/definitions ref).
    const json = asyncApiJson();
    expect(json).not.toMatch(/#\/(definitions|\$defs)\//);
    expect(doc.components.schemas).toHaveProperty("TokenUsage");
    const sub = m["command.subscribe"].payload;
    expect(sub.oneOf).toEqual([{ required: ["room"] }, { required: ["project_id"] }]);
    expect(sub.properties.room.maxLength).toBe(100);
    const ev = m["command.agent_event"].payload;
    expect(ev.oneOf.map((v: any) => v.properties.type.const)).toEqual(["agent:thought", "agent:tool_call", "agent:result", "agent:error"]);
    expect(ev.oneOf[0].properties.data.properties.content.maxLength).toBe(100_000);
    expect(m["ack.subscribe"]["x-error-codes"]).toEqual(expect.arrayContaining(["INVALID_ROOM", "ROOM_ACCESS_DENIED", "TOO_MANY_ROOMS", "RATE_LIMITED"]));
    expect(m["ack.auth_refresh"].payload.oneOf[1].properties.code.enum).toContain("AUTH_FAILED");
    expect(m["server.connect_error"].payload.properties.message.enum).toEqual(["AUTH_MISSING", "AUTH_FAILED", "RATE_LIMITED", "SERVICE_UNAVAILABLE"]);
  });

  it("lists every room the services publish an event to (literal publish() calls in lib/)", () => {
    const files: { file: string; src: string }[] = [];
    const walk = (dir: string) => {
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        const full = path.join(dir, e.name);
        if (e.isDirectory()) walk(full);
        else if (full.endsWith(".ts")) files.push({ file: path.relative(process.cwd(), full), src: readFileSync(full, "utf8") });
      }
    };
    walk(path.resolve(__dirname, "../../lib"));
    expect(files.flatMap((f) => publishedRooms(f.src)).length).toBeGreaterThan(25); // the scan itself finds them
    expect(unlistedRooms(files)).toEqual([]);
    // …and it can fail.
    expect(unlistedRooms([{ file: "x.ts", src: 'await publish({ type: "notification.read", room: rooms.project(id), data })' }])).toEqual([
      "x.ts: notification.read is published to project:<id>, not in EVENT_ROOMS",
    ]);
  });

  it("is built once and stays small", () => {
    expect(asyncApiDocument()).toBe(doc);
    expect(asyncApiJson()).toBe(asyncApiJson());
    expect(asyncApiJson().length).toBeLessThan(512 * 1024);
  });
});
