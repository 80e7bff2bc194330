// `helm openclaw upgrade-all` options -> the command, pure. Unlike the other commands it names no
// user and needs the manager: the roll is the manager's fleet upgrade (POST /api/fleet/upgrade),
// which waits for each instance and stops at the first failure. Without a manager,
// scripts/deploy-user.sh upgrade-all does the same with helm alone.
import { IMAGE_TAG_RULE, isImageTag, isValidUserId } from 'openclaw-platform/core';
import { UsageError } from './errors.js';

export const DEFAULT_MAX_UNAVAILABLE = 1;

export interface UpgradeAllOptions {
  readonly imageTag: string;
  readonly maxUnavailable: number;
  /** Only these instances, in this order (default: all). */
  readonly userIds?: readonly string[];
  /** Per instance, in seconds (default: the manager's, 600). */
  readonly timeoutSeconds?: number;
}

/**
 * @param option the value of a flag, or undefined when not given
 * @param timeoutMs --timeout already parsed (undefined: not given)
 * @example parseUpgradeAll((n) => ({ 'image-tag': 'v2' })[n], undefined) // { imageTag: 'v2', maxUnavailable: 1 }
 */
export function parseUpgradeAll(option: (name: string) => string | undefined, timeoutMs: number | undefined): UpgradeAllOptions {
  const imageTag = option('image-tag');
  if (imageTag === undefined) throw new UsageError('upgrade-all needs --image-tag, e.g. --image-tag 2026.9.7', 'upgrade-all');
  if (!isImageTag(imageTag)) throw new UsageError(`"${imageTag}" is not an image tag (${IMAGE_TAG_RULE})`, 'upgrade-all');
  const rawMax = option('max-unavailable') ?? String(DEFAULT_MAX_UNAVAILABLE);
  const maxUnavailable = Number(rawMax);
  if (!/^\d+$/.test(rawMax) || maxUnavailable < 1 || maxUnavailable > 50) {
    throw new UsageError(`--max-unavailable must be an integer 1-50, got ${rawMax}`, 'upgrade-all');
  }
  const rawUsers = option('users');
  let userIds: string[] | undefined;
  if (rawUsers !== undefined) {
    userIds = rawUsers.split(',').map((u) => u.trim()).filter((u) => u !== '');
    const bad = userIds.find((u) => !isValidUserId(u));
    if (userIds.length === 0 || bad !== undefined) throw new UsageError(`--users must be user ids separated by commas${bad ? `, got "${bad}"` : ''}`, 'upgrade-all');
  }
  let timeoutSeconds: number | undefined;
  if (timeoutMs !== undefined) {
    timeoutSeconds = Math.round(timeoutMs / 1000);
    if (timeoutSeconds < 10 || timeoutSeconds > 3600) throw new UsageError('--timeout must be between 10s and 1h', 'upgrade-all');
  }
  return { imageTag, maxUnavailable, ...(userIds ? { userIds } : {}), ...(timeoutSeconds !== undefined ? { timeoutSeconds } : {}) };
}

/** upgrade-all is manager-only; the message says what to set, or what to use without a manager. */
export function requireManager(managerUrl: string | undefined): void {
  if (managerUrl === undefined) {
    throw new UsageError(
      'upgrade-all goes through the manager: pass --manager-url (or set OPENCLAW_MANAGER_URL) and OPENCLAW_MANAGER_API_KEY; without a manager use scripts/deploy-user.sh upgrade-all <imageTag> [maxUnavailable]',
      'upgrade-all',
    );
  }
}
