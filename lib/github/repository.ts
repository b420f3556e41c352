// Which GitHub repository a project's repository_url names: "owner/name" (lower case), whatever the URL form
// (https://github.com/o/n, .git suffix, git@github.com:o/n.git, ssh://git@github.com/o/n, www., trailing /).
const NAME = /^([A-Za-z0-9](?:[A-Za-z0-9-]{0,38}))\/([A-Za-z0-9._-]{1,100})$/;

function clean(ownerAndName: string): string | null {
  const p = ownerAndName.replace(/^\/+/, "").replace(/\/+$/, "").replace(/\.git$/i, "");
  const m = NAME.exec(p);
  if (!m || m[2] === "." || m[2] === "..") return null;
  return `${m[1]}/${m[2]}`.toLowerCase();
}

/** "owner/name" in lower case when the URL names a repository on github.com, else null. */
export function githubRepoName(url: string | null | undefined): string | null {
  if (!url) return null;
  const s = url.trim();
  const scp = /^[\w.-]+@(?:www\.)?github\.com:(.+)$/i.exec(s);
  if (scp) return clean(scp[1]!);
  let u: URL;
  try {
    u = new URL(s);
  } catch {
    return null;
  }
  if (!/^(https?|ssh|git|git\+ssh|ssh\+git):$/i.test(u.protocol)) return null;
  if (!/^(www\.)?github\.com$/i.test(u.hostname)) return null;
  return clean(decodeURIComponent(u.pathname));
}

/** Normalise a payload's repository.full_name the same way (null when it is not owner/name). */
export const normaliseFullName = (fullName: unknown): string | null => (typeof fullName === "string" ? clean(fullName) : null);
