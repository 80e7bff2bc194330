// The image tag rule. Its home is the chart's values schema (definitions.imageTag, what image.tag
// takes when set): a tag the chart would refuse is refused before any helm call, with the same words
// everywhere.
import valuesSchema from '../../../chart/values.schema.json' with { type: 'json' };

const { pattern } = valuesSchema.definitions.imageTag;
const IMAGE_TAG = new RegExp(pattern, 'u');

/** The rule as a JSON Schema, for the request schemas that take an image tag. */
export const IMAGE_TAG_SCHEMA = { type: 'string', pattern } as const;

export const IMAGE_TAG_RULE = 'letters, digits, "_", "." and "-", not starting with "." or "-"; at most 128 characters';

/** @example isImageTag('2026.9.7') // true */
export function isImageTag(value: string): boolean {
  return IMAGE_TAG.test(value);
}
