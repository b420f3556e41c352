// bcryptjs: maintained, pure JavaScript (no native build step on fresh machines), constant-time compare.
import bcrypt from "bcryptjs";

export const ROUNDS = 10;
export const hashPassword = (password: string) => bcrypt.hash(password, ROUNDS);
export const verifyPassword = (password: string, hash: string) => bcrypt.compare(password, hash);

/**
 * A real bcrypt hash (of a random password nobody knows) at the same cost as every stored hash: checking
 * a password against it takes as long as against a real account's, so an unknown email cannot be told
 * from a wrong password by timing. A malformed hash would be refused by bcrypt at once (6 ms against 81 ms).
 * test/unit asserts its cost equals ROUNDS.
 */
export const DUMMY_HASH = "$2b$10$jPSljC0vPpiInIrkFaplQeMh3myu/0rnijkWjNpqFDogfCRLRETPO";

/** Spend the time of one password check and answer false (unknown account). */
export const verifyAgainstDummy = async (password: string): Promise<false> => {
  await bcrypt.compare(password, DUMMY_HASH);
  return false;
};
