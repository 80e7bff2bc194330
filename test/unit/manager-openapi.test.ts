import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { createServices } from '../../manager/src/app.js';
import { loadConfig } from '../../manager/src/config.js';
import { createLogger } from '../../manager/src/logger.js';
import { createMetrics } from '../../manager/src/metrics/metrics.js';
import { buildOpenApiDocument } from '../../manager/src/openapi/openapi-document.js';
import { buildRouter } from '../../manager/src/routes/build-router.js';
import { API_SCHEMAS } from '../../manager/src/validation/api-schemas.js';
import { TEST_API_KEY, unusedPool } from '../support/manager-app.js';
import { MemoryRuntime } from '../support/memory-runtime.js';

type Doc = {
  openapi: string;
  paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema: { $ref: string } }> } }>>;
  components: { schemas: Record<string, unknown> };
};

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch', 'options', 'head', 'trace'];
const schemaDir = path.resolve(import.meta.dirname, '../../schemas/api');

function routerRoutes(): string[] {
  const config = loadConfig({ OPENCLAW_MANAGER_API_KEY: TEST_API_KEY });
  const metrics = createMetrics({ phases: async () => ({}), processMetrics: false });
  const router = buildRouter(createServices(config, { runtime: new MemoryRuntime(), pool: unusedPool, metrics, logger: createLogger('silent') }));
  const routes = new Set<string>();
  for (const layer of router.stack) {
    const template = String(layer.path).replace(/:([A-Za-z0-9_]+)/g, '{$1}');
    // HEAD is added automatically for every GET route; OpenAPI documents GET only.
    for (const method of layer.methods) if (method !== 'HEAD') routes.add(`${method} ${template}`);
  }
  return [...routes].sort();
}

function documentRoutes(doc: Doc): string[] {
  const routes: string[] = [];
  for (const [p, item] of Object.entries(doc.paths)) {
    for (const method of Object.keys(item)) if (HTTP_METHODS.includes(method)) routes.push(`${method.toUpperCase()} ${p}`);
  }
  return routes.sort();
}

describe('OpenAPI document', () => {
  const doc = buildOpenApiDocument() as Doc;

  it('is OpenAPI 3.1', () => {
    expect(doc.openapi).toBe('3.1.0');
  });

  it('lists exactly the routes of the router', () => {
    expect(documentRoutes(doc)).toEqual(routerRoutes());
  });

  it('embeds every schemas/api file as a request-body schema, with the chart\'s user id and image tag rules filled in', () => {
    const files = readdirSync(schemaDir).filter((f) => f.endsWith('.json')).sort();
    expect(Object.keys(API_SCHEMAS).map((n) => `${n}.json`).sort()).toEqual(files);
    const values = JSON.parse(readFileSync(path.resolve(schemaDir, '../../chart/values.schema.json'), 'utf8')) as {
      properties: { userId: { pattern: string; maxLength: number } };
      definitions: { imageTag: { pattern: string } };
    };
    const filledIn: Record<string, Record<string, object>> = {
      'create-instance.json': { userId: { pattern: values.properties.userId.pattern, maxLength: values.properties.userId.maxLength } },
      'fleet-upgrade-request.json': { imageTag: { pattern: values.definitions.imageTag.pattern } },
    };
    for (const file of files) {
      const schema = JSON.parse(readFileSync(path.join(schemaDir, file), 'utf8')) as { title: string; properties: Record<string, object> };
      for (const [property, rule] of Object.entries(filledIn[file] ?? {})) {
        expect(schema.properties[property], `${file} ${property} states its rule only in the chart`).not.toHaveProperty('pattern');
        schema.properties[property] = { ...schema.properties[property], type: 'string', ...rule };
      }
      expect(doc.components.schemas[schema.title], file).toEqual(schema);
    }
  });

  it('references body schemas that exist, and every body schema is used by a route', () => {
    const used = new Set<string>();
    for (const item of Object.values(doc.paths)) {
      for (const operation of Object.values(item)) {
        const ref = operation.requestBody?.content['application/json']?.schema.$ref;
        if (!ref) continue;
        const name = ref.replace('#/components/schemas/', '');
        expect(doc.components.schemas[name], ref).toBeDefined();
        used.add(name);
      }
    }
    expect([...used].sort()).toEqual(Object.values(API_SCHEMAS).map((s) => s.title).sort());
  });

  it('has schemas that compile as JSON Schema 2020-12', () => {
    const ajv = new Ajv2020({ strict: false });
    for (const schema of Object.values(API_SCHEMAS)) expect(() => ajv.compile(schema)).not.toThrow();
  });

  it('is what GET /openapi.json serves, and every $ref resolves', () => {
    const text = JSON.stringify(doc);
    for (const match of text.matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)) {
      expect(doc.components.schemas[match[1] ?? ''], match[1]).toBeDefined();
    }
  });
});
