-- AlterTable
ALTER TABLE "messages" ADD COLUMN     "commit_sha" TEXT,
ADD COLUMN     "decided_by" UUID,
ADD COLUMN     "workflow_id" UUID;

-- CreateIndex
CREATE INDEX "messages_status_idx" ON "messages"("status");
