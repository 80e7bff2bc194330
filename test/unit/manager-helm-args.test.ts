import { describe, expect, it } from 'vitest';
import {
  buildHistoryArgs, buildInstallArgs, buildReuseUpgradeArgs, buildRevisionValuesArgs, buildRollbackArgs, buildUninstallArgs,
} from '../../manager/src/runtime/helm/helm-args.js';

const base = {
  release: 'alice-openclaw',
  chartDir: '/repo/chart',
  namespace: 'openclaw',
  baseValuesFiles: [],
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
    ['operator values files first, so the instance values win', { baseValuesFiles: ['/etc/oc/gke.yaml', '/etc/oc/pool.yaml'] }, [
      'upgrade', '--install', 'alice-openclaw', '/repo/chart', '--namespace', 'openclaw',
      '--values', '/etc/oc/gke.yaml', '--values', '/etc/oc/pool.yaml', '--values', '/tmp/v/values.json',
      '--wait=hookOnly', '--timeout', '5m', '--labels', 'openclaw.ai/user=alice',
      '--post-renderer', 'openclaw-postrender', '--post-renderer-args=--ingress-enabled=false',
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

describe('buildReuseUpgradeArgs', () => {
  const reuse = { release: 'alice-openclaw', chartDir: '/repo/chart', namespace: 'openclaw', postRenderer: 'openclaw-postrender', postRendererArgs: ['--ingress-enabled=false'], timeout: '5m' };
  const head = ['upgrade', 'alice-openclaw', '/repo/chart', '--namespace', 'openclaw', '--reset-then-reuse-values', '--wait=hookOnly', '--timeout', '5m'];
  const renderer = ['--post-renderer', 'openclaw-postrender', '--post-renderer-args=--ingress-enabled=false'];
  it.each([
    ['stop', { set: { replicas: 0 } }, [...head, '--set', 'replicas=0', ...renderer]],
    ['start', { set: { replicas: 1 } }, [...head, '--set', 'replicas=1', ...renderer]],
    ['new image tag', { setString: { 'image.tag': '2026.9.7' } }, [...head, '--set-string', 'image.tag=2026.9.7', ...renderer]],
    ['no post-renderer', { set: { replicas: 0 }, postRenderer: '' }, [...head, '--set', 'replicas=0']],
    ['with its cause', { set: { replicas: 0 }, description: 'stop' }, [...head, '--description', 'stop', '--set', 'replicas=0', ...renderer]],
  ])('%s', (_name, overrides, expected) => {
    expect(buildReuseUpgradeArgs({ ...reuse, ...overrides })).toEqual(expected);
  });
});

describe('history and rollback', () => {
  it('reads the newest revisions as JSON, and one revision\'s values with the chart\'s defaults', () => {
    expect(buildHistoryArgs('alice-openclaw', 'openclaw', 10)).toEqual(['history', 'alice-openclaw', '--namespace', 'openclaw', '--max', '10', '--output', 'json']);
    expect(buildRevisionValuesArgs('alice-openclaw', 'openclaw', 3)).toEqual([
      'get', 'values', 'alice-openclaw', '--namespace', 'openclaw', '--revision', '3', '--all', '--output', 'json',
    ]);
  });

  it('rolls back to a named revision without waiting for readiness and without a post-renderer', () => {
    expect(buildRollbackArgs('alice-openclaw', 'openclaw', 2, '5m')).toEqual(['rollback', 'alice-openclaw', '2', '--namespace', 'openclaw', '--wait=hookOnly', '--timeout', '5m']);
  });
});
