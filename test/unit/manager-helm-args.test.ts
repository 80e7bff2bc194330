import { describe, expect, it } from 'vitest';
import { buildInstallArgs, buildUninstallArgs } from '../../manager/src/helm/helm-args.js';

const base = {
  release: 'alice-openclaw',
  chartDir: '/repo/chart',
  namespace: 'openclaw',
  valuesFile: '/tmp/v/values.json',
  postRenderer: 'openclaw-postrender',
  postRendererArgs: ['--ingress-enabled=false'],
  labels: { 'openclaw.ai/user': 'alice' },
  timeout: '5m',
};

describe('buildInstallArgs', () => {
  it.each([
    ['defaults', {}, [
      'upgrade', '--install', 'alice-openclaw', '/repo/chart', '--namespace', 'openclaw', '--values', '/tmp/v/values.json',
      '--wait=hookOnly', '--timeout', '5m', '--labels', 'openclaw.ai/user=alice',
      '--post-renderer', 'openclaw-postrender', '--post-renderer-args=--ingress-enabled=false',
    ]],
    ['no post-renderer', { postRenderer: '' }, [
      'upgrade', '--install', 'alice-openclaw', '/repo/chart', '--namespace', 'openclaw', '--values', '/tmp/v/values.json',
      '--wait=hookOnly', '--timeout', '5m', '--labels', 'openclaw.ai/user=alice',
    ]],
    ['no labels, two renderer args', { labels: {}, postRendererArgs: ['--ingress-enabled=true', '--label=team=x'] }, [
      'upgrade', '--install', 'alice-openclaw', '/repo/chart', '--namespace', 'openclaw', '--values', '/tmp/v/values.json',
      '--wait=hookOnly', '--timeout', '5m',
      '--post-renderer', 'openclaw-postrender', '--post-renderer-args=--ingress-enabled=true', '--post-renderer-args=--label=team=x',
    ]],
  ])('%s', (_name, overrides, expected) => {
    expect(buildInstallArgs({ ...base, ...overrides })).toEqual(expected);
  });
});

describe('buildUninstallArgs', () => {
  it('waits for the objects to be gone', () => {
    expect(buildUninstallArgs({ release: 'bob-openclaw', namespace: 'ns', timeout: '2m' })).toEqual([
      'uninstall', 'bob-openclaw', '--namespace', 'ns', '--wait=watcher', '--timeout', '2m',
    ]);
  });
});
