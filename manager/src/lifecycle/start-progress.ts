// Pure: turns a runtime's stream of observations into the events a client sees. Progress never
// goes back (a replaced pod or a missed Event does not make the bar jump down), an event is sent
// only when the number grows, 100 means ready and nothing else does, and ready or failed ends it.
import type { StartProgress } from '../runtime/instance-runtime.js';

export type ProgressEvent = StartProgress;

export class ProgressEmitter {
  private last: number | undefined;
  private done = false;

  /** True once a ready or failed event was given: the stream ends. */
  get finished(): boolean {
    return this.done;
  }

  /** The event to send for `observed`, or undefined when it says nothing new. */
  next(observed: StartProgress): ProgressEvent | undefined {
    if (this.done) return undefined;
    if (observed.ready) {
      this.done = true;
      return { progress: 100, message: observed.message, ready: true, failed: false };
    }
    const progress = Math.min(99, Math.max(this.last ?? 0, Math.round(observed.progress)));
    if (observed.failed) return this.fail(observed.message, progress);
    if (this.last !== undefined && progress <= this.last) return undefined;
    this.last = progress;
    return { progress, message: observed.message, ready: false, failed: false };
  }

  /** The final event when following stops on an error (e.g. the instance was deleted meanwhile). */
  fail(message: string, progress = this.last ?? 0): ProgressEvent {
    this.done = true;
    return { progress, message, ready: false, failed: true };
  }
}
