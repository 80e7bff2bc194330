import { afterAll, describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { once } from 'node:events';
import { createWriteStream, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { appendToHelmStderr } from '../../plugins/postrender/src/helm-stderr.js';

// A sleeping child stands in for helm: what matters is what its fd 2 is.
async function withStderrHolder(stderr: 'pipe' | { file: string; flags: 'a' | 'r+' }, body: (pid: number) => void): Promise<void> {
  const stream = stderr === 'pipe' ? undefined : createWriteStream(stderr.file, { flags: stderr.flags });
  if (stream) await once(stream, 'open');
  const child = execa('sleep', ['60'], { stdin: 'ignore', stdout: 'ignore', stderr: stream ?? 'pipe', reject: false });
  try {
    if (child.pid === undefined) throw new Error('sleep did not start');
    body(child.pid);
  } finally {
    child.kill();
    await child;
    stream?.close();
  }
}

describe('postrender helm-stderr', () => {
  const dir = mkdtempSync(join(tmpdir(), 'openclaw-helm-stderr-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('appends to a file the parent holds in append mode', async () => {
    const file = join(dir, 'append.log');
    writeFileSync(file, 'before\n');
    await withStderrHolder({ file, flags: 'a' }, (pid) => expect(appendToHelmStderr(pid, 'violation\n')).toBe(true));
    expect(readFileSync(file, 'utf8')).toBe('before\nviolation\n');
  });

  it('leaves alone a file the parent writes at its own offset', async () => {
    const file = join(dir, 'offset.log');
    writeFileSync(file, 'before\n');
    await withStderrHolder({ file, flags: 'r+' }, (pid) => expect(appendToHelmStderr(pid, 'violation\n')).toBe(false));
    expect(readFileSync(file, 'utf8')).toBe('before\n');
  });

  it('gives up quietly on a socket (stdio of a Node child) or a missing process', async () => {
    await withStderrHolder('pipe', (pid) => expect(appendToHelmStderr(pid, 'violation\n')).toBe(false));
    expect(appendToHelmStderr(2 ** 22 + 12345, 'x')).toBe(false);
    expect(appendToHelmStderr(1, 'x')).toBe(false);
  });
});
