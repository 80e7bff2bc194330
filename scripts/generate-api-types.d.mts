// Types of generate-api-types.mjs, for the test that keeps its output current.
export const TYPES_FILE: string;
export function generateApiTypes(): string;
