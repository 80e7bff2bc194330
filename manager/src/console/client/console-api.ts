// The console's calls to the manager: same-origin requests that carry the HttpOnly session cookie,
// with the session's CSRF token on every write. The API key is sent once, to sign in, and kept
// nowhere. Failures arrive as the API's one error shape and become ApiErrors.
import { CSRF_HEADER, type ConsoleSessionView } from '../../contracts/console-session.js';
import type { FleetUpgradeRun } from '../../contracts/fleet-run.js';
import type { ErrorBody } from '../../errors/http-error.js';
import type { PairTicketResponse } from '../../routes/pairing.js';
import type { VncTicketResponse } from '../../routes/vnc.js';
import type { DeleteResult, Instance } from '../../runtime/instance-runtime.js';
import type { VncStatus } from '../../vnc/vnc-status.js';

/** An instance as GET /api/instances lists it. */
export type InstanceView = Instance & { readonly vnc: VncStatus };

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** Seconds, from Retry-After. */
    readonly retryAfter: number | undefined,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** The session ended (expired, signed out elsewhere, or the manager restarted). */
  get signedOut(): boolean {
    return this.status === 401;
  }
}

const isErrorBody = (value: unknown): value is ErrorBody =>
  typeof value === 'object' && value !== null && typeof (value as ErrorBody).error === 'string' && typeof (value as ErrorBody).code === 'string';

async function call(method: string, path: string, options: { readonly csrfToken?: string; readonly body?: unknown } = {}): Promise<unknown> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (options.csrfToken !== undefined) headers[CSRF_HEADER] = options.csrfToken;
  const init: RequestInit = { method, headers, credentials: 'same-origin', cache: 'no-store' };
  if (options.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(options.body);
  }
  const res = await fetch(path, init);
  const payload: unknown = res.status === 204 ? undefined : await res.json().catch(() => undefined);
  if (res.ok) return payload;
  const retryAfter = Number(res.headers.get('Retry-After') ?? '');
  throw isErrorBody(payload)
    ? new ApiError(res.status, payload.code, payload.error, Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : undefined)
    : new ApiError(res.status, 'UNEXPECTED', `The manager answered ${res.status}`, undefined);
}

const userPath = (userId: string): string => `/api/instances/${encodeURIComponent(userId)}`;

/** Signs in; the answer's cookie is set by the browser, out of this script's reach. */
export async function signIn(apiKey: string): Promise<ConsoleSessionView> {
  return await call('POST', '/console/session', { body: { apiKey } }) as ConsoleSessionView;
}

/** The session of the cookie this browser holds, or undefined when it is signed out. */
export async function currentSession(): Promise<ConsoleSessionView | undefined> {
  try {
    return await call('GET', '/console/session') as ConsoleSessionView;
  } catch (err) {
    if (err instanceof ApiError && err.signedOut) return undefined;
    throw err;
  }
}

/** Everything a signed-in console does, with its session's CSRF token. */
export class ConsoleApi {
  constructor(private readonly csrfToken: string) {}

  async signOut(): Promise<void> {
    await call('DELETE', '/console/session', { csrfToken: this.csrfToken });
  }

  async instances(): Promise<InstanceView[]> {
    return (await call('GET', '/api/instances') as { instances: InstanceView[] }).instances;
  }

  async fleetRuns(): Promise<FleetUpgradeRun[]> {
    return (await call('GET', '/api/fleet/upgrade') as { runs: FleetUpgradeRun[] }).runs;
  }

  async start(userId: string): Promise<Instance> {
    return await call('POST', `${userPath(userId)}/start`, { csrfToken: this.csrfToken }) as Instance;
  }

  async stop(userId: string): Promise<Instance> {
    return await call('POST', `${userPath(userId)}/stop`, { csrfToken: this.csrfToken }) as Instance;
  }

  /** Deletes the instance; its data too unless `keepData`. */
  async delete(userId: string, keepData: boolean): Promise<DeleteResult> {
    return await call('DELETE', `${userPath(userId)}?preservePvc=${keepData}`, { csrfToken: this.csrfToken }) as DeleteResult;
  }

  async vncTicket(userId: string): Promise<VncTicketResponse> {
    return await call('POST', `${userPath(userId)}/vnc/ticket`, { csrfToken: this.csrfToken }) as VncTicketResponse;
  }

  /** A link to the hosted WhatsApp pairing page, for the operator or to hand to the user. */
  async pairTicket(userId: string): Promise<PairTicketResponse> {
    return await call('POST', `${userPath(userId)}/whatsapp/pair-ticket`, { csrfToken: this.csrfToken }) as PairTicketResponse;
  }
}

/** An instance's start progress stream; EventSource sends the cookie by itself, and a GET needs no CSRF token. */
export const progressUrl = (userId: string): string => `${userPath(userId)}/progress`;
