// The environment a manager or an instance started by a test gets: this machine's, without what
// vitest adds to its workers. OpenClaw notices VITEST and behaves like its own test suite (no console
// log, locks off), which an instance in production never does.
const VITEST_ADDED = ['TEST', 'VITEST', 'VITEST_MODE', 'VITEST_WORKER_ID', 'VITEST_POOL_ID', 'NODE_ENV', 'MODE', 'PROD', 'DEV', 'BASE_URL', 'SSR'];

export function machineEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value !== undefined && !VITEST_ADDED.includes(key)) env[key] = value;
  }
  return env;
}
