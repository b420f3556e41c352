// AI reviews of pull requests and vibecode patches.
import { route } from "../registry";
import { ZReviewListResponse, ZReviewSchema as Review, ZReviewStartedResponse as Started } from "../../contract/reviews";
import { BUDGET_REFUSAL } from "../../budgets/schemas";
const started = {
  202: { description: "Started: ai.suggestion events, then ai.analysis_complete, follow in the project room with this trace_id", schema: Started },
};

route({
  method: "post",
  path: "/api/v1/pull-requests/{id}/review",
  summary: "Members: ask the model to review a pull request (its title, description, branch and, when the workspace holds its head commit, its diff)",
  description: BUDGET_REFUSAL,
  tag: "Reviews",
  responses: started,
  errors: [403, 503],
});
route({
  method: "post",
  path: "/api/v1/sessions/{id}/messages/{messageId}/review",
  summary: "Members: ask the model to review a vibecode message's patch (409 NO_PATCH without one)",
  description: BUDGET_REFUSAL,
  tag: "Reviews",
  responses: started,
  errors: [403, 409, 503],
});
route({
  method: "get",
  path: "/api/v1/reviews/{id}",
  summary: "One review with its suggestions (project members and viewers)",
  tag: "Reviews",
  responses: { 200: { description: "The review", schema: Review } },
});
route({
  method: "get",
  path: "/api/v1/pull-requests/{id}/reviews",
  summary: "A pull request's reviews, newest first",
  tag: "Reviews",
  responses: { 200: { description: "Reviews", schema: ZReviewListResponse } },
});
route({
  method: "get",
  path: "/api/v1/sessions/{id}/messages/{messageId}/reviews",
  summary: "A vibecode message's patch reviews, newest first",
  tag: "Reviews",
  responses: { 200: { description: "Reviews", schema: ZReviewListResponse } },
});
