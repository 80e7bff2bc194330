// One operation per user at a time, inside this process. A second create/delete of a user while one
// runs is refused at once (409), never queued: the caller learns the state instead of waiting.
import { OperationInProgress } from './runtime-errors.js';

export class UserLocks {
  private readonly held = new Map<string, string>();

  /** Runs `fn` holding the user's lock; OperationInProgress when another operation holds it. */
  async run<T>(userId: string, operation: string, fn: () => Promise<T>): Promise<T> {
    const current = this.held.get(userId);
    if (current !== undefined) throw new OperationInProgress(userId, current);
    this.held.set(userId, operation);
    try {
      return await fn();
    } finally {
      this.held.delete(userId);
    }
  }

  isHeld(userId: string): boolean {
    return this.held.has(userId);
  }
}
