import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { HelmCommandFailed, HelmNotFound, scrubSecrets } from '../../manager/src/runtime/helm/helm-errors.js';
import { runHelm } from '../../manager/src/runtime/helm/helm-spawn.js';

// Small executables standing in for helm's exit behaviour; the real helm runs in integration tests.
function script(body: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'helm-spawn-'));
  const file = path.join(dir, 'helm');
  writeFileSync(file, `#!/bin/sh\n${body}\n`);
  chmodSync(file, 0o755);
  return file;
}

const env = { PATH: '/usr/bin:/bin' };

describe('runHelm', () => {
  it('returns stdout and passes arguments as an array, not through a shell', async () => {
    const helm = script('printf "%s|" "$@"');
    expect(await runHelm(['version', 'a b', '$(x)'], { helmBin: helm, env })).toBe('version|a b|$(x)|');
  });

  it('runs with exactly the given environment', async () => {
    const helm = script('printf "%s" "${SECRET_OF_PARENT:-unset}:$ONLY"');
    expect(await runHelm([], { helmBin: helm, env: { ...env, ONLY: 'yes' } })).toBe('unset:yes');
  });

  it('turns ENOENT into HelmNotFound', async () => {
    const err = await runHelm(['version'], { helmBin: '/nonexistent/helm', env }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HelmNotFound);
    expect((err as Error).message).toContain('helm is not installed (or HELM_BIN is wrong)');
  });

  it('turns a non-zero exit into HelmCommandFailed with args, exit code and scrubbed stderr', async () => {
    const helm = script('echo "Error: bad value sk-ant-SECRET and tok-123456" >&2; exit 3');
    const err = (await runHelm(['upgrade', 'x'], { helmBin: helm, env, redact: ['sk-ant-SECRET', 'tok-123456'] }).catch((e: unknown) => e)) as HelmCommandFailed;
    expect(err).toBeInstanceOf(HelmCommandFailed);
    expect(err.args).toEqual(['upgrade', 'x']);
    expect(err.exitCode).toBe(3);
    expect(err.stderr).toBe('Error: bad value [REDACTED] and [REDACTED]\n');
    expect(err.message).toBe('helm upgrade exited with code 3: Error: bad value [REDACTED] and [REDACTED]');
  });
});

describe('scrubSecrets', () => {
  it.each([
    ['a secret here', ['secret'], 'a [REDACTED] here'],
    ['abcd and abcdef', ['abcd', 'abcdef'], '[REDACTED] and [REDACTED]'],
    ['short ab stays', ['ab'], 'short ab stays'],
    ['nothing', [], 'nothing'],
  ])('%j', (text, secrets, expected) => {
    expect(scrubSecrets(text, secrets)).toBe(expected);
  });
});
