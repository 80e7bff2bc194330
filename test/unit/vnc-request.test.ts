import { describe, expect, it } from 'vitest';
import { VncTooManyViewers, VncUpstreamUnavailable } from '../../manager/src/vnc/vnc-errors.js';
import { parseVncRequest, rejectionResponse } from '../../manager/src/vnc/vnc-request.js';

describe('parseVncRequest', () => {
  it.each([
    ['/api/instances/alice/vnc?token=k', 'binary', { userId: 'alice', token: 'k', ticket: undefined, protocols: ['binary'] }],
    ['/api/instances/alice/vnc/?ticket=t', undefined, { userId: 'alice', token: undefined, ticket: 't', protocols: [] }],
    ['/api/instances/alice/vnc?token=&ticket=t', 'binary, base64', { userId: 'alice', token: undefined, ticket: 't', protocols: ['binary', 'base64'] }],
    ['/api/instances/Bad_Id/vnc', undefined, { userId: 'Bad_Id', token: undefined, ticket: undefined, protocols: [] }],
    ['/api/instances/a%2Fb/vnc?token=a%2Bb', undefined, { userId: 'a/b', token: 'a+b', ticket: undefined, protocols: [] }],
  ])('%s', (url, protocols, expected) => {
    expect(parseVncRequest(url, protocols)).toEqual(expected);
  });

  it('takes the key from a Bearer header when the query has no token; the query wins over it', () => {
    expect(parseVncRequest('/api/instances/alice/vnc', undefined, 'Bearer k1')).toMatchObject({ token: 'k1' });
    expect(parseVncRequest('/api/instances/alice/vnc?token=k2', undefined, 'Bearer k1')).toMatchObject({ token: 'k2' });
    expect(parseVncRequest('/api/instances/alice/vnc', undefined, 'Basic k1')).toMatchObject({ token: undefined });
  });

  it.each(['/api/instances/alice', '/api/instances/alice/vnc/ticket', '/vnc', '/api/instances//vnc', '/'])('%s is not a VNC request', (url) => {
    expect(parseVncRequest(url, undefined)).toBeUndefined();
  });
});

describe('rejectionResponse', () => {
  it('is an HTTP response with the JSON error shape and the error headers', () => {
    const text = rejectionResponse(new VncTooManyViewers('alice', 4));
    const [head = '', body = ''] = text.split('\r\n\r\n');
    expect(head.split('\r\n')[0]).toBe('HTTP/1.1 429 Too Many Requests');
    expect(head).toContain('Retry-After: 5');
    expect(head).toContain(`Content-Length: ${Buffer.byteLength(body)}`);
    expect(JSON.parse(body)).toEqual({ error: 'Instance "alice" already has 4 VNC viewers connected', code: 'VNC_TOO_MANY_VIEWERS', details: { limit: 4 } });
  });

  it('keeps the message of an exposed 503 and hides that of an unknown error', () => {
    expect(rejectionResponse(new VncUpstreamUnavailable('alice'))).toMatch(/^HTTP\/1.1 503 Service Unavailable\r\n[\s\S]*VNC of instance \\"alice\\" is not reachable/);
    const hidden = rejectionResponse(new Error('secret detail'));
    expect(hidden).toMatch(/^HTTP\/1.1 500 /);
    expect(hidden).not.toContain('secret detail');
    expect(JSON.parse(hidden.split('\r\n\r\n')[1] ?? '')).toEqual({ error: 'Internal server error', code: 'INTERNAL' });
  });
});
