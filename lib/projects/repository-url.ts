// repository_url: a remote git URL, or a local path / file:// URL inside one of REPO_ROOTS.
import path from "node:path";
import { fileURLToPath } from "node:url";
import { AppError } from "../errors";
import { getConfig } from "../config";

const REMOTE = /^(https?|git|ssh):\/\/[^\s]+$/i;
const SCP_LIKE = /^[\w.-]+@[\w.-]+:[\w./-]+$/; // git@github.com:owner/repo.git

function invalid(message: string) {
  return new AppError("VALIDATION_FAILED", 400, "The request is not valid", [{ field: "repository_url", message }]);
}

/** Normalise a repository URL or throw 400; null/"" clears it. */
export function checkRepositoryUrl(value: string | null | undefined): string | null {
  if (value == null || value === "") return null;
  if (REMOTE.test(value) || SCP_LIKE.test(value)) {
    if (/^https?:/i.test(value)) {
      try {
        new URL(value);
      } catch {
        throw invalid("is not a valid URL");
      }
    }
    return value;
  }
  let local: string;
  if (value.startsWith("file://")) {
    try {
      local = fileURLToPath(value);
    } catch {
      throw invalid("is not a valid file:// URL");
    }
  } else if (value.startsWith("/")) {
    local = value;
  } else {
    throw invalid("must be a git URL (https://, ssh://, git@host:owner/repo) or a local path inside REPO_ROOTS");
  }
  const resolved = path.resolve(local);
  const roots = getConfig().repoRoots;
  if (!roots.some((r) => resolved === r || resolved.startsWith(r + path.sep))) {
    throw invalid(`local repositories must be inside ${roots.join(", ")} (REPO_ROOTS)`);
  }
  return value;
}
