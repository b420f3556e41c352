// Response shapes live in lib/contract (declared once, shared with the services and the browser).
import "../registry"; // extends zod with .openapi() first
export { ZUserSchema, ZProjectViewSchema, ZMemberSchema, ZEnvelopeSchema } from "../../contract";
