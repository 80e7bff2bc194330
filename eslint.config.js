import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import layers from './scripts/lint/import-layers.js';

export default tseslint.config(
  { ignores: ['node_modules/', '**/dist/', 'coverage/', '.test-output/'] },
  js.configs.recommended,
  ...tseslint.configs.strict,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly', URL: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly' } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  // The import graph's shape (scripts/lint/import-layers.js).
  { files: ['manager/src/**/*.ts', 'plugins/*/src/**/*.ts'], plugins: { layers }, rules: { 'layers/imports': 'error' } },
  // Runs inside the instance image, on Node 24, whose WebSocket is built in.
  { files: ['chart/files/**/*.mjs'], languageOptions: { globals: { WebSocket: 'readonly' } } },
);
