// `helm openclaw upgrade-all` options -> the command, pure. Unlike the other commands it names no
// user; it needs the manager: the roll is the manager's fleet upgrade (POST /api/fleet/upgrade),
// which may start with canaries, waits for each instance, rolls back one that does not become ready
// and stops at the first failure. Without a manager, scripts/deploy-user.sh upgrade-all rolls with
// helm alone.
import { IMAGE_TAG_RULE, isImageTag, isValidUserId, parseDuration } from 'openclaw-platform/core';
import { UsageError } from './errors.js';
import type { CanaryRequest } from './manager-client.js';

export const DEFAULT_MAX_UNAVAILABLE = 1;
/** The manager's limits on canaries (schemas/api/fleet-upgrade-request.json). */
const MAX_CANARIES = 50;
const MAX_SOAK_SECONDS = 3600;

export interface UpgradeAllOptions {
  readonly imageTag: string;
  readonly maxUnavailable: number;
  /** Only these instances, in this order (default: all). */
  readonly userIds?: readonly string[];
  /** Per instance, in seconds (default: the manager's, 600). */
  readonly timeoutSeconds?: number;
  readonly canary?: CanaryRequest;
  /** Roll an instance that does not become ready back to its previous revision (off with --no-rollback). */
  readonly autoRollback: boolean;
}

function userIdList(raw: string, flag: string): string[] {
  const userIds = raw.split(',').map((u) => u.trim()).filter((u) => u !== '');
  const bad = userIds.find((u) => !isValidUserId(u));
  if (userIds.length === 0 || bad !== undefined) throw new UsageError(`${flag} must be user ids separated by commas${bad ? `, got "${bad}"` : ''}`, 'upgrade-all');
  return userIds;
}

function canaryOf(raw: string | undefined, rawSoak: string | undefined, targets: readonly string[] | undefined): CanaryRequest | undefined {
  if (raw === undefined) {
    if (rawSoak !== undefined) throw new UsageError('--soak only applies with --canary', 'upgrade-all');
    return undefined;
  }
  let soakSeconds: number | undefined;
  if (rawSoak !== undefined) {
    const ms = parseDuration(rawSoak, { bareUnit: 's' });
    if (ms === undefined) throw new UsageError(`--soak "${rawSoak}" is not a duration like 60s, 2m or 0`, 'upgrade-all');
    soakSeconds = Math.round(ms / 1000);
    if (soakSeconds > MAX_SOAK_SECONDS) throw new UsageError('--soak must be between 0s and 1h', 'upgrade-all');
  }
  const soak = soakSeconds === undefined ? {} : { soakSeconds };
  // A number is a count; anything else names the canaries.
  if (/^\d+$/.test(raw.trim())) {
    const count = Number(raw);
    if (count < 1 || count > MAX_CANARIES) throw new UsageError(`--canary must be a count 1-${MAX_CANARIES} or user ids separated by commas, got ${raw}`, 'upgrade-all');
    return { count, ...soak };
  }
  const userIds = userIdList(raw, '--canary');
  const twice = userIds.find((u, i) => userIds.indexOf(u) !== i);
  if (twice !== undefined) throw new UsageError(`--canary names "${twice}" twice`, 'upgrade-all');
  if (userIds.length > MAX_CANARIES) throw new UsageError(`--canary names at most ${MAX_CANARIES} users, got ${userIds.length}`, 'upgrade-all');
  const outside = targets === undefined ? undefined : userIds.find((u) => !targets.includes(u));
  if (outside !== undefined) throw new UsageError(`canary "${outside}" is not in --users; a canary must be one of the instances to upgrade`, 'upgrade-all');
  return { userIds, ...soak };
}

/**
 * @param option the value of a flag, or undefined when not given
 * @param timeoutMs --timeout already parsed (undefined: not given)
 * @param switchOn whether a switch (a flag without a value) was given
 * @example parseUpgradeAll((n) => ({ 'image-tag': 'v2' })[n], undefined, () => false) // { imageTag: 'v2', maxUnavailable: 1, autoRollback: true }
 */
export function parseUpgradeAll(option: (name: string) => string | undefined, timeoutMs: number | undefined, switchOn: (name: string) => boolean): UpgradeAllOptions {
  const imageTag = option('image-tag');
  if (imageTag === undefined) throw new UsageError('upgrade-all needs --image-tag, e.g. --image-tag 2026.9.7', 'upgrade-all');
  if (!isImageTag(imageTag)) throw new UsageError(`"${imageTag}" is not an image tag (${IMAGE_TAG_RULE})`, 'upgrade-all');
  const rawMax = option('max-unavailable') ?? String(DEFAULT_MAX_UNAVAILABLE);
  const maxUnavailable = Number(rawMax);
  if (!/^\d+$/.test(rawMax) || maxUnavailable < 1 || maxUnavailable > 50) {
    throw new UsageError(`--max-unavailable must be an integer 1-50, got ${rawMax}`, 'upgrade-all');
  }
  const rawUsers = option('users');
  const userIds = rawUsers === undefined ? undefined : userIdList(rawUsers, '--users');
  let timeoutSeconds: number | undefined;
  if (timeoutMs !== undefined) {
    timeoutSeconds = Math.round(timeoutMs / 1000);
    if (timeoutSeconds < 10 || timeoutSeconds > 3600) throw new UsageError('--timeout must be between 10s and 1h', 'upgrade-all');
  }
  const canary = canaryOf(option('canary'), option('soak'), userIds);
  return {
    imageTag,
    maxUnavailable,
    ...(userIds ? { userIds } : {}),
    ...(timeoutSeconds !== undefined ? { timeoutSeconds } : {}),
    ...(canary ? { canary } : {}),
    autoRollback: !switchOn('no-rollback'),
  };
}
