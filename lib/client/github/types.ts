// The browser's names for the GitHub and review shapes (all from lib/contract).
import type { TAiSuggestion, TIssue, TPullRequest, TReview } from "@/lib/contract";

export type PullRequest = TPullRequest;
export type Issue = TIssue;
export type Suggestion = TAiSuggestion;
export type ReviewTarget = { type: "pr"; id: string } | { type: "code"; id: string; sessionId: string };
export type Review = TReview;
