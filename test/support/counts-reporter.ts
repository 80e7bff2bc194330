import type { Reporter } from 'vitest/reporters';
import type { RunnerTask, RunnerTestFile } from 'vitest';

/** Prints the one closing line CI reads: `N passed, N failed[, N skipped]`. */
export default class CountsReporter implements Reporter {
  onFinished(files: RunnerTestFile[] = [], errors: unknown[] = []): void {
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    const visit = (task: RunnerTask): void => {
      if (task.type === 'suite') {
        // A file or suite that failed before its tests ran (import error, hook error) counts once.
        if (task.result?.state === 'fail' && task.tasks.every((t) => !t.result || t.result.state !== 'fail')) failed += 1;
        task.tasks.forEach(visit);
        return;
      }
      const state = task.result?.state;
      if (state === 'pass') passed += 1;
      else if (state === 'fail') failed += 1;
      else skipped += 1;
    };
    files.forEach(visit);
    failed += errors.length;
    const tail = skipped > 0 ? `, ${skipped} skipped` : '';
    process.stdout.write(`\n${passed} passed, ${failed} failed${tail}\n`);
  }
}
