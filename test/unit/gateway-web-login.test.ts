import { describe, expect, it } from 'vitest';
import { GatewayWebLoginFailed } from '../../manager/src/gateway/gateway-errors.js';
import { assertWebLoginStarted, parseWebLoginStart, parseWebLoginWait } from '../../manager/src/gateway/web-login.js';

const QR = 'data:image/png;base64,iVBORw0KGgo=';
const OFFLINE = 'WhatsApp login failed: WebSocket Error (getaddrinfo ENOTFOUND web.whatsapp.com)';

describe('parseWebLoginStart', () => {
  it.each([
    ['a QR', { qrDataUrl: QR }, { qrDataUrl: QR }],
    ['a QR and a message', { qrDataUrl: QR, message: 'Scan this QR' }, { qrDataUrl: QR, message: 'Scan this QR' }],
  ])('accepts %s', (_name, payload, expected) => {
    expect(parseWebLoginStart(payload)).toEqual(expected);
  });

  it.each([
    ['only a message (offline)', { message: OFFLINE }, OFFLINE],
    ['nothing', {}, 'web.login.start answered without a QR code'],
    ['null', null, 'web.login.start answered without a QR code'],
    ['a QR that is not an image data URL', { qrDataUrl: 'https://example.invalid/qr.png' }, 'web.login.start answered without a QR code'],
  ])('rejects %s with the gateway message', (_name, payload, message) => {
    expect(() => parseWebLoginStart(payload)).toThrow(GatewayWebLoginFailed);
    expect(() => parseWebLoginStart(payload)).toThrow(message);
    expect(() => assertWebLoginStarted(payload)).toThrow(GatewayWebLoginFailed);
  });

  it('carries code, method and the payload', () => {
    const err = (() => {
      try {
        parseWebLoginStart({ message: OFFLINE });
      } catch (e) {
        return e;
      }
    })();
    expect(err).toMatchObject({ code: 'WEB_LOGIN_FAILED', method: 'web.login.start', message: OFFLINE, details: { message: OFFLINE } });
  });
});

describe('parseWebLoginWait', () => {
  it.each([
    ['linked', { connected: true, message: 'Linked' }, { connected: true, message: 'Linked' }],
    ['a rotated QR', { connected: false, qrDataUrl: QR }, { connected: false, qrDataUrl: QR }],
  ])('accepts %s', (_name, payload, expected) => {
    expect(parseWebLoginWait(payload)).toEqual(expected);
  });

  it.each([
    ['a timeout message', { connected: false, message: 'Still waiting for the QR scan' }, 'Still waiting for the QR scan'],
    ['nothing', {}, 'web.login.wait ended without a link'],
  ])('rejects %s', (_name, payload, message) => {
    expect(() => parseWebLoginWait(payload)).toThrow(message);
  });
});
