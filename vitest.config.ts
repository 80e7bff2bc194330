import { defineConfig } from 'vitest/config';

// Two projects so the fast loop (`npm run test:unit`) stays fast; `npm test` runs both.
export default defineConfig({
  test: {
    reporters: ['default', './test/support/counts-reporter.ts'],
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts', 'test/chart/**/*.test.ts'],
          globalSetup: ['./test/support/setup-build.ts'],
          testTimeout: 60_000,
          // A hook may build a pinned tool on first use (ct, kube-score): minutes on a cold cache.
          hookTimeout: 300_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts', 'test/e2e/**/*.test.ts'],
          globalSetup: ['./test/support/setup-build.ts', './test/support/setup-cluster.ts', './test/support/setup-secret-scan.ts'],
          // Records every manager's logs and responses; each file, then the run, is scanned for secrets.
          setupFiles: ['./test/support/setup-secret-capture.ts'],
          testTimeout: 300_000,
          hookTimeout: 600_000,
          // One file at a time: suites share the control plane and the machine's two cores.
          poolOptions: { forks: { singleFork: true } },
        },
      },
    ],
  },
});
