// Integration global setup: starts the run with an empty capture directory and, at the end, scans
// everything managers logged or answered for the secrets tests used. A leak fails the run; a clean
// scan writes its summary next to the capture, so the run's last line stays the counts line CI reads.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { CAPTURE_DIR, describeFindings, resetCaptureDir, scanCaptureDir } from './secret-capture.js';

export default function setup(): () => void {
  resetCaptureDir();
  return () => {
    const { findings, lines, secrets } = scanCaptureDir();
    if (findings.length > 0) {
      throw new Error(`secret scan: ${findings.length} leak(s) in ${lines} captured lines:\n${describeFindings(findings)}`);
    }
    const summary = `secret scan: ${lines} captured log lines and responses, ${secrets} known secrets, no leak\n`;
    mkdirSync(CAPTURE_DIR, { recursive: true });
    writeFileSync(path.join(CAPTURE_DIR, 'summary.txt'), summary);
  };
}
