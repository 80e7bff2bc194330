// The import rule (scripts/lint/import-layers.js) on one-line files placed in the real tree: what it
// refuses, with its message, and that the tree's own imports pass.
import path from 'node:path';
import { Linter } from 'eslint';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';
import layers from '../../scripts/lint/import-layers.js';

const ROOT = path.resolve(import.meta.dirname, '../..');

function lint(file: string, code: string): string[] {
  const linter = new Linter({ configType: 'flat', cwd: ROOT });
  const config = [{ files: ['**/*.ts'], plugins: { layers }, languageOptions: { parser: tseslint.parser }, rules: { 'layers/imports': 'error' as const } }];
  return linter.verify(code, config, { filename: path.join(ROOT, file) }).map((m) => m.message);
}

describe('layers/imports', () => {
  it.each([
    {
      what: 'an import upward',
      file: 'manager/src/backoff.ts',
      code: "import { healthRoutes } from './routes/health.js';",
      message: 'manager/src/backoff.ts (shared core) imports upward from manager/src/routes/health.ts (HTTP edge)',
    },
    {
      what: 'a circle inside one layer',
      file: 'manager/src/gateway/gateway-errors.ts',
      code: "import { GatewayClient } from './gateway-client.js';",
      message: 'closes a circle: manager/src/gateway/gateway-errors.ts -> manager/src/gateway/gateway-client.ts -> manager/src/gateway/gateway-errors.ts',
    },
    {
      what: "a plugin reaching into the manager's files",
      file: 'plugins/openclaw/src/args.ts',
      code: "import { GatewayClient } from '../../../manager/src/gateway/gateway-client.js';",
      message: `plugins/openclaw/src/args.ts reaches into the manager (manager/src/gateway/gateway-client.ts); import openclaw-platform/core instead`,
    },
    {
      what: 'the manager importing a plugin',
      file: 'manager/src/app.ts',
      code: "import { parseArgs } from '../../plugins/openclaw/src/args.js';",
      message: 'manager/src/ must not import plugins/openclaw/src/ (plugins/openclaw/src/args.ts)',
    },
    {
      what: 'one runtime importing the other',
      file: 'manager/src/runtime/helm/helm-runtime.ts',
      code: "import { LocalRuntime } from '../local/local-runtime.js';",
      message: 'manager/src/runtime/helm/ must not import manager/src/runtime/local/ (manager/src/runtime/local/local-runtime.ts)',
    },
    {
      what: 'a path of the package that is not public',
      file: 'plugins/openclaw/src/args.ts',
      code: "import { GatewayClient } from 'openclaw-platform/gateway';",
      message: 'only openclaw-platform/core is public; openclaw-platform/gateway is not',
    },
    {
      what: 'a manager file in no layer',
      file: 'manager/src/stray.ts',
      code: "import { logger } from './logger.js';",
      message: 'manager/src/stray.ts is in no layer: add it to LAYERS in scripts/lint/import-layers.js',
    },
  ])('refuses $what', ({ file, code, message }) => {
    expect(lint(file, code)).toEqual([message]);
  });

  it.each([
    ['an import downward', 'manager/src/routes/health.ts', "import { logger } from '../logger.js';"],
    ['the public entry point from a plugin', 'plugins/openclaw/src/args.ts', "import { isValidUserId } from 'openclaw-platform/core';"],
    ['a type from the same layer', 'manager/src/rpc/instance-rpc.ts', "import type { Metrics } from '../metrics/metrics.js';"],
    ['a file outside the checked roots', 'test/unit/anything.ts', "import { GatewayClient } from '../../manager/src/gateway/gateway-client.js';"],
  ])('allows %s', (_what, file, code) => {
    expect(lint(file, code)).toEqual([]);
  });
});
