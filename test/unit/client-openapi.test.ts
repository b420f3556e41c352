// The REST client's types (packages/client/src/openapi-types.ts) are generated from the app's OpenAPI document
// and checked in: this fails when the document changed and the file was not regenerated (`npm run gen:client`).
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { CLIENT_OPENAPI_FILE, renderClientOpenApi } from "../../scripts/gen-client-api";

describe("@switchboard/client REST types", () => {
  it("are the current OpenAPI document's (run `npm run gen:client` when this fails)", async () => {
    const fresh = await renderClientOpenApi();
    const checkedIn = readFileSync(CLIENT_OPENAPI_FILE, "utf8");
    expect(checkedIn === fresh, "packages/client/src/openapi-types.ts is stale: run `npm run gen:client`").toBe(true);
    expect(fresh).toContain('"/api/v1/workflows/{id}/progress"');
  });
});
