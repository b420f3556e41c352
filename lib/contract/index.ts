// The contract between the server, the REST document and the browser: browser-safe (zod only, no server
// imports). See docs/ARCHITECTURE.md for who imports what.
export * from "./common";
export * from "./rooms";
export * from "./errors";
export * from "./events";
export * from "./commands";
export * from "./users";
export * from "./projects";
export * from "./agents";
export * from "./workflows";
export * from "./vibecode";
export * from "./test-runs";
export * from "./github";
export * from "./reviews";
export * from "./notifications";
export * from "./admin";
