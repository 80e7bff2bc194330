// Pure: turns a runtime's stream of observations into the events a client sees. Progress never
// goes back (a replaced pod or a missed Event does not make the bar jump down), an event is sent
// when the number grows or the stage's message changes, and again at least every `heartbeatMs` while
// nothing changes, so a slow start never looks like a stuck stream; 100 means ready and nothing else
// does, and ready or failed ends it.
import type { StartProgress } from '../runtime/instance-runtime.js';

export type ProgressEvent = StartProgress;

/** How often an unchanged start is reported again: well inside the 5 s a client may wait. */
export const PROGRESS_HEARTBEAT_MS = 2_000;

export class ProgressEmitter {
  private last: number | undefined;
  private lastMessage: string | undefined;
  private lastSentAt = 0;
  private done = false;

  constructor(
    private readonly heartbeatMs = PROGRESS_HEARTBEAT_MS,
    private readonly now: () => number = Date.now,
  ) {}

  /** True once a ready or failed event was given: the stream ends. */
  get finished(): boolean {
    return this.done;
  }

  /** The event to send for `observed`, or undefined when it says nothing new and a heartbeat is not due. */
  next(observed: StartProgress): ProgressEvent | undefined {
    if (this.done) return undefined;
    if (observed.ready) {
      this.done = true;
      return { progress: 100, message: observed.message, ready: true, failed: false };
    }
    const progress = Math.min(99, Math.max(this.last ?? 0, Math.round(observed.progress)));
    if (observed.failed) return this.fail(observed.message, progress);
    const now = this.now();
    const unchanged = this.last !== undefined && progress <= this.last && observed.message === this.lastMessage;
    if (unchanged && now - this.lastSentAt < this.heartbeatMs) return undefined;
    this.last = progress;
    this.lastMessage = observed.message;
    this.lastSentAt = now;
    return { progress, message: observed.message, ready: false, failed: false };
  }

  /** The final event when following stops on an error (e.g. the instance was deleted meanwhile). */
  fail(message: string, progress = this.last ?? 0): ProgressEvent {
    this.done = true;
    return { progress, message, ready: false, failed: true };
  }
}
