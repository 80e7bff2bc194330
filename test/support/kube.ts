// kubectl against the test control plane (KUBECONFIG from the integration global setup).
import { execa } from 'execa';
import { randomBytes } from 'node:crypto';

export interface KubectlOptions {
  readonly input?: string;
  /** A file streamed to kubectl's stdin (for binary content). */
  readonly inputFile?: string;
  readonly env?: NodeJS.ProcessEnv;
}

function kubectlBinary(): string {
  const bin = process.env.KUBECTL;
  if (!bin) throw new Error('KUBECTL is not set: run the tests through `npm test` or vitest (the global setup sets it)');
  return bin;
}

export interface KubectlRun {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs kubectl and returns its outcome, whatever the exit code. */
export async function kubectlRun(args: readonly string[], options: KubectlOptions = {}): Promise<KubectlRun> {
  const result = await execa(kubectlBinary(), [...args], {
    reject: false,
    env: options.env ?? process.env,
    ...(options.input === undefined ? {} : { input: options.input }),
    ...(options.inputFile === undefined ? {} : { inputFile: options.inputFile }),
  });
  return { exitCode: result.exitCode ?? -1, stdout: result.stdout, stderr: result.stderr };
}

/** Runs kubectl; throws with its stderr on a non-zero exit. */
export async function kubectl(args: readonly string[], options: KubectlOptions = {}): Promise<string> {
  const result = await kubectlRun(args, options);
  if (result.exitCode !== 0) throw new Error(`kubectl ${args.join(' ')} failed: ${result.stderr}`);
  return result.stdout;
}

/** kubectl get ... -o json, parsed; undefined when the object does not exist. */
export async function getObject<T = Record<string, unknown>>(kind: string, name: string, namespace: string): Promise<T | undefined> {
  const result = await kubectlRun(['get', kind, name, '-n', namespace, '-o', 'json']);
  if (result.exitCode !== 0) {
    if (/NotFound/.test(result.stderr)) return undefined;
    throw new Error(`kubectl get ${kind} ${name} failed: ${result.stderr}`);
  }
  return JSON.parse(result.stdout) as T;
}

/** Creates a namespace with a random suffix, so suites never see each other's objects. */
export async function createNamespace(prefix: string): Promise<string> {
  const name = `${prefix}-${randomBytes(3).toString('hex')}`;
  await kubectl(['create', 'namespace', name]);
  return name;
}

export async function deleteNamespace(name: string): Promise<void> {
  await kubectl(['delete', 'namespace', name, '--wait=false', '--ignore-not-found']);
}

/** Polls until check() returns a value other than undefined, or fails with the last state after timeoutMs. */
export async function waitFor<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 120_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}
