/** The largest monthly token budget accepted (schemas import this without the service's database code). */
export const MAX_MONTHLY_TOKEN_BUDGET = 1_000_000_000_000;
