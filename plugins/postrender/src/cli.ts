// Entry point Helm runs (postrenderer/v1): manifests on stdin, result on stdout, one line per problem
// on stderr and exit 1 on any failure. Stack traces only when HELM_DEBUG is set (`helm --debug`).
//
// Helm 4.1.4 never shows a post-renderer's stderr, so the same lines also go (1) to Helm's own stderr
// when Helm runs us (HELM_PLUGIN_NAME is set) and it is a terminal, a pipe or a file in append mode,
// and (2) to the file named by OPENCLAW_POSTRENDER_REPORT_FILE, for programs that run helm through
// Node (their stderr is a socket /proc cannot open). The file is emptied on success.
import { writeFileSync } from 'node:fs';
import { PostRenderError } from './errors.js';
import { appendToHelmStderr } from './helm-stderr.js';
import { formatViolation } from './policy.js';
import { postrender } from './postrender.js';

const PREFIX = 'openclaw-postrender';

interface CliEnv {
  readonly debug: boolean;
  readonly underHelm: boolean;
  readonly reportFile: string | undefined;
}

function readEnv(): CliEnv {
  const { HELM_DEBUG, HELM_PLUGIN_NAME, OPENCLAW_POSTRENDER_REPORT_FILE } = process.env;
  return {
    debug: HELM_DEBUG === 'true' || HELM_DEBUG === '1',
    underHelm: Boolean(HELM_PLUGIN_NAME),
    reportFile: OPENCLAW_POSTRENDER_REPORT_FILE || undefined,
  };
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function report(env: CliEnv, text: string): void {
  process.stderr.write(text);
  if (env.underHelm) appendToHelmStderr(process.ppid, text);
  if (env.reportFile) writeFileSync(env.reportFile, text);
}

function messageOf(error: unknown, debug: boolean): string {
  if (debug && error instanceof Error) return error.stack ?? error.message;
  if (error instanceof PostRenderError) return error.message;
  return `unexpected failure: ${error instanceof Error ? error.message : String(error)} (set HELM_DEBUG=true for the stack)`;
}

async function main(): Promise<number> {
  const env = readEnv();
  try {
    const result = postrender(await readStdin(), process.argv.slice(2));
    if (!result.ok) {
      const lines = [...result.violations.map(formatViolation), `${PREFIX}: ${result.violations.length} policy violation(s); nothing rendered`];
      report(env, `${lines.join('\n')}\n`);
      return 1;
    }
    if (env.reportFile) writeFileSync(env.reportFile, '');
    process.stdout.write(result.output);
    return 0;
  } catch (error) {
    report(env, `${PREFIX}: ${messageOf(error, env.debug)}\n`);
    return 1;
  }
}

process.exitCode = await main();
