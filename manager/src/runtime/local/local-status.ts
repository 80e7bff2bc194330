// What the local runtime knows about one instance, and how that reads in the API.
import type { Instance, InstancePhase } from '../instance-runtime.js';
import { dataClaimName } from '../../names/object-names.js';
import type { BrowserSupport } from './browser-support.js';
import type { InstanceRecord } from './instance-record.js';

export interface Tracked {
  record: InstanceRecord;
  phase: InstancePhase;
  ready: boolean;
  message: string;
  /** Restarts since the instance was last stable; drives the backoff. */
  restarts: number;
  restartAt?: number;
  lastExit?: string;
  lastProbeAt?: number;
  readySince?: number;
  /** Where the current launch's output starts in the instance's log file. */
  logOffset?: number;
}

export interface DescribeContext {
  readonly stateDir: string;
  readonly logFile: string;
  readonly openclawBin: string;
  readonly browser: BrowserSupport;
  /** Tag of instances whose record names none. */
  readonly imageTag: string;
}

export function describeTracked(entry: Tracked, context: DescribeContext): Instance {
  const { record } = entry;
  const browserNote = record.browser ? '' : `; browser off (missing: ${context.browser.missing.join(', ')})`;
  return {
    userId: record.userId,
    phase: entry.phase,
    ready: entry.ready,
    message: `${entry.message}${browserNote}`,
    image: `local:${context.openclawBin}`,
    imageTag: record.imageTag ?? context.imageTag,
    createdAt: record.createdAt,
    dataVolume: { name: dataClaimName(record.userId), path: context.stateDir, kept: true },
    runtime: {
      kind: 'local',
      pid: record.pid ?? null,
      startedAt: record.startedAt ?? null,
      restarts: entry.restarts,
      gatewayUrl: `ws://127.0.0.1:${record.ports.gateway}`,
      browser: record.browser
        ? { enabled: true, vncUrl: `ws://127.0.0.1:${record.ports.vnc}`, display: `:${record.display}` }
        : { enabled: false, missing: context.browser.missing },
      logFile: context.logFile,
    },
  };
}
