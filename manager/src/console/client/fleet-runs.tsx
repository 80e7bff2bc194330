// Fleet upgrade runs the manager keeps, newest first: each with its state, tag and counts, and its
// per-instance results (open while it runs).
import type { FleetInstanceStatus, FleetUpgradeRun } from '../../contracts/fleet-run.js';
import { timeAgo } from './time-ago.js';

const STATUS_WORDS: Readonly<Record<FleetInstanceStatus, string>> = {
  pending: 'pending', upgrading: 'upgrading', soaking: 'soaking', rollingBack: 'rolling back',
  upgraded: 'upgraded', rolledBack: 'rolled back', failed: 'failed', skipped: 'skipped',
};

function countsText(run: FleetUpgradeRun): string {
  const parts = (Object.keys(STATUS_WORDS) as FleetInstanceStatus[])
    .filter((status) => run.counts[status] > 0)
    .map((status) => `${run.counts[status]} ${STATUS_WORDS[status]}`);
  return parts.length === 0 ? 'no instances' : parts.join(' · ');
}

export function FleetRuns({ runs, now }: { readonly runs: readonly FleetUpgradeRun[]; readonly now: number }) {
  if (runs.length === 0) {
    return <p class="empty">No fleet upgrade since the manager started (<code>POST /api/fleet/upgrade</code>, <code>helm openclaw upgrade-all</code>).</p>;
  }
  return (
    <div class="runs">
      {runs.map((run) => (
        <details key={run.id} class="run" data-run={run.id} data-state={run.state} open={run.state === 'running' || run === runs[0]}>
          <summary>
            <span class={`state state-${run.state}`}>{run.state}</span>
            <span class="run-tag">to <code>{run.imageTag}</code></span>
            <span class="run-counts">{countsText(run)}</span>
            <span class="run-time">started {timeAgo(run.startedAt, now)}{run.finishedAt ? `, finished ${timeAgo(run.finishedAt, now)}` : ''}</span>
          </summary>
          <table class="results">
            <thead>
              <tr><th scope="col">Instance</th><th scope="col">Result</th><th scope="col">Message</th></tr>
            </thead>
            <tbody>
              {run.results.map((result) => (
                <tr key={result.userId} data-user={result.userId} data-status={result.status}>
                  <th scope="row">{result.userId}</th>
                  <td><span class={`result result-${result.status}`}>{STATUS_WORDS[result.status]}</span></td>
                  <td class="message">{result.message}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </details>
      ))}
    </div>
  );
}
