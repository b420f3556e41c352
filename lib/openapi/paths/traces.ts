import { z } from "zod";
import { route } from "../registry";
import { ZEnvelopeSchema } from "./common";
import { ZTraceQuerySchema } from "../../traces/service";

route({
  method: "get",
  path: "/api/v1/traces/{traceId}",
  tag: "Traces",
  summary:
    "Every event of one trace in its project's room, oldest first (a prompt's request, stream, workflow and agent events, patch, apply, the run it started and each result, reviews). Members of the project only: anyone else, or an unknown id, gets 404. vibecode_chunk events carry `chars` instead of their content. Page with after=next_after while has_more",
  query: ZTraceQuerySchema,
  responses: {
    200: {
      description: "A page of the trace",
      schema: z.object({
        trace_id: z.string(),
        project_id: z.string(),
        events: z.array(ZEnvelopeSchema),
        next_after: z.string(),
        has_more: z.boolean(),
      }),
    },
  },
  errors: [400, 404],
});
