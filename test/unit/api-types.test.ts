// manager/src/validation/api-types.ts is generated from schemas/api (npm run generate): a schema
// changed without regenerating the types fails here.
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { TYPES_FILE, generateApiTypes } from '../../scripts/generate-api-types.mjs';

it('the request types are generated from the current schemas', () => {
  expect(readFileSync(TYPES_FILE, 'utf8'), 'run `npm run generate`').toBe(generateApiTypes());
});
