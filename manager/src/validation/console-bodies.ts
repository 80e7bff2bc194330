// Typed, validated body of POST /console/session (schemas/api/console-session-request.json).
import type { ConsoleSessionRequest } from './api-types.js';
import { validateBody } from './body-validator.js';

export function parseConsoleSessionBody(body: unknown): ConsoleSessionRequest {
  return validateBody<ConsoleSessionRequest>('console-session-request', body);
}
