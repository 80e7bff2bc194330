import { execFileSync, spawn } from 'node:child_process';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    kubeconfig: string;
    /** The instance image (Dockerfile.gke) in the real node's containerd. */
    instanceImage: { repository: string; tag: string };
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

/**
 * Starts the test cluster with its real node (or reuses a running one) and builds the instance image
 * meanwhile (both cached), imports the image into the node, and hands suites the kubeconfig and the
 * image.
 */
export default async function setup(project: TestProject): Promise<void> {
  const [, built] = await Promise.all([run('scripts/test-cluster', ['up']), run('scripts/build-image', ['instance'])]);
  const [ref, archive] = built.trim().split(' ');
  const image = /^(.+):([^:/]+)$/.exec(ref ?? '');
  if (!image?.[1] || !image[2] || !archive) throw new Error(`scripts/build-image printed "${built.trim()}", not "<ref> <archive>"`);
  await run('scripts/test-cluster', ['load-image', ref ?? '', archive]);

  const env = execFileSync('bash', ['scripts/test-cluster', 'env'], { encoding: 'utf8' });
  const match = /^KUBECONFIG=(.+)$/m.exec(env);
  if (!match?.[1]) throw new Error(`scripts/test-cluster env printed no KUBECONFIG: ${env}`);
  process.env.KUBECONFIG = match[1];
  project.provide('kubeconfig', match[1]);
  project.provide('instanceImage', { repository: image[1], tag: image[2] });
}
