import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadConfig } from '../../manager/src/config.js';
import type { BackupRecord } from '../../manager/src/contracts/backup.js';
import { postRendererFlags, renderValues } from '../../manager/src/runtime/helm/render-values.js';
import { parseArgs } from '../../plugins/postrender/src/args.js';

const config = loadConfig({ OPENCLAW_MANAGER_API_KEY: 'k'.repeat(32), OPENCLAW_IMAGE_TAG: 'v1', OPENCLAW_INGRESS_ENABLED: 'true' });
const chartSchema = JSON.parse(readFileSync(path.resolve(import.meta.dirname, '../../chart/values.schema.json'), 'utf8')) as object;
const chartDefaults = parse(readFileSync(path.resolve(import.meta.dirname, '../../chart/values.yaml'), 'utf8')) as Record<string, unknown>;

// helm's coalescing of values files: maps merge key by key, anything else replaces.
function merge(base: unknown, over: unknown): unknown {
  if (!isMap(base) || !isMap(over)) return over;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = merge(base[k], v);
  return out;
}

function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

describe('renderValues', () => {
  it.each([
    ['no secrets, generated token', { userId: 'alice', secrets: {} }, undefined, {
      userId: 'alice',
      image: { repository: config.imageRepository, tag: 'v1' },
      secrets: {},
      ingress: { enabled: true, domainBase: 'openclaw.zazz.buzz' },
      gatewayApi: { enabled: false },
      persistence: { keep: true },
    }],
    ['secrets and a fixed token', { userId: 'bob', secrets: { ANTHROPIC_API_KEY: 'sk' } }, 'tok', {
      userId: 'bob',
      image: { repository: config.imageRepository, tag: 'v1' },
      secrets: { ANTHROPIC_API_KEY: 'sk' },
      ingress: { enabled: true, domainBase: 'openclaw.zazz.buzz' },
      gatewayApi: { enabled: false },
      persistence: { keep: true },
      gatewayToken: 'tok',
    }],
  ])('%s', (_name, spec, token, expected) => {
    expect(renderValues(spec, config, token)).toEqual(expected);
  });

  it('makes the data volume of a create from a backup from its VolumeSnapshot', () => {
    const fromBackup: BackupRecord = {
      id: '0123456789ab', userId: 'bob', state: 'ready', consistency: 'stopped', reason: 'requested', createdAt: '2026-01-01T00:00:00.000Z',
      finishedAt: '2026-01-01T00:00:05.000Z', sizeBytes: 1024, offlineSeconds: 5, wasRunning: true, error: null, location: 'bob-openclaw-backup-0123456789ab',
    };
    expect(renderValues({ userId: 'carol', secrets: {}, fromBackup }, config).persistence).toEqual({ keep: true, restoreFrom: 'bob-openclaw-backup-0123456789ab' });
  });

  it('merged over chart/values.yaml, passes the chart values schema', () => {
    const validate = new Ajv({ strict: false, allErrors: true }).compile(chartSchema);
    for (const token of [undefined, 'a'.repeat(43)]) {
      const values = merge(chartDefaults, renderValues({ userId: 'alice', secrets: { ANTHROPIC_API_KEY: 'sk' } }, config, token));
      expect(validate(values), JSON.stringify(validate.errors)).toBe(true);
    }
  });

  it('uses only keys the chart schema knows', () => {
    const values = renderValues({ userId: 'alice', secrets: { A: 'b' } }, config, 'tok');
    const properties = (chartSchema as { properties: Record<string, { properties?: Record<string, unknown> }> }).properties;
    for (const [key, value] of Object.entries(values)) {
      expect(properties[key], key).toBeDefined();
      if (value && typeof value === 'object' && key !== 'secrets') {
        for (const sub of Object.keys(value)) expect(properties[key]?.properties?.[sub], `${key}.${sub}`).toBeDefined();
      }
    }
  });
});

describe('postRendererFlags', () => {
  it.each([
    ['nothing public', {}],
    ['an Ingress', { OPENCLAW_INGRESS_ENABLED: 'true' }],
    ['an HTTPRoute', { OPENCLAW_GATEWAY_API_ENABLED: 'true' }],
  ])('opens the post-renderer to exactly the exposure the values ask for: %s', (_name, env) => {
    const exposed = loadConfig({ OPENCLAW_MANAGER_API_KEY: 'k'.repeat(32), ...env });
    const values = renderValues({ userId: 'alice', secrets: {} }, exposed);
    expect(parseArgs(postRendererFlags(exposed))).toMatchObject({ ingressEnabled: values.ingress.enabled, gatewayApiEnabled: values.gatewayApi.enabled });
  });
});
