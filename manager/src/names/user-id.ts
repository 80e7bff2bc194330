// The user id rule. It keeps every derived name valid: Service names are RFC 1035 labels (<= 63),
// Helm release names <= 53, and "<userId>-openclaw-data" must fit in 63.
import { InvalidRequest } from '../errors/http-error.js';
import createInstance from '../../../schemas/api/create-instance.json' with { type: 'json' };

export const USER_ID_PATTERN = createInstance.properties.userId.pattern;
const USER_ID = new RegExp(USER_ID_PATTERN, 'u');

export const USER_ID_RULE =
  `userId must match ${USER_ID_PATTERN}: a lower-case letter first, then lower-case letters, digits and single dashes, 1-40 characters`;

export function isValidUserId(value: string): boolean {
  return USER_ID.test(value);
}

/** Throws a 400 naming the rule when `value` is not a valid user id. */
export function assertUserId(value: string): string {
  if (!isValidUserId(value)) throw new InvalidRequest(USER_ID_RULE, [{ field: 'userId', message: USER_ID_RULE.replace(/^userId /, '') }]);
  return value;
}
