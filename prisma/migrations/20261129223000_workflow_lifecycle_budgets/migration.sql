-- Workflow lifecycle (pending, cancelled, stale) and model budgets.
-- Existing rows keep their status (running, completed and failed are still valid).
-- Their started_at is taken from created_at.
ALTER TABLE "workflows" ADD COLUMN "reason" TEXT;
ALTER TABLE "workflows" ADD COLUMN "cancelled_by" UUID;
ALTER TABLE "workflows" ADD COLUMN "started_at" TIMESTAMP(3);
UPDATE "workflows" SET "started_at" = "created_at" WHERE "status" <> 'pending';
UPDATE "workflows" SET "reason" = 'reported' WHERE "status" = 'failed';

-- The stale sweep looks up running workflows by their last update.
CREATE INDEX "workflows_status_updated_at_idx" ON "workflows"("status", "updated_at");

ALTER TABLE "projects" ADD COLUMN "monthly_token_budget" BIGINT;
