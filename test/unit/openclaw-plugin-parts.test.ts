// The plugin's pure parts and the pair command's decisions. The instance is a scripted
// InstanceAccess: a double of the plugin's own interface (like MemoryRuntime for the manager);
// the real manager, gateway and cluster are in the integration suites.
import type { V1Pod, V1Secret } from '@kubernetes/client-node';
import QRCode from 'qrcode';
import { describe, expect, it } from 'vitest';
import { GatewayAuthFailed } from '../../manager/src/gateway/gateway-errors.js';
import { WhatsAppAlreadyLinked, WhatsAppLoginFailed, WhatsAppPluginMissing } from '../../manager/src/whatsapp/whatsapp-errors.js';
import type { QrIssued, WaitOutcome } from '../../manager/src/whatsapp/whatsapp-login.js';
import type { WhatsAppStatus } from '../../manager/src/whatsapp/whatsapp-status.js';
import type { CommandIo } from '../../plugins/openclaw/src/commands/command-io.js';
import { runPair, type PairCommand } from '../../plugins/openclaw/src/commands/pair.js';
import { vncPageUrl } from '../../plugins/openclaw/src/commands/vnc.js';
import { InstanceNotFoundInCluster, PairingEnded, UsageError } from '../../plugins/openclaw/src/errors.js';
import type { InstanceAccess } from '../../plugins/openclaw/src/instance-api.js';
import { choosePod, gatewayTokenFrom } from '../../plugins/openclaw/src/kube-target.js';
import { reportFailure } from '../../plugins/openclaw/src/report-error.js';
import { formatTimeLeft, redrawBlock, redrawLastLine } from '../../plugins/openclaw/src/terminal-frame.js';
import { decodeTerminalQr, stripAnsi } from '../support/terminal-qr.js';

describe('terminal frame', () => {
  it.each([
    [161_000, '2:41'],
    [180_000, '3:00'],
    [999, '0:01'],
    [0, '0:00'],
    [-5_000, '0:00'],
  ])('%i ms -> %s', (ms, text) => {
    expect(formatTimeLeft(ms)).toBe(text);
  });

  it('redraws a block in place and clears what the old one left below', () => {
    expect(redrawBlock(0, ['a', 'b'])).toBe('\u001b[2Ka\n\u001b[2Kb\n\u001b[J');
    expect(redrawBlock(3, ['a'])).toBe('\u001b[3F\u001b[2Ka\n\u001b[J');
    expect(redrawLastLine('s')).toBe('\u001b[1F\u001b[2Ks\n');
  });
});

describe('failure reports', () => {
  it.each([
    { err: new UsageError('pair needs a user id', 'pair'), debug: false, text: 'error: pair needs a user id (see: helm openclaw pair --help)\n' },
    { err: new WhatsAppLoginFailed('WhatsApp login failed: offline'), debug: false, text: 'error: WhatsApp login failed: offline\n' },
    { err: new InstanceNotFoundInCluster('No pod labelled openclaw.ai/user=bob'), debug: false, text: 'error: No pod labelled openclaw.ai/user=bob\n' },
    {
      err: new GatewayAuthFailed('INVALID_REQUEST', 'unauthorized', { details: { code: 'AUTH_TOKEN_MISMATCH' } }),
      debug: false,
      text: 'error: gateway: unauthorized (AUTH_TOKEN_MISMATCH)\n',
    },
    { err: new TypeError('x is undefined'), debug: false, text: 'error: x is undefined (unexpected; run with --debug for the stack trace)\n' },
  ])('$err.name', ({ err, debug, text }) => {
    expect(reportFailure(err, { debug, interrupted: false })).toEqual({ text, exitCode: 1 });
  });

  it('shows the stack only in debug mode, and one line otherwise', () => {
    const err = new PairingEnded('The QR expired\nrun pair again');
    expect(reportFailure(err, { debug: false, interrupted: false }).text).toBe('error: The QR expired run pair again\n');
    expect(reportFailure(err, { debug: true, interrupted: false }).text).toContain('at ');
  });

  it('Ctrl-C is exit 130 whatever the error', () => {
    expect(reportFailure(new Error('aborted'), { debug: false, interrupted: true })).toEqual({ text: 'Cancelled.\n', exitCode: 130 });
  });
});

const pod = (name: string, phase: string, ready: boolean, deleting = false): V1Pod => ({
  metadata: { name, ...(deleting ? { deletionTimestamp: new Date() } : {}) },
  status: { phase, conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] },
});

describe('finding the pod and the token', () => {
  it.each([
    { pods: [pod('a', 'Running', true)], result: { name: 'a' } },
    { pods: [pod('old', 'Running', true, true), pod('new', 'Running', true)], result: { name: 'new' } },
    { pods: [pod('a', 'Pending', false), pod('b', 'Running', true)], result: { name: 'b' } },
    { pods: [], result: { reason: 'No pod labelled openclaw.ai/user=alice in namespace openclaw: is the instance installed (and scaled up)?' } },
    { pods: [pod('a', 'Pending', false)], result: { reason: 'No ready pod for user alice in namespace openclaw: a is Pending' } },
    { pods: [pod('a', 'Running', false)], result: { reason: 'No ready pod for user alice in namespace openclaw: a is Running, not Ready' } },
  ])('$pods.length pods -> $result', ({ pods, result }) => {
    expect(choosePod(pods, 'alice', 'openclaw')).toEqual(result);
  });

  it.each<{ secret: V1Secret; token?: string }>([
    { secret: { data: { OPENCLAW_GATEWAY_TOKEN: Buffer.from('tok-123').toString('base64') } }, token: 'tok-123' },
    { secret: { stringData: { OPENCLAW_GATEWAY_TOKEN: 'tok-456' } }, token: 'tok-456' },
    { secret: { data: { ANTHROPIC_API_KEY: 'eA==' } } },
    { secret: {} },
  ])('token from $secret', ({ secret, token }) => {
    if (token) expect(gatewayTokenFrom(secret, 'alice', 'openclaw')).toBe(token);
    else expect(() => gatewayTokenFrom(secret, 'alice', 'openclaw')).toThrow('Secret alice-openclaw in namespace openclaw has no OPENCLAW_GATEWAY_TOKEN');
  });

  it('prints the noVNC page URL', () => {
    expect(vncPageUrl(6080)).toBe('http://127.0.0.1:6080/vnc.html');
  });
});

// ---- pair, against a scripted instance ----

const NOT_LINKED: WhatsAppStatus = { linked: false, connected: false, running: false, self: null, lastError: null, state: 'not-linked', health: 'stopped', issues: [] };
const LINKED: WhatsAppStatus = { ...NOT_LINKED, linked: true, connected: true, running: true, self: { e164: '+15550001111', jid: null }, state: 'linked', health: 'connected' };

interface Script {
  start: () => Promise<QrIssued>;
  waits: ((signal?: AbortSignal) => Promise<WaitOutcome>)[];
}

function scripted(script: Script): { access: InstanceAccess; waitCalls: unknown[] } {
  const waitCalls: unknown[] = [];
  let next = 0;
  return {
    waitCalls,
    access: {
      whatsapp: {
        start: () => script.start(),
        wait: (options, signal) => {
          waitCalls.push(options);
          const step = script.waits[next++];
          if (!step) throw new Error('no more scripted waits');
          return step(signal);
        },
        status: async () => LINKED,
      },
      rpc: async () => ({}),
      close: async () => {},
    },
  };
}

function io(options: { tty?: boolean; signal?: AbortSignal; now?: () => number } = {}): CommandIo & { out: () => string } {
  const chunks: string[] = [];
  return {
    stdout: { write: (t: string) => chunks.push(t), isTTY: options.tty ?? false },
    stderr: { write: () => true },
    signal: options.signal ?? new AbortController().signal,
    now: options.now ?? (() => Date.now()),
    colors: true,
    out: () => chunks.join(''),
  };
}

const command = (over: Partial<PairCommand> = {}): PairCommand => ({ kind: 'pair', userId: 'alice', force: false, timeoutMs: 180_000, connection: { namespace: 'openclaw' }, ...over });

describe('helm openclaw pair', async () => {
  const [qr1, qr2] = await Promise.all(['first-qr-content', 'second-qr-content'].map((t) => QRCode.toDataURL(t, { scale: 6, margin: 4 })));
  const issued = (): QrIssued => ({ qrDataUrl: qr1 ?? '', message: 'Scan', expiresAt: new Date(Date.now() + 180_000).toISOString() });

  it('draws the QR, follows a rotation and exits 0 when linked (pipe: each QR printed once)', async () => {
    const { access, waitCalls } = scripted({
      start: async () => issued(),
      waits: [async () => ({ connected: false, reason: 'qr-rotated', qrDataUrl: qr2 ?? '', message: 'QR refreshed.' }), async () => ({ connected: true, message: 'Linked!' })],
    });
    const out = io();
    expect(await runPair(command(), access, out)).toBe(0);
    expect(waitCalls).toMatchObject([{ currentQrDataUrl: qr1 }, { currentQrDataUrl: qr2 }]);
    const blocks = out.out().split('\n').filter((l) => stripAnsi(l).length > 0 && /^[ █▀▄]+$/.test(stripAnsi(l)));
    const half = blocks.length / 2;
    expect(decodeTerminalQr(blocks.slice(0, half), { inkIsDark: true })).toBe('first-qr-content');
    expect(decodeTerminalQr(blocks.slice(half), { inkIsDark: true })).toBe('second-qr-content');
    expect(out.out()).toContain('Linked. Linked!');
    expect(out.out()).toContain('WhatsApp: linked as +15550001111, connected');
    expect(out.out()).not.toContain('\u001b[2K');
  });

  it('on a terminal redraws the QR in place', async () => {
    const { access } = scripted({
      start: async () => issued(),
      waits: [async () => ({ connected: false, reason: 'qr-rotated', qrDataUrl: qr2 ?? '', message: 'QR refreshed.' }), async () => ({ connected: true, message: 'Linked!' })],
    });
    const out = io({ tty: true });
    expect(await runPair(command(), access, out)).toBe(0);
    const lines = Math.ceil((QRCode.create('first-qr-content', {}).modules.size + 4) / 2) + 1;
    expect(out.out()).toContain(`\u001b[${lines}F`);
  });

  it('waits again after a timeout answer', async () => {
    const { access, waitCalls } = scripted({
      start: async () => issued(),
      waits: [async () => ({ connected: false, reason: 'timeout', message: 'Still waiting' }), async () => ({ connected: true, message: 'ok' })],
    });
    expect(await runPair(command(), access, io())).toBe(0);
    expect(waitCalls).toHaveLength(2);
  });

  it.each([
    { outcome: { connected: false, reason: 'expired', message: 'The login QR expired.' } as const, type: PairingEnded, message: 'The QR expired before it was scanned' },
    { outcome: { connected: false, reason: 'not-started', message: 'No active WhatsApp login in progress.' } as const, type: PairingEnded, message: 'no longer active' },
    { outcome: { connected: false, reason: 'failed', message: 'WhatsApp login failed: boom' } as const, type: WhatsAppLoginFailed, message: 'WhatsApp login failed: boom' },
  ])('ends with an error when the wait says $outcome.reason', async ({ outcome, type, message }) => {
    const { access } = scripted({ start: async () => issued(), waits: [async () => outcome] });
    const run = runPair(command(), access, io());
    await expect(run).rejects.toBeInstanceOf(type);
    await expect(run).rejects.toThrow(message);
  });

  it('gives up at --timeout', async () => {
    let clock = 1_000_000;
    const { access } = scripted({
      start: async () => ({ ...issued(), expiresAt: new Date(clock + 180_000).toISOString() }),
      waits: [
        async () => {
          clock += 61_000;
          return { connected: false, reason: 'timeout', message: 'Still waiting' };
        },
      ],
    });
    await expect(runPair(command({ timeoutMs: 60_000 }), access, io({ now: () => clock }))).rejects.toThrow('Not linked within 1:00');
  });

  it('passes Ctrl-C to the wait', async () => {
    const controller = new AbortController();
    const { access } = scripted({
      start: async () => issued(),
      waits: [
        (signal) =>
          new Promise((_resolve, reject) => {
            signal?.addEventListener('abort', () => reject(new Error('aborted')));
            controller.abort();
          }),
      ],
    });
    await expect(runPair(command(), access, io({ signal: controller.signal }))).rejects.toThrow('aborted');
  });

  it('already linked: says so and exits 0 without drawing', async () => {
    const { access } = scripted({ start: async () => Promise.reject(new WhatsAppAlreadyLinked('WhatsApp is already linked (+15550001111).')), waits: [] });
    const out = io();
    expect(await runPair(command(), access, out)).toBe(0);
    expect(out.out()).toBe('WhatsApp is already linked (+15550001111). Nothing to do; pass --force to link a new device instead.\n');
  });

  it('no plugin: the error goes up as is', async () => {
    const { access } = scripted({ start: async () => Promise.reject(new WhatsAppPluginMissing('web login provider is not available')), waits: [] });
    await expect(runPair(command(), access, io())).rejects.toBeInstanceOf(WhatsAppPluginMissing);
  });
});
