-- AlterTable
ALTER TABLE "projects" ADD COLUMN     "github_repository" TEXT,
ADD COLUMN     "github_token" TEXT,
ADD COLUMN     "push_credential" TEXT,
ADD COLUMN     "workspace_error" TEXT,
ADD COLUMN     "workspace_source" TEXT,
ADD COLUMN     "workspace_state" TEXT;

-- AlterTable
ALTER TABLE "sessions" ADD COLUMN     "base_branch" TEXT,
ADD COLUMN     "base_commit" TEXT,
ADD COLUMN     "branch" TEXT,
ADD COLUMN     "pull_request_number" INTEGER,
ADD COLUMN     "pull_request_url" TEXT,
ADD COLUMN     "pushed_at" TIMESTAMP(3),
ADD COLUMN     "pushed_commit" TEXT;

-- AlterTable
ALTER TABLE "test_runs" ADD COLUMN     "branch" TEXT,
ADD COLUMN     "commit" TEXT,
ADD COLUMN     "session_id" UUID;
