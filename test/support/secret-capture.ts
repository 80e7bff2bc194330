// Collects what managers write (log lines) and answer (response bodies) during the integration run,
// and the secret values tests hand them (API keys, gateway tokens, user secrets), so a scan can
// prove that no secret ever leaves a manager. Everything lands in .test-output/secret-scan/ (one
// pair of files per test process) for the final scan; the current test file's share is also kept
// in memory for its own scan.
import { appendFileSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';

export const CAPTURE_DIR = path.resolve(import.meta.dirname, '../../.test-output/secret-scan');

/** Shorter or plainer values (e.g. "xxxxxxxx") are ordinary text more often than secrets. */
const MIN_SECRET_LENGTH = 8;
const MIN_DISTINCT_CHARS = 5;
/** Anything shaped like a provider key counts as a leak even if no test declared it. */
const SECRET_SHAPE = /sk-(?:ant|proj|or)?-?[A-Za-z0-9_-]{6,}/;
const MAX_RECORD_CHARS = 64 * 1024;

const fileSecrets = new Set<string>();
const fileOutput: string[] = [];

const outputFile = (): string => path.join(CAPTURE_DIR, `output-${process.pid}.log`);
const secretsFile = (): string => path.join(CAPTURE_DIR, `secrets-${process.pid}.txt`);

function ensureDir(): void {
  if (!existsSync(CAPTURE_DIR)) mkdirSync(CAPTURE_DIR, { recursive: true });
}

/** Records one piece of manager output (a log line, a response) under `source`. */
export function recordOutput(source: string, text: string): void {
  const line = `${source}\t${text.slice(0, MAX_RECORD_CHARS).replace(/\n/g, '\\n')}`;
  fileOutput.push(line);
  ensureDir();
  appendFileSync(outputFile(), `${line}\n`);
}

/** Declares a value that must never appear in any manager output. */
export function noteSecret(value: string | undefined): void {
  if (value === undefined || value.length < MIN_SECRET_LENGTH || new Set(value).size < MIN_DISTINCT_CHARS || fileSecrets.has(value)) return;
  fileSecrets.add(value);
  ensureDir();
  // JSON per line: secrets may hold any character.
  appendFileSync(secretsFile(), `${JSON.stringify(value)}\n`);
}

export interface Finding {
  readonly source: string;
  /** What leaked, shortened so the report itself does not repeat it. */
  readonly what: string;
}

const preview = (secret: string): string => `${secret.slice(0, 4)}... (${secret.length} chars)`;

/** Findings in `lines` for `secrets` and for provider-key-shaped strings. */
export function findLeaks(lines: readonly string[], secrets: Iterable<string>): Finding[] {
  const known = [...secrets];
  const findings: Finding[] = [];
  for (const line of lines) {
    const source = line.slice(0, line.indexOf('\t'));
    const text = line.slice(source.length + 1);
    for (const secret of known) if (text.includes(secret)) findings.push({ source, what: `secret ${preview(secret)}` });
    const shaped = SECRET_SHAPE.exec(text);
    if (shaped && !known.some((s) => text.includes(s))) findings.push({ source, what: `key-shaped string ${preview(shaped[0])}` });
  }
  return findings;
}

/** Every secret any test process declared so far, plus this file's. */
export function knownSecrets(): Set<string> {
  const all = new Set(fileSecrets);
  if (!existsSync(CAPTURE_DIR)) return all;
  for (const file of readdirSync(CAPTURE_DIR).filter((f) => f.startsWith('secrets-'))) {
    for (const line of readFileSync(path.join(CAPTURE_DIR, file), 'utf8').split('\n')) if (line !== '') all.add(JSON.parse(line) as string);
  }
  return all;
}

/** The current test file's output, checked against every known secret. */
export function scanCurrentFile(): Finding[] {
  return findLeaks(fileOutput, knownSecrets());
}

/** The whole run's output, checked against every known secret. */
export function scanCaptureDir(): { findings: Finding[]; lines: number; secrets: number } {
  if (!existsSync(CAPTURE_DIR)) return { findings: [], lines: 0, secrets: 0 };
  const lines = readdirSync(CAPTURE_DIR)
    .filter((f) => f.startsWith('output-'))
    .flatMap((f) => readFileSync(path.join(CAPTURE_DIR, f), 'utf8').split('\n').filter((l) => l !== ''));
  const secrets = knownSecrets();
  return { findings: findLeaks(lines, secrets), lines: lines.length, secrets: secrets.size };
}

export function resetCaptureDir(): void {
  rmSync(CAPTURE_DIR, { recursive: true, force: true });
}

/** One line per finding, for an error message. */
export function describeFindings(findings: readonly Finding[]): string {
  return findings.slice(0, 20).map((f) => `  ${f.source}: ${f.what}`).join('\n') + (findings.length > 20 ? `\n  ... and ${findings.length - 20} more` : '');
}
