// Response shapes shared by several domains. Request schemas are imported from the domains themselves.
import { z } from "zod";
import "../registry"; // extends zod with .openapi() first
import { EVENTS, ROOM_KINDS } from "../../realtime/events";

export const ZUserSchema = z
  .object({ id: z.string(), email: z.string(), name: z.string(), role: z.enum(["admin", "user"]) })
  .meta({ id: "User" });

const { created_by: _c, ...projectShape } = EVENTS["project.created"].shape;
export const ZProjectViewSchema = z.object(projectShape).extend({ role: z.enum(["owner", "member", "viewer"]) }).meta({ id: "Project" });
const { added_by: _a, ...memberShape } = EVENTS["member.added"].shape;
export const ZMemberSchema = z.object(memberShape).meta({ id: "Member" });

export const ZEnvelopeSchema = z
  .object({
    id: z.string().describe("event id (a growing integer, as a string)"),
    type: z.string(),
    timestamp: z.string(),
    source: z.string(),
    room: z.string().describe(`a room name: ${ROOM_KINDS.join(":<id>, ")}:<id> or global`),
    trace_id: z.string().nullable(),
    data: z.record(z.string(), z.unknown()),
  })
  .meta({ id: "EventEnvelope" });
