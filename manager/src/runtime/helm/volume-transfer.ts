// Backups in and out of the cluster in their portable form (a tar.gz of the OpenClaw state
// directory): a short-lived pod mounts a claim, made from the backup's snapshot to export it or empty
// to import into, and serves that one archive over HTTP to the manager. The pod is shaped like the
// instances' own (the chart's image, security context, node selector and tolerations, read from an
// instance's Deployment), listens on the gateway's port (the one the manager's NetworkPolicy lets it
// reach) and answers only a request that names its random token. It and its claim are removed when
// the transfer ends, and by the next manager when one stopped in between.
import { randomBytes } from 'node:crypto';
import { request } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { CoreV1Api, V1PersistentVolumeClaim, V1Pod, V1PodSpec } from '@kubernetes/client-node';
import type { Logger } from '../../logger.js';
import { GATEWAY_PORT, TRANSFER_LABEL, transferName } from '../../names/object-names.js';
import { BackupFailed, InvalidArchive } from '../runtime-errors.js';
import { ByteLimit } from '../archive-limit.js';

export interface TransferSource {
  /** The pod spec of an instance (its Deployment's template) to shape the transfer pod after. */
  readonly podSpec: V1PodSpec;
  /** The storage class and size of the instances' data claims. */
  readonly storageClass: string | undefined;
  readonly size: string;
}

export interface VolumeTransferOptions {
  readonly core: CoreV1Api;
  readonly namespace: string;
  readonly logger: Logger;
  /** How long the claim and the pod may take to be ready. */
  readonly timeoutMs: number;
}

const STATE_DIR = '/data/openclaw';
const SELECTOR = `${TRANSFER_LABEL}`;

// Runs in the pod with the image's Node. One request, then it exits: GET streams the state directory
// out (export); PUT unpacks the body into it (import) and checks what came out.
const SERVER = `
const http = require('node:http'), fs = require('node:fs'), path = require('node:path'), { spawn } = require('node:child_process');
const { TRANSFER_TOKEN: token, TRANSFER_MODE: mode } = process.env, dir = ${JSON.stringify(STATE_DIR)};
const done = (server) => server.close(() => process.exit(0));
function check(root) {
  if (!fs.statSync(path.join(root, 'openclaw.json'), { throwIfNoEntry: false })?.isFile()) return 'it has no openclaw.json at its top';
  for (const entry of fs.readdirSync(root, { recursive: true })) {
    const file = path.join(root, entry), info = fs.lstatSync(file);
    if (info.isSymbolicLink()) {
      const target = path.resolve(path.dirname(file), fs.readlinkSync(file));
      if (target !== root && !target.startsWith(root + '/')) fs.rmSync(file);
    } else if (!info.isFile() && !info.isDirectory()) return entry + ' is not a regular file, a directory or a symlink';
  }
  return '';
}
const server = http.createServer((req, res) => {
  if (req.url !== '/' + token) { res.writeHead(404).end(); return; }
  if (mode === 'export' && req.method === 'GET') {
    const tar = spawn('tar', ['--create', '--gzip', '--numeric-owner', '--directory', dir, '.'], { stdio: ['ignore', 'pipe', 'inherit'] });
    res.writeHead(200, { 'content-type': 'application/gzip' });
    tar.stdout.pipe(res);
    tar.on('close', (code) => { if (code !== 0) res.destroy(); done(server); });
    return;
  }
  if (mode === 'import' && req.method === 'PUT') {
    fs.mkdirSync(dir, { recursive: true });
    const tar = spawn('tar', ['--extract', '--gzip', '--no-same-owner', '--no-same-permissions', '--no-overwrite-dir', '--directory', dir, '--file', '-'], { stdio: ['pipe', 'ignore', 'pipe'] });
    let stderr = '';
    tar.stderr.on('data', (chunk) => { stderr = (stderr + chunk).slice(-2000); });
    tar.stdin.on('error', () => undefined);
    req.pipe(tar.stdin);
    tar.on('close', (code) => {
      const problem = code !== 0 ? 'tar could not read it: ' + (stderr.trim().split('\\n')[0] || 'exit code ' + code) : check(dir);
      res.writeHead(problem ? 400 : 200, { 'content-type': 'text/plain' }).end(problem || 'ok');
      done(server);
    });
    return;
  }
  res.writeHead(405).end();
});
server.listen(${GATEWAY_PORT});
`;

export class VolumeTransfer {
  constructor(private readonly options: VolumeTransferOptions) {}

  /** Streams the state directory of a claim made from `snapshot`; the pod and claim go when the stream ends. */
  async exportSnapshot(userId: string, snapshot: string, source: TransferSource): Promise<NodeJS.ReadableStream> {
    const transfer = await this.open(userId, 'export', source, snapshot);
    try {
      const response = await this.call(transfer.url, 'GET');
      if (response.statusCode !== 200) throw new BackupFailed(`The transfer pod of "${userId}" answered ${response.statusCode} to the export`);
      response.once('close', () => void this.close(transfer.name));
      return response;
    } catch (err) {
      await this.close(transfer.name);
      throw err;
    }
  }

  /**
   * Unpacks `archive` into a new claim; resolves with the claim's name once the pod checked it, for
   * the caller to snapshot, then close(). InvalidArchive when it is not one (nothing is left then).
   */
  async importArchive(userId: string, archive: NodeJS.ReadableStream, maxBytes: number, source: TransferSource): Promise<string> {
    const transfer = await this.open(userId, 'import', source);
    try {
      const limit = new ByteLimit(maxBytes);
      archive.pipe(limit);
      const response = await this.call(transfer.url, 'PUT', limit);
      const text = await readText(response);
      if (response.statusCode === 400) throw new InvalidArchive(text);
      if (response.statusCode !== 200) throw new BackupFailed(`The transfer pod of "${userId}" answered ${response.statusCode} to the import: ${text}`);
      await this.podGone(transfer.name);
      return transfer.name;
    } catch (err) {
      await this.close(transfer.name);
      throw err;
    }
  }

  /** Removes a transfer's pod and claim (idempotent). */
  async close(name: string): Promise<void> {
    const { core, namespace, logger } = this.options;
    await core.deleteNamespacedPod({ name, namespace, gracePeriodSeconds: 0 }).catch(ignoreMissing);
    await core.deleteNamespacedPersistentVolumeClaim({ name, namespace }).catch((err: unknown) => {
      if (statusOf(err) !== 404) logger.warn({ err, claim: name }, 'cannot delete a transfer claim');
    });
  }

  /** Removes every transfer a manager left (they do not outlive the manager that made them). */
  async sweep(): Promise<number> {
    const { core, namespace } = this.options;
    const [pods, claims] = await Promise.all([
      core.listNamespacedPod({ namespace, labelSelector: SELECTOR }),
      core.listNamespacedPersistentVolumeClaim({ namespace, labelSelector: SELECTOR }),
    ]);
    const names = new Set([...pods.items, ...claims.items].map((o) => o.metadata?.name ?? '').filter(Boolean));
    for (const name of names) await this.close(name);
    return names.size;
  }

  private async open(userId: string, mode: 'export' | 'import', source: TransferSource, snapshot?: string): Promise<{ name: string; url: string }> {
    const { core, namespace, logger } = this.options;
    const name = transferName(userId, randomBytes(4).toString('hex'));
    const token = randomBytes(24).toString('base64url');
    try {
      await core.createNamespacedPersistentVolumeClaim({ namespace, body: transferClaim(name, userId, source, snapshot) });
      await core.createNamespacedPod({ namespace, body: transferPod(name, userId, mode, token, source.podSpec) });
      const ip = await this.podAddress(name);
      const url = `http://${ip}:${GATEWAY_PORT}/${token}`;
      await this.listening(ip);
      logger.info({ userId, transfer: name, mode }, 'transfer pod ready');
      return { name, url };
    } catch (err) {
      await this.close(name);
      if (err instanceof BackupFailed) throw err;
      throw new BackupFailed(`Starting the transfer pod of "${userId}" failed: ${(err as Error).message}`, { cause: err });
    }
  }

  /** The pod's address once it runs; why not, when it does not in time. */
  private async podAddress(name: string): Promise<string> {
    const deadline = Date.now() + this.options.timeoutMs;
    let pod: V1Pod | undefined;
    while (Date.now() < deadline) {
      pod = await this.options.core.readNamespacedPod({ name, namespace: this.options.namespace });
      if (pod.status?.phase === 'Running' && pod.status.podIP) return pod.status.podIP;
      if (pod.status?.phase === 'Failed' || pod.status?.phase === 'Succeeded') break;
      await sleep(500);
    }
    const waiting = pod?.status?.containerStatuses?.[0]?.state?.waiting;
    const why = waiting ? `${waiting.reason ?? ''} ${waiting.message ?? ''}`.trim() : pod?.status?.conditions?.find((c) => c.status !== 'True')?.message ?? pod?.status?.phase ?? 'unknown';
    throw new BackupFailed(`The transfer pod ${name} did not run within ${Math.round(this.options.timeoutMs / 1000)} s: ${why}`);
  }

  /** Waits until the pod's server accepts connections. */
  private async listening(ip: string): Promise<void> {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const answered = await new Promise<boolean>((resolve) => {
        const req = request({ host: ip, port: GATEWAY_PORT, path: '/', method: 'HEAD', timeout: 2000 }, (res) => {
          res.resume();
          resolve(true);
        });
        req.once('error', () => resolve(false));
        req.once('timeout', () => req.destroy());
        req.end();
      });
      if (answered) return;
      if (Date.now() >= deadline) throw new BackupFailed(`The transfer pod at ${ip} does not answer`);
      await sleep(300);
    }
  }

  /** An import's pod exits after its answer, so the claim is written and unmounted before a snapshot. */
  private async podGone(name: string): Promise<void> {
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      const pod = await this.options.core.readNamespacedPod({ name, namespace: this.options.namespace }).catch(() => undefined);
      if (!pod || pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed') return;
      await sleep(300);
    }
  }

  private call(url: string, method: 'GET' | 'PUT', body?: NodeJS.ReadableStream): Promise<import('node:http').IncomingMessage> {
    return new Promise((resolve, reject) => {
      const req = request(url, { method, headers: body ? { 'content-type': 'application/gzip' } : {} }, resolve);
      req.once('error', (err) => reject(new BackupFailed(`The transfer pod cannot be reached: ${err.message}`, { cause: err })));
      if (body) {
        body.once('error', (err) => {
          req.destroy();
          reject(err);
        });
        body.pipe(req);
      } else {
        req.end();
      }
    });
  }
}

function transferLabels(userId: string): Record<string, string> {
  // The name is the instances' own so that the manager's NetworkPolicy lets it reach the pod; the
  // rest keeps it out of the instance's Service, ReplicaSet and watch (no openclaw.ai/user label).
  return { 'app.kubernetes.io/name': 'openclaw', 'app.kubernetes.io/component': 'transfer', 'app.kubernetes.io/managed-by': 'openclaw-manager', [TRANSFER_LABEL]: userId };
}

function transferClaim(name: string, userId: string, source: TransferSource, snapshot: string | undefined): V1PersistentVolumeClaim {
  return {
    metadata: { name, labels: transferLabels(userId) },
    spec: {
      accessModes: ['ReadWriteOnce'],
      ...(source.storageClass ? { storageClassName: source.storageClass } : {}),
      resources: { requests: { storage: source.size } },
      ...(snapshot ? { dataSource: { apiGroup: 'snapshot.storage.k8s.io', kind: 'VolumeSnapshot', name: snapshot } } : {}),
    },
  };
}

function transferPod(name: string, userId: string, mode: 'export' | 'import', token: string, template: V1PodSpec): V1Pod {
  const instance = template.containers[0];
  if (!instance) throw new BackupFailed('The instances\' pod template has no container');
  return {
    metadata: { name, labels: transferLabels(userId) },
    spec: {
      automountServiceAccountToken: false,
      enableServiceLinks: false,
      restartPolicy: 'Never',
      // A transfer that hangs is ended by the kubelet; the manager removes what is left.
      activeDeadlineSeconds: 6 * 3600,
      ...(template.securityContext ? { securityContext: template.securityContext } : {}),
      ...(template.nodeSelector ? { nodeSelector: template.nodeSelector } : {}),
      ...(template.tolerations ? { tolerations: template.tolerations } : {}),
      ...(template.affinity ? { affinity: template.affinity } : {}),
      ...(template.imagePullSecrets ? { imagePullSecrets: template.imagePullSecrets } : {}),
      containers: [{
        name: 'transfer',
        image: instance.image,
        ...(instance.imagePullPolicy ? { imagePullPolicy: instance.imagePullPolicy } : {}),
        ...(instance.securityContext ? { securityContext: instance.securityContext } : {}),
        command: ['node', '-e', SERVER],
        env: [{ name: 'TRANSFER_TOKEN', value: token }, { name: 'TRANSFER_MODE', value: mode }],
        ports: [{ name: 'transfer', containerPort: GATEWAY_PORT }],
        resources: { requests: { cpu: '250m', memory: '512Mi' }, limits: { memory: '1Gi' } },
        volumeMounts: [{ name: 'data', mountPath: '/data' }, { name: 'tmp', mountPath: '/tmp' }],
      }],
      volumes: [{ name: 'data', persistentVolumeClaim: { claimName: name } }, { name: 'tmp', emptyDir: {} }],
    },
  };
}

async function readText(stream: NodeJS.ReadableStream): Promise<string> {
  let text = '';
  for await (const chunk of stream) text += chunk.toString();
  return text.trim();
}

function statusOf(err: unknown): number | undefined {
  const code = (err as { code?: unknown }).code;
  return typeof code === 'number' ? code : undefined;
}

function ignoreMissing(err: unknown): void {
  if (statusOf(err) !== 404) throw err;
}
