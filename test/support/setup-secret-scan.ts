// Integration global setup: starts the run with an empty capture directory and, at the end, scans
// everything managers logged or answered for the secrets tests used. A leak fails the run.
import { describeFindings, resetCaptureDir, scanCaptureDir } from './secret-capture.js';

export default function setup(): () => void {
  resetCaptureDir();
  return () => {
    const { findings, lines, secrets } = scanCaptureDir();
    if (findings.length > 0) {
      throw new Error(`secret scan: ${findings.length} leak(s) in ${lines} captured lines:\n${describeFindings(findings)}`);
    }
    process.stdout.write(`secret scan: ${lines} captured log lines and responses, ${secrets} known secrets, no leak\n`);
  };
}
