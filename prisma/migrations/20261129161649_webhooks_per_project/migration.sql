-- AlterTable
ALTER TABLE "projects" ADD COLUMN     "github_webhook_linked" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "webhook_secret" TEXT,
ADD COLUMN     "webhook_secret_rotated_at" TIMESTAMP(3);

-- AlterTable
ALTER TABLE "webhook_deliveries" ADD COLUMN     "project_id" UUID;

-- CreateIndex
CREATE INDEX "webhook_deliveries_project_id_received_at_idx" ON "webhook_deliveries"("project_id", "received_at");
