// Follows the start of every instance that is starting: one progress stream (server-sent events)
// each, opened when the list shows it Pending or Starting and closed on its ready or failed event,
// since the browser would otherwise reconnect to a stream the manager ended on purpose.
import { useEffect, useRef, useState } from 'preact/hooks';
import type { StartProgress } from '../../runtime/instance-runtime.js';
import { progressUrl, type InstanceView } from './console-api.js';

const isStarting = (instance: InstanceView): boolean => !instance.ready && (instance.phase === 'Pending' || instance.phase === 'Starting');

/** The latest progress event of each instance followed; `onFinished` runs when one is ready or failed. */
export function useStartProgress(instances: readonly InstanceView[], onFinished: () => void): ReadonlyMap<string, StartProgress> {
  const [progress, setProgress] = useState<ReadonlyMap<string, StartProgress>>(new Map());
  const streams = useRef(new Map<string, EventSource>());
  const finished = useRef(onFinished);
  finished.current = onFinished;
  const starting = instances.filter(isStarting).map((i) => i.userId).sort().join(' ');

  useEffect(() => {
    const wanted = new Set(starting === '' ? [] : starting.split(' '));
    const forget = (userId: string): void => {
      streams.current.get(userId)?.close();
      streams.current.delete(userId);
    };
    for (const userId of [...streams.current.keys()]) if (!wanted.has(userId)) forget(userId);
    for (const userId of wanted) {
      if (streams.current.has(userId)) continue;
      // A new start begins at 0, not where the last one ended.
      setProgress((previous) => without(previous, userId));
      const source = new EventSource(progressUrl(userId));
      source.onmessage = (message: MessageEvent<string>) => {
        const event = JSON.parse(message.data) as StartProgress;
        setProgress((previous) => new Map(previous).set(userId, event));
        if (event.ready || event.failed) {
          forget(userId);
          finished.current();
        }
      };
      streams.current.set(userId, source);
    }
  }, [starting]);

  useEffect(() => () => {
    for (const source of streams.current.values()) source.close();
    streams.current.clear();
  }, []);

  return progress;
}

function without<V>(map: ReadonlyMap<string, V>, key: string): ReadonlyMap<string, V> {
  if (!map.has(key)) return map;
  const copy = new Map(map);
  copy.delete(key);
  return copy;
}
