// The user id rule. Its home is the chart's values schema (userId), the contract every instance is
// installed through; it keeps every derived name valid: Service names are RFC 1035 labels (<= 63),
// Helm release names <= 53, and "<userId>-openclaw-data" must fit in 63.
import { InvalidRequest } from '../errors/http-error.js';
import valuesSchema from '../../../chart/values.schema.json' with { type: 'json' };

const { pattern, maxLength } = valuesSchema.properties.userId;

export const USER_ID_PATTERN = pattern;
const USER_ID = new RegExp(pattern, 'u');

/** The rule as a JSON Schema, for the request schemas that take a user id. */
export const USER_ID_SCHEMA = { type: 'string', pattern, maxLength } as const;

export const USER_ID_RULE =
  `userId must match ${pattern}: a lower-case letter first, then lower-case letters, digits and single dashes, 1-${maxLength} characters`;

export function isValidUserId(value: string): boolean {
  return value.length <= maxLength && USER_ID.test(value);
}

/** Throws a 400 naming the rule when `value` is not a valid user id. */
export function assertUserId(value: string): string {
  if (!isValidUserId(value)) throw new InvalidRequest(USER_ID_RULE, [{ field: 'userId', message: USER_ID_RULE.replace(/^userId /, '') }]);
  return value;
}
