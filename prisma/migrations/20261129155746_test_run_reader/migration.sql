-- AlterTable
ALTER TABLE "test_runs" ADD COLUMN     "reader" TEXT;
