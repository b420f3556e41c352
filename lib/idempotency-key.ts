// The shape of an idempotency key: declared in the contract (lib/contract/common.ts). See lib/idempotency.ts.
export { IDEMPOTENCY_KEY_MAX, IDEMPOTENCY_KEY_RE, ZIdempotencyKey } from "./contract/common";
