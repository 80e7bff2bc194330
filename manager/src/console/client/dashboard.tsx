// The signed-in console: the instance list and the fleet runs, polled every 2 s (the list comes from
// the manager's watch cache, so a poll is cheap), start progress streamed, and the actions.
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import type { FleetUpgradeRun } from '../../contracts/fleet-run.js';
import { ApiError, type ConsoleApi, type InstanceView } from './console-api.js';
import { DeleteDialog } from './delete-dialog.js';
import { FleetRuns } from './fleet-runs.js';
import { InstanceList, type InstanceAction } from './instance-list.js';
import { useStartProgress } from './use-start-progress.js';

const POLL_MS = 2000;
const INFO_NOTICE_MS = 8000;

interface Notice {
  readonly kind: 'info' | 'error';
  readonly text: string;
}

export interface DashboardProps {
  readonly api: ConsoleApi;
  readonly onSignedOut: (reason: string | undefined) => void;
}

export function Dashboard({ api, onSignedOut }: DashboardProps) {
  const [instances, setInstances] = useState<readonly InstanceView[] | undefined>(undefined);
  const [runs, setRuns] = useState<readonly FleetUpgradeRun[]>([]);
  const [updatedAt, setUpdatedAt] = useState<number | undefined>(undefined);
  const [notice, setNotice] = useState<Notice | undefined>(undefined);
  const [busy, setBusy] = useState<Readonly<Record<string, string>>>({});
  const [deleting, setDeleting] = useState<string | undefined>(undefined);

  const fail = useCallback((err: unknown) => {
    if (err instanceof ApiError && err.signedOut) onSignedOut('The session ended; sign in again.');
    else setNotice({ kind: 'error', text: err instanceof ApiError ? err.message : 'The manager could not be reached.' });
  }, [onSignedOut]);

  const refresh = useCallback(async () => {
    try {
      const [list, fleet] = await Promise.all([api.instances(), api.fleetRuns()]);
      setInstances(list);
      setRuns(fleet);
      setUpdatedAt(Date.now());
    } catch (err) {
      fail(err);
    }
  }, [api, fail]);

  usePolling(refresh, POLL_MS);
  // What an action did is news for a while; errors stay until dismissed.
  useEffect(() => {
    if (notice?.kind !== 'info') return undefined;
    const timer = setTimeout(() => setNotice(undefined), INFO_NOTICE_MS);
    return () => clearTimeout(timer);
  }, [notice]);
  const progress = useStartProgress(instances ?? [], () => void refresh());

  const run = async (userId: string, doing: string, action: () => Promise<string>): Promise<void> => {
    setBusy((current) => ({ ...current, [userId]: doing }));
    try {
      setNotice({ kind: 'info', text: await action() });
    } catch (err) {
      fail(err);
    } finally {
      setBusy((current) => Object.fromEntries(Object.entries(current).filter(([id]) => id !== userId)));
      await refresh();
    }
  };

  /** Opens a tab at the click (so no pop-up blocker stops it), then points it at the page a single-use ticket opens. */
  const openInNewTab = (userId: string, doing: string, ticketUrl: () => Promise<string>, what: string): void => {
    const tab = window.open('', '_blank');
    if (!tab) {
      setNotice({ kind: 'error', text: `The browser blocked the new tab; allow pop-ups for this page to open ${what}.` });
      return;
    }
    void run(userId, doing, async () => {
      try {
        const url = await ticketUrl();
        tab.opener = null;
        tab.location.href = url;
        return `${userId}: ${what} opened in a new tab`;
      } catch (err) {
        tab.close();
        throw err;
      }
    });
  };

  const onAction = (action: InstanceAction, userId: string): void => {
    switch (action) {
      case 'start':
        void run(userId, 'starting…', async () => `${userId}: ${(await api.start(userId)).ready ? 'running' : 'starting'}`);
        break;
      case 'stop':
        void run(userId, 'stopping…', async () => {
          await api.stop(userId);
          return `${userId}: stopped`;
        });
        break;
      case 'screen':
        openInNewTab(userId, 'opening its screen…', async () => (await api.vncTicket(userId)).viewerUrl, 'its screen');
        break;
      case 'pair':
        openInNewTab(userId, 'opening WhatsApp pairing…', async () => (await api.pairTicket(userId)).pageUrl, 'its WhatsApp pairing page');
        break;
      case 'delete':
        setDeleting(userId);
        break;
    }
  };

  const confirmDelete = (keepData: boolean): void => {
    const userId = deleting;
    setDeleting(undefined);
    if (userId === undefined) return;
    void run(userId, 'deleting…', async () => {
      await api.delete(userId, keepData);
      return `${userId}: deleted${keepData ? ', its data kept' : ' with its data'}`;
    });
  };

  const signOut = async (): Promise<void> => {
    try {
      await api.signOut();
    } catch (err) {
      // Signed out already is what was asked for.
      if (!(err instanceof ApiError && err.signedOut)) return fail(err);
    }
    onSignedOut(undefined);
  };

  const now = updatedAt ?? Date.now();
  return (
    <div class="console">
      <header class="top">
        <h1>OpenClaw console</h1>
        <span class="updated" aria-live="off">
          {instances === undefined ? 'loading…' : `${instances.length} instance${instances.length === 1 ? '' : 's'} · updated ${new Date(now).toLocaleTimeString()}`}
        </span>
        <button type="button" class="sign-out" onClick={() => void signOut()}>Sign out</button>
      </header>
      {notice && (
        <p class={`notice notice-${notice.kind}`} role={notice.kind === 'error' ? 'alert' : 'status'}>
          <span>{notice.text}</span>
          <button type="button" class="dismiss" aria-label="Dismiss" onClick={() => setNotice(undefined)}>×</button>
        </p>
      )}
      <main>
        <section aria-labelledby="instances-title">
          <h2 id="instances-title">Instances</h2>
          {instances === undefined
            ? <p class="empty">Loading…</p>
            : <InstanceList instances={instances} progress={progress} busy={busy} now={now} onAction={onAction} />}
        </section>
        <section aria-labelledby="fleet-title">
          <h2 id="fleet-title">Fleet upgrades</h2>
          <FleetRuns runs={runs} now={now} />
        </section>
      </main>
      {deleting !== undefined && <DeleteDialog userId={deleting} onCancel={() => setDeleting(undefined)} onConfirm={confirmDelete} />}
    </div>
  );
}

/** Runs `tick` now and then every `everyMs` after the last one finished, skipping while the tab is hidden. */
function usePolling(tick: () => Promise<void>, everyMs: number): void {
  const latest = useRef(tick);
  latest.current = tick;
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    let stopped = false;
    const loop = async (): Promise<void> => {
      if (!document.hidden) await latest.current();
      if (!stopped) timer = setTimeout(() => void loop(), everyMs);
    };
    void loop();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [everyMs]);
}
