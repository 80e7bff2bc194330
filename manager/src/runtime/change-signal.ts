// A wake-up for loops that follow changing state (progress streams): notify() after a change; next()
// resolves at the next change, at once if one happened since the last next(), after `timeoutMs` at
// the latest, or when `signal` aborts. Changes are coalesced: many notifies are one wake-up.

export class ChangeSignal {
  private pending = false;
  private waiter: (() => void) | undefined;

  notify(): void {
    this.pending = true;
    this.waiter?.();
  }

  next(signal: AbortSignal, timeoutMs: number): Promise<void> {
    if (this.pending || signal.aborted) {
      this.pending = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        this.waiter = undefined;
        this.pending = false;
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      signal.addEventListener('abort', done, { once: true });
      this.waiter = done;
    });
  }
}
