// `npm run lint` (eslint with the import-layer rule, then tsc) is part of npm test: a lint error or a
// type error fails the suite like any other test.
import { execa } from 'execa';
import { expect, it } from 'vitest';

it('npm run lint passes', async () => {
  const run = await execa('npm', ['run', '--silent', 'lint'], { cwd: new URL('../..', import.meta.url), all: true, reject: false });
  expect(run.exitCode, run.all).toBe(0);
}, 180_000);
