import { Badge, type Tone } from "@/components/ui/badge";
import type { MessageStatus } from "@/lib/client/vibecode/api";

const LOOK: Record<MessageStatus, { label: string; tone: Tone; title: string }> = {
  pending: { label: "Queued", tone: "neutral", title: "Waiting for the model" },
  streaming: { label: "Answering", tone: "indigo", title: "The answer is streaming in" },
  proposed: { label: "Proposed", tone: "violet", title: "A patch that applies cleanly, waiting for a member to apply or reject it" },
  answered: { label: "Answered", tone: "neutral", title: "An answer without a patch that can be applied" },
  failed: { label: "Failed", tone: "red", title: "The model could not answer" },
  applied: { label: "Applied", tone: "green", title: "The patch is committed to the workspace" },
  rejected: { label: "Rejected", tone: "amber", title: "The patch was rejected" },
};

export function MessageStatusBadge({ status }: { status: MessageStatus }) {
  const look = LOOK[status];
  return (
    <Badge tone={look.tone} title={look.title} data-testid="message-status" data-status={status}>
      {look.label}
    </Badge>
  );
}
