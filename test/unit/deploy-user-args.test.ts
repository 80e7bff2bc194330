// scripts/deploy-user.sh refuses a bad user id, image tag, revision or snapshot name before it runs
// helm, with the rule from the chart's values schema (the rule's one home); bad arguments of backup,
// backups and restore exit 2, like a usage error.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');
const schema = JSON.parse(readFileSync(path.join(ROOT, 'chart/values.schema.json'), 'utf8')) as {
  properties: { userId: { description: string } };
};

function deployUser(...args: string[]): { status: number | null; stderr: string } {
  // HELM_BIN points nowhere: a run that got past the checks would fail on it, not succeed quietly.
  const run = spawnSync('bash', [path.join(ROOT, 'scripts/deploy-user.sh'), ...args], {
    encoding: 'utf8',
    env: { ...process.env, HELM_BIN: '/nonexistent/helm' },
  });
  return { status: run.status, stderr: run.stderr };
}

describe('deploy-user.sh input checks', () => {
  it.each([['Alice'], ['-alice'], ['alice-'], ['al--ice'], [`a${'b'.repeat(40)}`], ['alice;rm']])('refuses the user id %j with the chart\'s rule', (userId) => {
    const run = deployUser('status', userId);
    expect(run.status).toBe(1);
    expect(run.stderr).toBe(`error: invalid userId '${userId}': ${schema.properties.userId.description}\n`);
  });

  it('takes a 40-character id past the check (and then needs helm)', () => {
    const run = deployUser('status', `a${'b'.repeat(39)}`);
    expect(run.stderr).not.toContain('invalid userId');
  });

  it.each([['bad tag'], ['-v2'], ['.v2'], ['x'.repeat(129)]])('refuses the image tag %j', (tag) => {
    const run = deployUser('upgrade-all', tag);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/^error: invalid image tag/);
  });

  it('rollback refuses a bad user id with the chart\'s rule', () => {
    const run = deployUser('rollback', 'Alice', '3');
    expect(run.status).toBe(1);
    expect(run.stderr).toBe(`error: invalid userId 'Alice': ${schema.properties.userId.description}\n`);
  });

  it.each([['v1'], ['3a'], ['-1'], ['0']])('rollback refuses the revision %j', (revision) => {
    const run = deployUser('rollback', 'alice', revision);
    expect(run.status).toBe(1);
    expect(run.stderr).toBe(`error: revision must be a positive integer (helm history alice-openclaw lists them), got '${revision}'\n`);
  });

  it.each([
    ['backup', ['backup', 'Alice'], `error: invalid userId 'Alice': ${schema.properties.userId.description}\n`],
    ['backups', ['backups', 'al--ice'], `error: invalid userId 'al--ice': ${schema.properties.userId.description}\n`],
    ['restore', ['restore', 'alice;rm', 'x'], `error: invalid userId 'alice;rm': ${schema.properties.userId.description}\n`],
    ['a snapshot class with "_"', ['backup', 'alice', 'Fast_SSD'], "error: invalid VolumeSnapshotClass name 'Fast_SSD' (a DNS subdomain: lower-case letters, digits, '-' and '.')\n"],
    ['a snapshot name ending in "-"', ['restore', 'alice', 'snap-'], "error: invalid VolumeSnapshot name 'snap-' (a DNS subdomain: lower-case letters, digits, '-' and '.'; deploy-user.sh backups alice lists them)\n"],
    ['a snapshot name with ".."', ['restore', 'alice', 'a..b'], "error: invalid VolumeSnapshot name 'a..b' (a DNS subdomain: lower-case letters, digits, '-' and '.'; deploy-user.sh backups alice lists them)\n"],
    ['a 254-character snapshot name', ['restore', 'alice', 'a'.repeat(254)], `error: invalid VolumeSnapshot name '${'a'.repeat(254)}' (a DNS subdomain: lower-case letters, digits, '-' and '.'; deploy-user.sh backups alice lists them)\n`],
  ])('%s: a bad argument exits 2 with one line', (_what, args, message) => {
    const run = deployUser(...args);
    expect(run.status).toBe(2);
    expect(run.stderr).toBe(message);
  });

  it.each([[['backup', 'alice', 'a', 'b']], [['backups', 'alice', 'extra']], [['restore', 'alice']], [['restore', 'alice', 'a', 'b']]])('%j exits 2 with the usage text', (args) => {
    const run = deployUser(...args);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/^Operator's helm wrapper/);
    expect(run.stderr).toContain('deploy-user.sh restore <userId> <snapshot>');
  });

  it.each([['soon'], ['1.5h'], ['10']])('backup and restore refuse TIMEOUT=%j, which their own waits cannot read', (timeout) => {
    for (const args of [['backup', 'alice'], ['restore', 'alice', 'snap']]) {
      const run = spawnSync('bash', [path.join(ROOT, 'scripts/deploy-user.sh'), ...args], {
        encoding: 'utf8',
        env: { ...process.env, HELM_BIN: '/nonexistent/helm', TIMEOUT: timeout },
      });
      expect(run.status).toBe(2);
      expect(run.stderr).toBe(`error: TIMEOUT must be a duration like 10m, 90s or 1h30m, got '${timeout}'\n`);
    }
  });

  it.each([
    ['a snapshot class', ['backup', 'alice', 'csi-hostpath-snapclass']],
    ['a 40-character id', ['backups', `a${'b'.repeat(39)}`]],
    ['a backup\'s name', ['restore', 'alice', 'alice-openclaw-backup-0123456789ab']],
    ['a 252-character dotted name', ['restore', 'alice', `a.${'b'.repeat(250)}`]],
  ])('takes %s past the checks (and then needs helm)', (_what, args) => {
    const run = deployUser(...args);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('/nonexistent/helm');
  });

  it('takes a user id and a revision number past the checks (and then needs helm)', () => {
    const run = deployUser('rollback', 'alice', '12');
    expect(run.status).toBe(1);
    expect(run.stderr).not.toContain('revision must be');
    expect(run.stderr).toContain('/nonexistent/helm');
  });
});
