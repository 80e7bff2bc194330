import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SCOPES, GATEWAY_PROTOCOL, MalformedFrame, buildConnectParams, parseFrame, parseHelloOk } from '../../manager/src/gateway/protocol.js';

describe('parseFrame', () => {
  it.each([
    ['ok response', '{"type":"res","id":"a-1","ok":true,"payload":{"ok":true}}', { type: 'res', id: 'a-1', ok: true, payload: { ok: true } }],
    ['ok response without payload', '{"type":"res","id":"a-2","ok":true}', { type: 'res', id: 'a-2', ok: true, payload: undefined }],
    [
      'error response',
      '{"type":"res","id":"a-3","ok":false,"error":{"code":"INVALID_REQUEST","message":"unknown method: x","details":{"code":"Y"}}}',
      { type: 'res', id: 'a-3', ok: false, error: { code: 'INVALID_REQUEST', message: 'unknown method: x', details: { code: 'Y' } } },
    ],
    [
      'retryable error',
      '{"type":"res","id":"c","ok":false,"error":{"code":"UNAVAILABLE","message":"starting","retryable":true,"retryAfterMs":500}}',
      { type: 'res', id: 'c', ok: false, error: { code: 'UNAVAILABLE', message: 'starting', retryable: true, retryAfterMs: 500 } },
    ],
    ['event', '{"type":"event","event":"tick","payload":{"ts":1},"seq":4}', { type: 'event', event: 'tick', payload: { ts: 1 }, seq: 4 }],
  ])('%s', (_name, text, expected) => {
    expect(parseFrame(text)).toEqual(expected);
  });

  it.each([
    ['not JSON', '{'],
    ['an array', '[]'],
    ['a request (servers do not send them)', '{"type":"req","id":"1","method":"health"}'],
    ['a response without id', '{"type":"res","ok":true}'],
    ['a response without ok', '{"type":"res","id":"1"}'],
    ['an error without message', '{"type":"res","id":"1","ok":false,"error":{"code":"X"}}'],
    ['an event without name', '{"type":"event"}'],
  ])('rejects %s', (_name, text) => {
    expect(() => parseFrame(text)).toThrow(MalformedFrame);
  });
});

describe('buildConnectParams', () => {
  it('asks for protocol 4 as a backend gateway-client operator with the default scopes', () => {
    expect(buildConnectParams({ token: 't', clientVersion: '1.2.3', platform: 'linux' })).toEqual({
      minProtocol: 4,
      maxProtocol: 4,
      client: { id: 'gateway-client', version: '1.2.3', platform: 'linux', mode: 'backend' },
      role: 'operator',
      scopes: ['operator.read', 'operator.write', 'operator.admin', 'operator.pairing', 'operator.approvals'],
      auth: { token: 't' },
    });
  });

  it('uses the scopes it is given', () => {
    expect(buildConnectParams({ token: 't', clientVersion: '1', platform: 'linux', scopes: ['operator.read'] }).scopes).toEqual(['operator.read']);
    expect(DEFAULT_SCOPES).toHaveLength(5);
  });

  it('speaks the protocol pinned in versions.env', () => {
    const pinned = /^GATEWAY_PROTOCOL=(\d+)$/m.exec(readFileSync('versions.env', 'utf8'))?.[1];
    expect(Number(pinned)).toBe(GATEWAY_PROTOCOL);
  });
});

describe('parseHelloOk', () => {
  const hello = { type: 'hello-ok', protocol: 4, server: { version: 'v', connId: 'c' }, features: { methods: [], events: [] }, snapshot: {}, auth: { role: 'operator', scopes: [] }, policy: { maxPayload: 1, tickIntervalMs: 30000 } };
  it.each([
    ['a hello-ok', hello, true],
    ['another payload', { type: 'x' }, false],
    ['no policy', { ...hello, policy: undefined }, false],
    ['no auth scopes', { ...hello, auth: { role: 'operator' } }, false],
  ])('%s', (_name, payload, ok) => {
    if (ok) expect(parseHelloOk(payload)).toBe(payload);
    else expect(() => parseHelloOk(payload)).toThrow(MalformedFrame);
  });
});
