// Last time anything happened on an instance through the manager, kept in memory: one tracker for
// its RPCs and one for its screen (a viewer connected, sent input or received a frame). Status shows
// the screen's; the idle stop compares the later of the two with the clock.

export interface ActivityTrackerOptions {
  /** Clock in ms (default Date.now); tests pass their own. */
  readonly now?: () => number;
}

export class ActivityTracker {
  private readonly last = new Map<string, number>();
  private readonly now: () => number;

  constructor(options: ActivityTrackerOptions = {}) {
    this.now = options.now ?? Date.now;
  }

  /** Records activity on `userId`'s instance now. Cheap enough to call per message. */
  touch(userId: string): void {
    this.last.set(userId, this.now());
  }

  /** When `userId`'s instance last saw activity, or undefined when never (since this process started). */
  lastActivity(userId: string): Date | undefined {
    const at = this.last.get(userId);
    return at === undefined ? undefined : new Date(at);
  }

  /** Milliseconds since the last activity, or undefined when never. */
  idleMs(userId: string): number | undefined {
    const at = this.last.get(userId);
    return at === undefined ? undefined : Math.max(0, this.now() - at);
  }

  /** Drops what is known about `userId` (its instance was deleted). */
  forget(userId: string): void {
    this.last.delete(userId);
  }
}
