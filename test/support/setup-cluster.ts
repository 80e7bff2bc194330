import { execFileSync, spawn } from 'node:child_process';
import type { TestProject } from 'vitest/node';

export interface ImageRef {
  readonly repository: string;
  readonly tag: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    kubeconfig: string;
    /** The instance image (Dockerfile.gke) in the real node's containerd. */
    instanceImage: ImageRef;
    /** The manager image (manager/Dockerfile) in the real node's containerd. */
    managerImage: ImageRef;
  }
}

/** Runs a script with its progress on our stderr; resolves with its stdout. */
function run(script: string, args: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', [script, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString(); });
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(stdout) : reject(new Error(`${script} ${args.join(' ')} exited with ${code}`))));
  });
}

/** Imports what `scripts/build-image` printed ("<ref> <archive>") into the real node. */
async function loadBuiltImage(printed: string): Promise<ImageRef> {
  const [ref, archive] = printed.trim().split(' ');
  const image = /^(.+):([^:/]+)$/.exec(ref ?? '');
  if (!image?.[1] || !image[2] || !archive) throw new Error(`scripts/build-image printed "${printed.trim()}", not "<ref> <archive>"`);
  await run('scripts/test-cluster', ['load-image', ref ?? '', archive]);
  return { repository: image[1], tag: image[2] };
}

export interface PreparedCluster {
  readonly kubeconfig: string;
  readonly instanceImage: ImageRef;
  readonly managerImage: ImageRef;
}

/**
 * Starts the test cluster with its real node (or reuses a running one) and builds the instance and
 * manager images meanwhile (all cached), imports the images into the node, and points KUBECONFIG of
 * this process at the cluster. Benchmarks on the real node call it too.
 */
export async function prepareCluster(): Promise<PreparedCluster> {
  const [, instance, manager] = await Promise.all([
    run('scripts/test-cluster', ['up']),
    run('scripts/build-image', ['instance']),
    run('scripts/build-image', ['manager']),
  ]);
  const instanceImage = await loadBuiltImage(instance);
  const managerImage = await loadBuiltImage(manager);

  const env = execFileSync('bash', ['scripts/test-cluster', 'env'], { encoding: 'utf8' });
  const match = /^KUBECONFIG=(.+)$/m.exec(env);
  if (!match?.[1]) throw new Error(`scripts/test-cluster env printed no KUBECONFIG: ${env}`);
  process.env.KUBECONFIG = match[1];
  return { kubeconfig: match[1], instanceImage, managerImage };
}

/** Vitest's global setup: the prepared cluster, handed to the suites. */
export default async function setup(project: TestProject): Promise<void> {
  const cluster = await prepareCluster();
  project.provide('kubeconfig', cluster.kubeconfig);
  project.provide('instanceImage', cluster.instanceImage);
  project.provide('managerImage', cluster.managerImage);
}
