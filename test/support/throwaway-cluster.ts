// A second control plane (scripts/test-cluster with its own state directory and free ports) for
// tests and benchmarks that break it or fill it: stopping its API server, or a thousand releases,
// never disturbs the shared cluster other suites use. `down()` removes all of it.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { apiServerControl, clusterUp } from './api-server-control.js';
import { freePort } from './gateway-instance.js';

const SCRIPT = path.resolve(import.meta.dirname, '../../scripts/test-cluster');

export interface ThrowawayCluster {
  readonly kubeconfig: string;
  readonly stateDir: string;
  /** The running kube-apiserver's pid (changes after startApiServer). */
  apiServerPid(): number;
  /** SIGKILL to the API server, at once (callable from an event handler); etcd and the rest keep running. */
  killApiServer(): void;
  /** Starts whatever is not running (the API server after killApiServer) and waits until it is ready. */
  startApiServer(): Promise<void>;
  down(): Promise<void>;
}

export interface ThrowawayClusterOptions {
  /** State directory (default: a new temporary one); a kept directory is reused by `up`. */
  readonly stateDir?: string;
}

function kubectlBin(): string {
  return process.env.KUBECTL ?? execFileSync('bash', [path.resolve(import.meta.dirname, '../../scripts/install-helm'), '--kubectl'], { encoding: 'utf8' }).trim();
}

async function ports(): Promise<number[]> {
  const taken = new Set<number>();
  while (taken.size < 5) taken.add(await freePort());
  return [...taken];
}

/** Brings up a separate control plane (~10-20 s warm on 2 cores) and returns its handle. */
export async function startThrowawayCluster(options: ThrowawayClusterOptions = {}): Promise<ThrowawayCluster> {
  const stateDir = options.stateDir ?? mkdtempSync(path.join(tmpdir(), 'openclaw-throwaway-cluster-'));
  // A kept state directory is started again on the ports it was made with (its certificates name them).
  const portsFile = `${stateDir}.ports`;
  let chosen: number[];
  try {
    chosen = JSON.parse(readFileSync(portsFile, 'utf8')) as number[];
  } catch {
    chosen = await ports();
    if (options.stateDir) writeFileSync(portsFile, JSON.stringify(chosen));
  }
  const [api, etcd, etcdPeer, kcm, scheduler] = chosen as [number, number, number, number, number];
  const env = {
    ...process.env,
    KUBECTL: kubectlBin(),
    OPENCLAW_TEST_CLUSTER_DIR: stateDir,
    // One machine holds one real node: the shared cluster's.
    OPENCLAW_TEST_CLUSTER_REAL_NODE: '0',
    OPENCLAW_TEST_CLUSTER_API_PORT: String(api),
    OPENCLAW_TEST_CLUSTER_ETCD_PORT: String(etcd),
    OPENCLAW_TEST_CLUSTER_ETCD_PEER_PORT: String(etcdPeer),
    OPENCLAW_TEST_CLUSTER_KCM_PORT: String(kcm),
    OPENCLAW_TEST_CLUSTER_SCHEDULER_PORT: String(scheduler),
  };
  try {
    await clusterUp(env);
  } catch (err) {
    // Whatever did start must not outlive the failure.
    await execa('bash', [SCRIPT, 'down'], { env, reject: false });
    throw err;
  }
  const apiServer = apiServerControl(stateDir, env);
  return {
    kubeconfig: path.join(stateDir, 'kubeconfig'),
    stateDir,
    apiServerPid: apiServer.pid,
    killApiServer: apiServer.kill,
    startApiServer: apiServer.start,
    down: async () => {
      await execa('bash', [SCRIPT, 'down'], { env, reject: false });
      rmSync(portsFile, { force: true });
    },
  };
}
