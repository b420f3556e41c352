// The usage shapes live in the browser-safe contract (lib/contract/usage.ts).
export * from "../contract/usage";
