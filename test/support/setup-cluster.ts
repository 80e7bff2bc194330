import { execFileSync } from 'node:child_process';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    kubeconfig: string;
  }
}

/** Starts the test control plane (or reuses a running one) and hands suites its kubeconfig. */
export default function setup(project: TestProject): void {
  execFileSync('bash', ['scripts/test-cluster', 'up'], { stdio: ['ignore', 'inherit', 'inherit'] });
  const env = execFileSync('bash', ['scripts/test-cluster', 'env'], { encoding: 'utf8' });
  const match = /^KUBECONFIG=(.+)$/m.exec(env);
  if (!match?.[1]) throw new Error(`scripts/test-cluster env printed no KUBECONFIG: ${env}`);
  process.env.KUBECONFIG = match[1];
  project.provide('kubeconfig', match[1]);
}
