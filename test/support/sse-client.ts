// Reads a server-sent event stream from the manager (GET .../progress): every `data:` event parsed
// as JSON, every comment line kept, until the server ends the stream or the caller stops it.
import { request } from 'node:http';

export interface SseEvents<T> {
  readonly status: number;
  readonly contentType: string | undefined;
  readonly events: T[];
  /** When each event arrived (Date.now()), index for index with `events`. */
  readonly receivedAt: number[];
  readonly comments: string[];
  /** Resolves when the server ended the stream (or the connection broke). */
  readonly ended: Promise<void>;
  /** Resolves once an event satisfies `predicate` (checked on every event, those already in included). */
  until(predicate: (event: T) => boolean): Promise<T>;
  /** Hangs up. */
  close(): void;
}

/** Opens the stream; resolves once the response headers arrived. */
export function openSse<T = unknown>(url: string, apiKey: string): Promise<SseEvents<T>> {
  return new Promise((resolve, reject) => {
    const events: T[] = [];
    const receivedAt: number[] = [];
    const comments: string[] = [];
    const waiters: { predicate: (e: T) => boolean; resolve: (e: T) => void }[] = [];
    const req = request(url, { headers: { Authorization: `Bearer ${apiKey}`, Accept: 'text/event-stream' } }, (res) => {
      let buffer = '';
      const ended = new Promise<void>((done) => {
        res.on('end', done);
        res.on('close', done);
        res.on('error', () => done());
      });
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffer += chunk;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          if (block.startsWith(':')) {
            comments.push(block);
            continue;
          }
          const data = block.split('\n').filter((l) => l.startsWith('data: ')).map((l) => l.slice(6)).join('\n');
          if (data === '') continue;
          const event = JSON.parse(data) as T;
          events.push(event);
          receivedAt.push(Date.now());
          for (const waiter of [...waiters]) {
            if (!waiter.predicate(event)) continue;
            waiters.splice(waiters.indexOf(waiter), 1);
            waiter.resolve(event);
          }
        }
      });
      resolve({
        status: res.statusCode ?? 0,
        contentType: res.headers['content-type'],
        events,
        receivedAt,
        comments,
        ended,
        until: (predicate) => {
          const seen = events.find(predicate);
          if (seen !== undefined) return Promise.resolve(seen);
          return new Promise((found) => waiters.push({ predicate, resolve: found }));
        },
        close: () => req.destroy(),
      });
    });
    req.on('error', reject);
    req.end();
  });
}
