// Stops and restarts a test control plane's kube-apiserver (scripts/test-cluster), leaving etcd, the
// kubelet and the rest running: what a fault test needs to cut the cluster off in the middle of an
// operation. The shared cluster is run this way by suites one at a time, so no other suite sees it.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { alive, kill } from './process-table.js';

const SCRIPT = path.resolve(import.meta.dirname, '../../scripts/test-cluster');

export interface ApiServerControl {
  /** The running kube-apiserver's pid (changes after start). */
  pid(): number;
  /** SIGKILL to the API server, at once (callable from an event handler). */
  kill(): void;
  /** Starts whatever of the cluster is not running (the API server after kill) and waits until it is ready; idempotent. */
  start(): Promise<void>;
}

/** Runs `scripts/test-cluster up` with `env` (its state directory and ports); throws with its stderr on failure. */
export async function clusterUp(env: NodeJS.ProcessEnv): Promise<void> {
  const result = await execa('bash', [SCRIPT, 'up'], { env, reject: false });
  if (result.exitCode !== 0) throw new Error(`scripts/test-cluster up (${env.OPENCLAW_TEST_CLUSTER_DIR ?? 'shared cluster'}) failed:\n${result.stderr.slice(-3000)}`);
}

/** The API server of the cluster kept in `stateDir`, brought up again with `env`. */
export function apiServerControl(stateDir: string, env: NodeJS.ProcessEnv): ApiServerControl {
  const pid = (): number => Number(readFileSync(path.join(stateDir, 'pids', 'kube-apiserver.pid'), 'utf8').split(' ')[0]);
  let killed: number | undefined;
  return {
    pid,
    kill: () => {
      killed = pid();
      kill(killed, 'SIGKILL');
    },
    start: async () => {
      while (killed !== undefined && alive(killed)) await new Promise((r) => setTimeout(r, 50));
      killed = undefined;
      await clusterUp(env);
    },
  };
}

/** The shared test cluster's API server (KUBECONFIG of this process names its state directory). */
export function sharedApiServer(): ApiServerControl {
  const kubeconfig = process.env.KUBECONFIG;
  if (!kubeconfig) throw new Error('KUBECONFIG is not set: integration tests get it from the global setup');
  return apiServerControl(path.dirname(kubeconfig), process.env);
}
