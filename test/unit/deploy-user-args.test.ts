// scripts/deploy-user.sh refuses a bad user id, image tag or revision before it runs helm, with the
// rule from the chart's values schema (the rule's one home).
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

  it('takes a user id and a revision number past the checks (and then needs helm)', () => {
    const run = deployUser('rollback', 'alice', '12');
    expect(run.status).toBe(1);
    expect(run.stderr).not.toContain('revision must be');
    expect(run.stderr).toContain('/nonexistent/helm');
  });
});
