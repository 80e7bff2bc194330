// The manager's API as the plugin uses it (manager mode): WhatsApp QR, wait and status, the RPC
// proxy, fleet upgrades, revisions and rollback, backups and restores. The API key goes in the
// Authorization header only and never into a message.
import { type BackupRecord, type FleetUpgradeRun, type LoginStartOptions, type LoginWaitOptions, type QrIssued, type WaitOutcome, WhatsAppAlreadyLinked, type WhatsAppStatus } from 'openclaw-platform/core';
import { ManagerRequestFailed, ManagerUnreachable } from './errors.js';

export interface ManagerClientOptions {
  /** e.g. http://localhost:3000 (no trailing slash needed). */
  readonly baseUrl: string;
  readonly apiKey: string;
}

/** Canaries by count or by name, upgraded first and watched for soakSeconds (default 60) before the rest goes. */
export type CanaryRequest =
  | { readonly count: number; readonly soakSeconds?: number }
  | { readonly userIds: readonly string[]; readonly soakSeconds?: number };

/** POST /api/fleet/upgrade's body (schemas/api/fleet-upgrade-request.json); the manager fills in defaults. */
export interface FleetUpgradeBody {
  readonly imageTag: string;
  readonly maxUnavailable: number;
  readonly userIds?: readonly string[];
  readonly timeoutSeconds?: number;
  readonly canary?: CanaryRequest;
  readonly autoRollback?: boolean;
}

// The answers below are declared here, with the fields the plugin reads: their types live in the
// manager's runtime layer, which its public entry point may not re-export.

/** An instance as the manager answers it (GET /api/instances/:userId). */
export interface ManagedInstance {
  readonly userId: string;
  readonly phase: string;
  readonly ready: boolean;
  readonly message: string;
  readonly imageTag: string;
}

/** One kept revision (GET /api/instances/:userId/revisions), newest first. */
export interface InstanceRevision {
  readonly revision: number;
  readonly imageTag: string;
  readonly imageDigest: string | null;
  /** ISO 8601. */
  readonly at: string;
  readonly status: string;
  readonly cause: string;
}

export interface InstanceRevisions {
  readonly userId: string;
  readonly revisions: readonly InstanceRevision[];
}

/** GET /api/instances/:userId/backups: newest first. */
export interface BackupList {
  readonly userId: string;
  readonly backups: readonly BackupRecord[];
}

/** Longer than any wait the manager accepts (300 s) plus its grace, so the manager answers first. */
const WAIT_REQUEST_SLACK_MS = 30_000;

export class ManagerClient {
  private readonly baseUrl: string;

  constructor(private readonly options: ManagerClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
  }

  /** POST /api/instances/:userId/whatsapp/qr */
  whatsappQr(userId: string, options: LoginStartOptions = {}, signal?: AbortSignal): Promise<QrIssued> {
    return this.send<QrIssued>('POST', `${this.instance(userId)}/whatsapp/qr`, { force: options.force === true }, signal);
  }

  /** POST /api/instances/:userId/whatsapp/wait; aborting `signal` ends the request, which ends the manager's wait. */
  whatsappWait(userId: string, options: LoginWaitOptions = {}, signal?: AbortSignal): Promise<WaitOutcome> {
    const body: Record<string, unknown> = {};
    if (options.timeoutMs !== undefined) body.timeoutMs = options.timeoutMs;
    if (options.currentQrDataUrl !== undefined) body.currentQrDataUrl = options.currentQrDataUrl;
    const timeout = AbortSignal.timeout((options.timeoutMs ?? 120_000) + WAIT_REQUEST_SLACK_MS);
    return this.send<WaitOutcome>('POST', `${this.instance(userId)}/whatsapp/wait`, body, signal ? AbortSignal.any([signal, timeout]) : timeout);
  }

  /** GET /api/instances/:userId/whatsapp/status */
  whatsappStatus(userId: string, signal?: AbortSignal): Promise<WhatsAppStatus> {
    return this.send<WhatsAppStatus>('GET', `${this.instance(userId)}/whatsapp/status`, undefined, signal);
  }

  /** POST /api/instances/:userId/rpc; resolves with the gateway's payload. */
  async rpc(userId: string, method: string, params: Record<string, unknown>, timeoutMs: number, signal?: AbortSignal): Promise<unknown> {
    const answer = await this.send<{ result: unknown }>('POST', `${this.instance(userId)}/rpc`, { method, params, timeoutMs }, signal);
    return answer.result;
  }

  /** POST /api/fleet/upgrade: starts a fleet upgrade; the run as it begins. */
  fleetUpgrade(body: FleetUpgradeBody, signal?: AbortSignal): Promise<FleetUpgradeRun> {
    return this.send<FleetUpgradeRun>('POST', '/api/fleet/upgrade', body, signal);
  }

  /** GET /api/fleet/upgrade/:id */
  fleetUpgradeStatus(id: string, signal?: AbortSignal): Promise<FleetUpgradeRun> {
    return this.send<FleetUpgradeRun>('GET', `/api/fleet/upgrade/${encodeURIComponent(id)}`, undefined, signal);
  }

  /** POST /api/instances/:userId/rollback: answers once the revision brought back is ready. */
  rollback(userId: string, body: { readonly revision?: number; readonly timeoutSeconds?: number }, signal?: AbortSignal): Promise<ManagedInstance> {
    return this.send<ManagedInstance>('POST', `${this.instance(userId)}/rollback`, body, signal);
  }

  /** GET /api/instances/:userId/revisions */
  revisions(userId: string, signal?: AbortSignal): Promise<InstanceRevisions> {
    return this.send<InstanceRevisions>('GET', `${this.instance(userId)}/revisions`, undefined, signal);
  }

  /** POST /api/instances/:userId/backups: starts a backup; its pending record. */
  backup(userId: string, body: { readonly consistency: BackupRecord['consistency'] }, signal?: AbortSignal): Promise<BackupRecord> {
    return this.send<BackupRecord>('POST', `${this.instance(userId)}/backups`, body, signal);
  }

  /** GET /api/instances/:userId/backups/:backupId */
  backupStatus(userId: string, backupId: string, signal?: AbortSignal): Promise<BackupRecord> {
    return this.send<BackupRecord>('GET', this.backupPath(userId, backupId), undefined, signal);
  }

  /** GET /api/instances/:userId/backups */
  backups(userId: string, signal?: AbortSignal): Promise<BackupList> {
    return this.send<BackupList>('GET', `${this.instance(userId)}/backups`, undefined, signal);
  }

  /** DELETE /api/instances/:userId/backups/:backupId: the record of what was deleted. */
  async deleteBackup(userId: string, backupId: string, signal?: AbortSignal): Promise<BackupRecord> {
    const answer = await this.send<{ backup: BackupRecord }>('DELETE', this.backupPath(userId, backupId), undefined, signal);
    return answer.backup;
  }

  /** POST /api/instances/:userId/restore: answers once the instance is back, on the backup's data. */
  restore(userId: string, backupId: string, signal?: AbortSignal): Promise<ManagedInstance> {
    return this.send<ManagedInstance>('POST', `${this.instance(userId)}/restore`, { backupId }, signal);
  }

  private backupPath(userId: string, backupId: string): string {
    return `${this.instance(userId)}/backups/${encodeURIComponent(backupId)}`;
  }

  private instance(userId: string): string {
    return `/api/instances/${encodeURIComponent(userId)}`;
  }

  private async send<T>(method: string, path: string, body: unknown, signal: AbortSignal | undefined): Promise<T> {
    const headers: Record<string, string> = { Authorization: `Bearer ${this.options.apiKey}`, Accept: 'application/json' };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    let response: Response;
    try {
      response = await fetch(`${this.baseUrl}${path}`, {
        method,
        headers,
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        ...(signal ? { signal } : {}),
      });
    } catch (err) {
      if (signal?.aborted) throw err;
      const cause = (err as { cause?: { code?: unknown; message?: unknown } }).cause;
      const reason = typeof cause?.code === 'string' ? cause.code : typeof cause?.message === 'string' ? cause.message : String(err);
      throw new ManagerUnreachable(this.baseUrl, reason);
    }
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = text === '' ? {} : JSON.parse(text);
    } catch {
      throw new ManagerRequestFailed(response.status, undefined, `not JSON: ${text.slice(0, 200)}`);
    }
    if (response.ok) return parsed as T;
    const { error, code, details } = (parsed ?? {}) as { error?: unknown; code?: unknown; details?: unknown };
    const message = typeof error === 'string' ? error : response.statusText;
    if (code === 'WHATSAPP_ALREADY_LINKED') throw new WhatsAppAlreadyLinked(message);
    const known = typeof details === 'object' && details !== null && !Array.isArray(details) ? (details as Record<string, unknown>) : undefined;
    throw new ManagerRequestFailed(response.status, typeof code === 'string' ? code : undefined, message, known);
  }
}
