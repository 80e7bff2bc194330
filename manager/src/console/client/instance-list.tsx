// The instances as a table (cards on a phone): phase, readiness, image, the screen's viewers and
// last activity, the start progress as a bar while one starts, and each instance's actions.
import type { InstancePhase, StartProgress } from '../../runtime/instance-runtime.js';
import type { InstanceView } from './console-api.js';
import { timeAgo } from './time-ago.js';

export type InstanceAction = 'start' | 'stop' | 'screen' | 'pair' | 'delete';

export interface InstanceListProps {
  readonly instances: readonly InstanceView[];
  readonly progress: ReadonlyMap<string, StartProgress>;
  /** userId -> what is being done to it ("stopping"); its buttons wait meanwhile. */
  readonly busy: Readonly<Record<string, string>>;
  readonly now: number;
  readonly onAction: (action: InstanceAction, userId: string) => void;
}

const CAN: Readonly<Record<InstanceAction, (i: InstanceView) => boolean>> = {
  start: (i) => i.phase === 'Stopped' || i.phase === 'Failed',
  stop: (i) => i.phase !== 'Stopped' && i.phase !== 'Deleting',
  screen: (i) => i.ready,
  pair: (i) => i.ready,
  delete: (i) => i.phase !== 'Deleting',
};

const LABELS: Readonly<Record<InstanceAction, string>> = { start: 'Start', stop: 'Stop', screen: 'Screen', pair: 'Pair WhatsApp', delete: 'Delete' };

const showsProgress = (phase: InstancePhase): boolean => phase === 'Pending' || phase === 'Starting';

export function InstanceList({ instances, progress, busy, now, onAction }: InstanceListProps) {
  if (instances.length === 0) {
    return <p class="empty">No instances yet. Create one with <code>POST /api/instances</code>.</p>;
  }
  return (
    <table class="instances">
      <thead>
        <tr>
          <th scope="col">Instance</th>
          <th scope="col">Phase</th>
          <th scope="col">Ready</th>
          <th scope="col">Image</th>
          <th scope="col">Viewers</th>
          <th scope="col">Last activity</th>
          <th scope="col"><span class="visually-hidden">Actions</span></th>
        </tr>
      </thead>
      <tbody>
        {instances.map((instance) => (
          <InstanceRow key={instance.userId} instance={instance} progress={progress.get(instance.userId)} busy={busy[instance.userId]} now={now} onAction={onAction} />
        ))}
      </tbody>
    </table>
  );
}

interface InstanceRowProps {
  readonly instance: InstanceView;
  readonly progress: StartProgress | undefined;
  readonly busy: string | undefined;
  readonly now: number;
  readonly onAction: (action: InstanceAction, userId: string) => void;
}

function InstanceRow({ instance, progress, busy, now, onAction }: InstanceRowProps) {
  const { userId, phase } = instance;
  // While it starts, the bar's own text says what it is doing.
  const note = busy ?? (phase === 'Running' || showsProgress(phase) ? undefined : instance.message);
  return (
    <tr data-user={userId} data-phase={phase}>
      <th scope="row" class="user">{userId}</th>
      <td data-label="Phase">
        <span class={`phase phase-${phase.toLowerCase()}`}>{phase}</span>
        {showsProgress(phase) && <ProgressBar userId={userId} progress={progress} />}
        {note && <span class="note">{note}</span>}
      </td>
      <td data-label="Ready">{instance.ready ? <span class="ready yes">ready</span> : <span class="ready no">not ready</span>}</td>
      <td data-label="Image" title={instance.image}><code>{instance.imageTag}</code></td>
      <td data-label="Viewers">{instance.vnc.viewers}</td>
      <td data-label="Last activity">{timeAgo(instance.vnc.lastActivity, now, 'none yet')}</td>
      <td class="actions">
        {(Object.keys(LABELS) as InstanceAction[]).map((action) => (
          <button
            key={action}
            type="button"
            class={action === 'delete' ? 'danger' : undefined}
            aria-label={`${LABELS[action]} ${userId}`}
            disabled={busy !== undefined || !CAN[action](instance)}
            onClick={() => onAction(action, userId)}
          >
            {LABELS[action]}
          </button>
        ))}
      </td>
    </tr>
  );
}

function ProgressBar({ userId, progress }: { readonly userId: string; readonly progress: StartProgress | undefined }) {
  const value = progress?.progress ?? 0;
  return (
    <span class="progress">
      <span class="bar" role="progressbar" aria-label={`Start of ${userId}`} aria-valuemin={0} aria-valuemax={100} aria-valuenow={value}>
        <span class="fill" style={{ width: `${value}%` }} />
      </span>
      <span class="progress-text">{value}%{progress ? `: ${progress.message}` : ''}</span>
    </span>
  );
}
