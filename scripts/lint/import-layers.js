// ESLint rule `layers/imports`: keeps the import graph the shape the architecture draws.
// - Inside the manager, a file imports only from its own layer or the layers below it (LAYERS).
// - The manager, each Helm plugin and the benchmarks' support stand side by side: a plugin reaches
//   the manager only through its public entry point `openclaw-platform/core`, never a relative path,
//   and the manager never imports a plugin. The helm and local runtimes never import each other.
// - No import closes a circle (type-only imports included: a circle of types is still one).
// The graph is read once per lint run from the files' import statements.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '../..');
const SOURCE_ROOTS = ['manager/src', 'plugins/openclaw/src', 'plugins/postrender/src'];
const PUBLIC_ENTRY = 'openclaw-platform/core';

/** The manager's layers, top to bottom; each entry is a folder (ending in /) or a file. */
export const LAYERS = [
  { name: 'entry point', paths: ['manager/src/main.ts'] },
  { name: 'app', paths: ['manager/src/app.ts'] },
  { name: 'HTTP edge', paths: ['manager/src/routes/', 'manager/src/assets/', 'manager/src/middleware/', 'manager/src/openapi/', 'manager/src/viewer/', 'manager/src/console/', 'manager/src/app-state.ts'] },
  { name: 'use-cases', paths: ['manager/src/lifecycle/', 'manager/src/backups/', 'manager/src/rpc/', 'manager/src/vnc/', 'manager/src/pairing/', 'manager/src/metrics/'] },
  { name: 'runtimes', paths: ['manager/src/runtime/'] },
  { name: 'request input', paths: ['manager/src/validation/'] },
  { name: 'processes', paths: ['manager/src/process/'] },
  {
    name: 'shared core',
    paths: [
      'manager/src/core.ts', 'manager/src/gateway/', 'manager/src/whatsapp/', 'manager/src/names/', 'manager/src/contracts/',
      'manager/src/errors/', 'manager/src/activity/', 'manager/src/auth/', 'manager/src/config.ts', 'manager/src/logger.ts',
      'manager/src/duration.ts', 'manager/src/backoff.ts',
    ],
  },
];

/** Areas that never import each other. */
const SIBLINGS = [
  ['manager/src/', 'plugins/openclaw/src/', 'plugins/postrender/src/'],
  ['manager/src/runtime/helm/', 'manager/src/runtime/local/'],
];

const rel = (file) => path.relative(ROOT, file).split(path.sep).join('/');
const within = (file, prefix) => (prefix.endsWith('/') ? file.startsWith(prefix) : file === prefix);

function layerOf(file) {
  const index = LAYERS.findIndex((layer) => layer.paths.some((p) => within(file, p)));
  return index === -1 ? undefined : index;
}

/** The repository file a relative specifier names (`./x.js` is `./x.ts` in source), or undefined. */
function resolve(fromFile, specifier) {
  if (!specifier.startsWith('.')) return undefined;
  const target = path.resolve(path.dirname(fromFile), specifier);
  const candidates = [target.replace(/\.js$/, '.ts'), target];
  return candidates.find((c) => existsSync(c));
}

const IMPORT = /(?:^|\n)\s*(?:import|export)\b[^'"]*?\bfrom\s*['"]([^'"]+)['"]|\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g;

function sourceFiles(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

let graph;
/** file -> the repository files it imports, for every source file, read once. */
function importGraph() {
  if (graph) return graph;
  graph = new Map();
  for (const file of SOURCE_ROOTS.flatMap((root) => sourceFiles(path.join(ROOT, root)))) {
    const targets = new Set();
    for (const match of readFileSync(file, 'utf8').matchAll(IMPORT)) {
      const target = resolve(file, match[1] ?? match[2]);
      if (target?.endsWith('.ts')) targets.add(target);
    }
    graph.set(file, targets);
  }
  return graph;
}

/** A path of imports from `from` back to `to`, or undefined when there is none. */
function pathBetween(from, to) {
  const edges = importGraph();
  const previous = new Map([[from, undefined]]);
  const queue = [from];
  while (queue.length > 0) {
    const file = queue.shift();
    if (file === to) {
      const chain = [];
      for (let at = file; at !== undefined; at = previous.get(at)) chain.unshift(at);
      return chain;
    }
    for (const next of edges.get(file) ?? []) {
      if (!previous.has(next)) {
        previous.set(next, file);
        queue.push(next);
      }
    }
  }
  return undefined;
}

function problemOf(file, target, specifier) {
  const from = rel(file);
  if (target === undefined) {
    if (specifier.startsWith('openclaw-platform/') && specifier !== PUBLIC_ENTRY) return `only ${PUBLIC_ENTRY} is public; ${specifier} is not`;
    return undefined;
  }
  const to = rel(target);
  for (const group of SIBLINGS) {
    const a = group.find((p) => from.startsWith(p));
    const b = group.find((p) => to.startsWith(p));
    if (a && b && a !== b) {
      return a.startsWith('plugins/') && b === 'manager/src/'
        ? `${from} reaches into the manager (${to}); import ${PUBLIC_ENTRY} instead`
        : `${a} must not import ${b} (${to})`;
    }
  }
  const fromLayer = layerOf(from);
  const toLayer = layerOf(to);
  if (from.startsWith('manager/src/') && to.startsWith('manager/src/')) {
    if (fromLayer === undefined) return `${from} is in no layer: add it to LAYERS in scripts/lint/import-layers.js`;
    if (toLayer === undefined) return `${to} is in no layer: add it to LAYERS in scripts/lint/import-layers.js`;
    if (toLayer < fromLayer) return `${from} (${LAYERS[fromLayer].name}) imports upward from ${to} (${LAYERS[toLayer].name})`;
  }
  const circle = pathBetween(target, file);
  if (circle) return `closes a circle: ${[file, ...circle].map(rel).join(' -> ')}`;
  return undefined;
}

const rule = {
  meta: {
    type: 'problem',
    docs: { description: 'imports follow the layers of the architecture, plugins use the public entry point, no circles' },
    schema: [],
  },
  create(context) {
    const file = context.filename;
    const from = rel(file);
    if (!SOURCE_ROOTS.some((root) => from.startsWith(`${root}/`))) return {};
    const check = (node) => {
      const specifier = node.source?.value;
      if (typeof specifier !== 'string') return;
      const message = problemOf(file, resolve(file, specifier), specifier);
      if (message) context.report({ node: node.source, message });
    };
    return { ImportDeclaration: check, ExportNamedDeclaration: check, ExportAllDeclaration: check, ImportExpression: check };
  },
};

export default { rules: { imports: rule } };
