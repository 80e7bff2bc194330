// Frame types of the OpenClaw gateway protocol 4 (upstream packages/gateway-protocol/src/schema/
// frames.ts; npm @openclaw/gateway-protocol protocol.schema.json) and the pure pieces around them:
// parsing an incoming frame and building the connect request.

/** Protocol version spoken; versions.env GATEWAY_PROTOCOL pins the same number. */
export const GATEWAY_PROTOCOL = 4;

/** Scopes a backend operator asks for: everything the manager and the Helm plugin call. */
export const DEFAULT_SCOPES: readonly string[] = [
  'operator.read',
  'operator.write',
  'operator.admin',
  'operator.pairing',
  'operator.approvals',
];

export interface ErrorShape {
  readonly code: string;
  readonly message: string;
  readonly details?: unknown;
  readonly retryable?: boolean;
  readonly retryAfterMs?: number;
}

export interface RequestFrame {
  readonly type: 'req';
  readonly id: string;
  readonly method: string;
  readonly params?: unknown;
}

export interface ResponseFrame {
  readonly type: 'res';
  readonly id: string;
  readonly ok: boolean;
  readonly payload?: unknown;
  readonly error?: ErrorShape;
}

export interface EventFrame {
  readonly type: 'event';
  readonly event: string;
  readonly payload?: unknown;
  readonly seq?: number;
  readonly stateVersion?: { readonly presence: number; readonly health: number };
}

export type IncomingFrame = ResponseFrame | EventFrame;

/** The `hello-ok` payload of a successful connect (fields the platform reads; the rest passes through). */
export interface HelloOk {
  readonly type: 'hello-ok';
  readonly protocol: number;
  readonly server: { readonly version: string; readonly connId: string; readonly [key: string]: unknown };
  readonly features: { readonly methods: readonly string[]; readonly events: readonly string[] };
  readonly snapshot: Record<string, unknown>;
  readonly auth: { readonly role: string; readonly scopes: readonly string[]; readonly [key: string]: unknown };
  readonly policy: { readonly maxPayload: number; readonly maxBufferedBytes?: number; readonly tickIntervalMs: number };
  readonly [key: string]: unknown;
}

export interface ConnectParams {
  readonly minProtocol: number;
  readonly maxProtocol: number;
  readonly client: { readonly id: 'gateway-client'; readonly version: string; readonly platform: string; readonly mode: 'backend' };
  readonly role: 'operator';
  readonly scopes: readonly string[];
  readonly auth: { readonly token: string };
}

/** The `connect` params of a device-less backend operator (client.id is a closed enum upstream). */
export function buildConnectParams(input: { token: string; scopes?: readonly string[]; clientVersion: string; platform: string }): ConnectParams {
  return {
    minProtocol: GATEWAY_PROTOCOL,
    maxProtocol: GATEWAY_PROTOCOL,
    client: { id: 'gateway-client', version: input.clientVersion, platform: input.platform, mode: 'backend' },
    role: 'operator',
    scopes: [...(input.scopes ?? DEFAULT_SCOPES)],
    auth: { token: input.token },
  };
}

/** Thrown by parseFrame for anything that is not a protocol-4 response or event frame. */
export class MalformedFrame extends Error {
  constructor(reason: string) {
    super(`malformed gateway frame: ${reason}`);
    this.name = 'MalformedFrame';
  }
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function parseError(value: unknown): ErrorShape {
  if (!isRecord(value) || typeof value.code !== 'string' || typeof value.message !== 'string') {
    throw new MalformedFrame('error without code and message');
  }
  return {
    code: value.code,
    message: value.message,
    ...(value.details !== undefined ? { details: value.details } : {}),
    ...(typeof value.retryable === 'boolean' ? { retryable: value.retryable } : {}),
    ...(typeof value.retryAfterMs === 'number' ? { retryAfterMs: value.retryAfterMs } : {}),
  };
}

/** Parses one text frame from the gateway. Requests from the server are not part of protocol 4. */
export function parseFrame(text: string): IncomingFrame {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new MalformedFrame('not JSON');
  }
  if (!isRecord(value)) throw new MalformedFrame('not an object');
  if (value.type === 'res') {
    if (typeof value.id !== 'string' || value.id === '') throw new MalformedFrame('response without id');
    if (typeof value.ok !== 'boolean') throw new MalformedFrame('response without ok');
    if (!value.ok) return { type: 'res', id: value.id, ok: false, error: parseError(value.error) };
    return { type: 'res', id: value.id, ok: true, payload: value.payload };
  }
  if (value.type === 'event') {
    if (typeof value.event !== 'string' || value.event === '') throw new MalformedFrame('event without name');
    return value as unknown as EventFrame;
  }
  throw new MalformedFrame(`unexpected type ${JSON.stringify(value.type)}`);
}

/** Checks a connect payload is a hello-ok the client can work with. */
export function parseHelloOk(payload: unknown): HelloOk {
  if (!isRecord(payload) || payload.type !== 'hello-ok') throw new MalformedFrame('connect answered without hello-ok');
  const policy = payload.policy;
  const auth = payload.auth;
  if (!isRecord(policy) || typeof policy.tickIntervalMs !== 'number' || typeof policy.maxPayload !== 'number') {
    throw new MalformedFrame('hello-ok without policy');
  }
  if (!isRecord(auth) || !Array.isArray(auth.scopes)) throw new MalformedFrame('hello-ok without auth.scopes');
  return payload as unknown as HelloOk;
}
