// Pure: which kept revision a rollback with no revision named goes to.
import type { InstanceRevision } from '../runtime/instance-runtime.js';

const ROLLBACK_CAUSE = /^Rollback to (\d+)$/;

/**
 * The newest older revision that ran another image, leaving out helm's failed ones and any a rollback
 * already left (with 1 on A, 2 on B, 3 "Rollback to 1", rolling back from 3 never picks B again).
 * @param revisions newest (the current one) first, as InstanceRuntime.revisions gives them
 * @example previousImageRevision([{revision: 3, imageTag: 'b'}, {revision: 2, imageTag: 'a'}]) // revision 2
 */
export function previousImageRevision(revisions: readonly InstanceRevision[]): InstanceRevision | undefined {
  const [current, ...older] = revisions;
  if (!current) return undefined;
  let abandonedAbove = Number.POSITIVE_INFINITY;
  const leftBy = (revision: InstanceRevision): void => {
    const to = ROLLBACK_CAUSE.exec(revision.cause);
    if (to) abandonedAbove = Math.min(abandonedAbove, Number(to[1]));
  };
  leftBy(current);
  for (const revision of older) {
    const abandoned = revision.revision > abandonedAbove;
    leftBy(revision);
    if (abandoned || revision.status === 'failed') continue;
    if (revision.imageTag !== current.imageTag || revision.imageDigest !== current.imageDigest) return revision;
  }
  return undefined;
}
