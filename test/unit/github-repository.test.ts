import { describe, expect, it } from "vitest";
import { githubRepoName, normaliseFullName } from "../../lib/github/repository";

describe("githubRepoName", () => {
  it.each([
    ["https://github.com/Octo/Hello-World", "octo/hello-world"],
    ["https://github.com/octo/hello-world.git", "octo/hello-world"],
    ["https://www.github.com/octo/hello-world/", "octo/hello-world"],
    ["http://github.com/octo/hello.world", "octo/hello.world"],
    ["git@github.com:Octo/Hello-World.git", "octo/hello-world"],
    ["ssh://git@github.com/octo/hello-world", "octo/hello-world"],
    ["ssh://git@github.com/octo/hello-world.git", "octo/hello-world"],
    ["git://github.com/octo/hello-world.git", "octo/hello-world"],
  ])("%s names %s", (url, name) => expect(githubRepoName(url)).toBe(name));

  it.each([
    null,
    "",
    "https://gitlab.com/octo/hello-world",
    "https://github.com/octo",
    "https://github.com/octo/hello/tree/main",
    "https://github.com.evil.test/octo/hello",
    "git@gitlab.com:octo/hello.git",
    "/srv/repos/hello",
    "file:///srv/repos/hello",
    "not a url",
  ])("%s names no GitHub repository", (url) => expect(githubRepoName(url)).toBeNull());

  it("normalises full names", () => {
    expect(normaliseFullName("Octo/Hello-World")).toBe("octo/hello-world");
    expect(normaliseFullName(42)).toBeNull();
    expect(normaliseFullName("no-slash")).toBeNull();
  });
});
