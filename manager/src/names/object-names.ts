// Names and ports of a user's objects (must agree with chart/templates/_helpers-names.tpl and the
// chart's Service ports).

export const objectName = (userId: string): string => `${userId}-openclaw`;
/** The Helm release is named like the objects it installs. */
export const releaseName = objectName;
export const dataClaimName = (userId: string): string => `${objectName(userId)}-data`;
/** The ConfigMap of a user's backup records: the manager's own, not Helm's, so it outlives the release. */
export const backupRecordsName = (userId: string): string => `${objectName(userId)}-backups`;
/**
 * The VolumeSnapshot of one backup (`id`: 12 hex digits) of the user's data claim.
 * @example backupSnapshotName('alice', '0123456789ab') // 'alice-openclaw-backup-0123456789ab'
 */
export const backupSnapshotName = (userId: string, id: string): string => `${objectName(userId)}-backup-${id}`;
/** The Service's gateway (WebSocket RPC) and noVNC ports. */
export const GATEWAY_PORT = 18789;
export const NOVNC_PORT = 6080;
export const USER_LABEL = 'openclaw.ai/user';
/** On a backup's VolumeSnapshot: the backup's id. */
export const BACKUP_LABEL = 'openclaw.ai/backup';
/** On a transfer pod and its claim (runtime/helm/volume-transfer.ts): whose backup moves. */
export const TRANSFER_LABEL = 'openclaw.ai/transfer-of';
/**
 * The pod and claim of one transfer of a user's backup in or out of the cluster.
 * @example transferName('alice', '0a1b2c3d') // 'alice-openclaw-transfer-0a1b2c3d'
 */
export const transferName = (userId: string, nonce: string): string => `${objectName(userId)}-transfer-${nonce}`;
/** Labels of a user's backup records and copies (a copy adds BACKUP_LABEL). */
export const backupLabels = (userId: string): Record<string, string> => ({
  [USER_LABEL]: userId,
  'app.kubernetes.io/component': 'backups',
  'app.kubernetes.io/managed-by': 'openclaw-manager',
});
/** Label selector of every user's backup records and copies. */
export const BACKUPS_SELECTOR = `${USER_LABEL},app.kubernetes.io/component=backups,app.kubernetes.io/managed-by=openclaw-manager`;
/**
 * Label selector of a user's gateway pods (every user's without `userId`), leaving out the chart's
 * `helm test` pod, which carries the user label too (component "test").
 * @example gatewayPodSelector('alice') // 'openclaw.ai/user=alice,app.kubernetes.io/component=gateway'
 */
export const gatewayPodSelector = (userId?: string): string =>
  `${userId === undefined ? USER_LABEL : `${USER_LABEL}=${userId}`},app.kubernetes.io/component=gateway`;
export const GATEWAY_TOKEN_KEY = 'OPENCLAW_GATEWAY_TOKEN';
