// `helm openclaw rollback` and `history`: the commands against a scripted client (a double of the
// plugin's own ManagerClient), and that client's requests and error mapping against a local HTTP server.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CommandIo } from '../../plugins/openclaw/src/commands/command-io.js';
import { historyTable, runHistory, type HistoryCommand } from '../../plugins/openclaw/src/commands/history.js';
import { runRollback, type RollbackCommand } from '../../plugins/openclaw/src/commands/rollback.js';
import { ManagerRequestFailed } from '../../plugins/openclaw/src/errors.js';
import { ManagerClient, type InstanceRevisions, type ManagedInstance } from '../../plugins/openclaw/src/manager-client.js';
import { reportFailure } from '../../plugins/openclaw/src/report-error.js';

const KEY = 'k'.repeat(32);
const connection = { namespace: 'openclaw', managerUrl: 'http://m:3000', apiKey: KEY };

function io(): CommandIo & { out: () => string } {
  let out = '';
  return {
    stdout: { write: (t: string) => { out += t; return true; } },
    stderr: { write: () => true },
    signal: new AbortController().signal,
    now: () => Date.now(),
    colors: false,
    out: () => out,
  } as unknown as CommandIo & { out: () => string };
}

const instance = (imageTag: string, phase: string): ManagedInstance => ({ userId: 'alice', phase, ready: phase === 'Running', message: '', imageTag });

const DIGEST = `sha256:${'a'.repeat(64)}`;
const history: InstanceRevisions = {
  userId: 'alice',
  revisions: [
    { revision: 5, imageTag: 'v1', imageDigest: null, at: '2026-03-04T05:06:07.890Z', status: 'deployed', cause: 'Rollback to 3' },
    { revision: 4, imageTag: 'v2', imageDigest: DIGEST, at: '2026-03-04T04:00:00Z', status: 'superseded', cause: 'fleet run 3fa2c1d0e9b4: upgrade to v2' },
    { revision: 3, imageTag: 'v1', imageDigest: null, at: '2026-03-01T00:00:00Z', status: 'superseded', cause: 'create' },
  ],
};

describe('helm openclaw rollback', () => {
  it('lets the manager pick the revision and says where the instance is now', async () => {
    const sent: unknown[] = [];
    const client = {
      rollback: async (userId: string, body: unknown) => {
        sent.push([userId, body]);
        return instance('v1', 'Running');
      },
    };
    const command: RollbackCommand = { kind: 'rollback', userId: 'alice', timeoutSeconds: 240, connection };
    const out = io();
    expect(await runRollback(command, client, out)).toBe(0);
    expect(sent).toEqual([['alice', { timeoutSeconds: 240 }]]);
    expect(out.out()).toBe('alice rolled back: now on v1 (Running)\n');
  });

  it('sends the revision asked for and names it', async () => {
    const sent: unknown[] = [];
    const client = {
      rollback: async (userId: string, body: unknown) => {
        sent.push([userId, body]);
        return instance('v0.9', 'Stopped');
      },
    };
    const out = io();
    expect(await runRollback({ kind: 'rollback', userId: 'alice', revision: 3, timeoutSeconds: 90, connection }, client, out)).toBe(0);
    expect(sent).toEqual([['alice', { revision: 3, timeoutSeconds: 90 }]]);
    expect(out.out()).toBe('alice rolled back to revision 3: now on v0.9 (Stopped)\n');
  });

  it("reports the manager's refusal as one line and prints nothing", async () => {
    const client = {
      rollback: async (): Promise<ManagedInstance> => {
        throw new ManagerRequestFailed(409, 'NOTHING_TO_ROLL_BACK_TO', 'Instance "alice" has no kept revision that ran another image than v1; name a revision to roll back to');
      },
    };
    const out = io();
    const err = await runRollback({ kind: 'rollback', userId: 'alice', timeoutSeconds: 240, connection }, client, out).catch((e: unknown) => e);
    expect(out.out()).toBe('');
    expect(reportFailure(err, { debug: false, interrupted: false })).toEqual({
      text: 'error: The manager answered 409 NOTHING_TO_ROLL_BACK_TO: Instance "alice" has no kept revision that ran another image than v1; name a revision to roll back to\n',
      exitCode: 1,
    });
  });
});

describe('helm openclaw history', () => {
  it('prints the revisions newest first as an aligned table, the digest after the tag', async () => {
    const out = io();
    const command: HistoryCommand = { kind: 'history', userId: 'alice', json: false, connection };
    expect(await runHistory(command, { revisions: async () => history }, out)).toBe(0);
    const image = `v2@${DIGEST}`;
    const pad = image.length;
    expect(out.out().split('\n')).toEqual([
      `REVISION  ${'IMAGE'.padEnd(pad)}  WHEN                  STATUS      CAUSE`,
      `5         ${'v1'.padEnd(pad)}  2026-03-04 05:06:07Z  deployed    Rollback to 3`,
      `4         ${image}  2026-03-04 04:00:00Z  superseded  fleet run 3fa2c1d0e9b4: upgrade to v2`,
      `3         ${'v1'.padEnd(pad)}  2026-03-01 00:00:00Z  superseded  create`,
      '',
    ]);
  });

  it('--json prints the answer as it came', async () => {
    const out = io();
    await runHistory({ kind: 'history', userId: 'alice', json: true, connection }, { revisions: async () => history }, out);
    expect(JSON.parse(out.out())).toEqual(history);
  });

  it('an empty history is the header alone; a time that does not parse is shown as given', () => {
    expect(historyTable([])).toBe('REVISION  IMAGE  WHEN  STATUS  CAUSE');
    expect(historyTable([{ revision: 1, imageTag: 'v1', imageDigest: null, at: 'unknown', status: 'deployed', cause: 'create' }]).split('\n')[1]).toBe(
      '1         v1     unknown  deployed  create',
    );
  });
});

describe('ManagerClient: rollback and revisions over HTTP', () => {
  let server: Server;
  let baseUrl: string;
  const seen: { method?: string; url?: string; auth?: string; body: string }[] = [];
  // What the test server answers next: status and JSON body.
  let answer: { status: number; body: unknown } = { status: 200, body: {} };

  const read = async (req: IncomingMessage): Promise<string> => {
    let body = '';
    for await (const chunk of req) body += String(chunk);
    return body;
  };

  beforeAll(async () => {
    server = createServer((req, res) => {
      void read(req).then((body) => {
        seen.push({ method: req.method, url: req.url, auth: req.headers.authorization, body });
        res.writeHead(answer.status, { 'Content-Type': 'application/json' }).end(JSON.stringify(answer.body));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  it('POSTs the rollback with the key and resolves with the instance', async () => {
    seen.length = 0;
    answer = { status: 200, body: instance('v1', 'Running') };
    const client = new ManagerClient({ baseUrl, apiKey: KEY });
    expect(await client.rollback('alice', { revision: 3, timeoutSeconds: 60 })).toEqual(instance('v1', 'Running'));
    expect(seen).toEqual([{ method: 'POST', url: '/api/instances/alice/rollback', auth: `Bearer ${KEY}`, body: '{"revision":3,"timeoutSeconds":60}' }]);
  });

  it('GETs the revisions', async () => {
    seen.length = 0;
    answer = { status: 200, body: history };
    const client = new ManagerClient({ baseUrl, apiKey: KEY });
    expect(await client.revisions('alice')).toEqual(history);
    expect(seen).toEqual([{ method: 'GET', url: '/api/instances/alice/revisions', auth: `Bearer ${KEY}`, body: '' }]);
  });

  it.each([
    { status: 404, body: { error: 'Instance "alice" has no revision 9 (kept: 3, 4, 5)', code: 'REVISION_NOT_FOUND' } },
    { status: 409, body: { error: 'Instance "alice" has no kept revision that ran another image than v1; name a revision to roll back to', code: 'NOTHING_TO_ROLL_BACK_TO' } },
    { status: 504, body: { error: 'Instance "alice" was not ready on v1 within 60 s', code: 'UPGRADE_TIMED_OUT' } },
  ])('maps a $status answer to ManagerRequestFailed with its code and message', async ({ status, body }) => {
    answer = { status, body };
    const client = new ManagerClient({ baseUrl, apiKey: KEY });
    const err = await client.rollback('alice', { timeoutSeconds: 60 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ManagerRequestFailed);
    expect(err).toMatchObject({ status, code: body.code, message: `The manager answered ${status} ${body.code}: ${body.error}` });
    expect((err as Error).message).not.toContain(KEY);
  });
});
