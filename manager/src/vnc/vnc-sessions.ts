// The VNC viewers of each instance, connecting or connected. A slot is taken before the upstream
// connect so that concurrent connects cannot overshoot the per-instance limit.
import type { VncPipe, VncPipeStats } from './vnc-proxy.js';

export interface VncSession {
  readonly userId: string;
  readonly since: Date;
  /** Set once both sides are connected. */
  pipe: VncPipe | undefined;
  /** Frees the slot; calling it again does nothing. */
  release(): void;
}

export interface VncSessionInfo {
  readonly userId: string;
  readonly since: Date;
  readonly stats: VncPipeStats | undefined;
}

export class VncSessions {
  private readonly byUser = new Map<string, Set<VncSession>>();

  /** Takes one of `limit` slots for `userId`, or returns undefined when all are taken. */
  tryAcquire(userId: string, limit: number): VncSession | undefined {
    const sessions = this.byUser.get(userId) ?? new Set<VncSession>();
    if (sessions.size >= limit) return undefined;
    let released = false;
    const session: VncSession = {
      userId,
      since: new Date(),
      pipe: undefined,
      release: () => {
        if (released) return;
        released = true;
        sessions.delete(session);
        if (sessions.size === 0) this.byUser.delete(userId);
      },
    };
    sessions.add(session);
    this.byUser.set(userId, sessions);
    return session;
  }

  /** Viewers of `userId`'s instance, connecting or connected. */
  count(userId: string): number {
    return this.byUser.get(userId)?.size ?? 0;
  }

  /** Every session with its pipe's counters (for status and tests). */
  list(userId?: string): VncSessionInfo[] {
    const users = userId === undefined ? [...this.byUser.keys()] : [userId];
    return users.flatMap((user) =>
      [...(this.byUser.get(user) ?? [])].map((s) => ({ userId: s.userId, since: s.since, stats: s.pipe?.stats() })),
    );
  }
}
