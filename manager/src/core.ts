// The shared core's public entry point (package.json "exports": openclaw-platform/core): what the
// Helm plugins use of the gateway client, the WhatsApp logic, the error types and the names. They
// import this, never the files behind it.
export { parseDuration } from './duration.js';
export { HttpError } from './errors/http-error.js';
export { GatewayClient } from './gateway/gateway-client.js';
export { GatewayError, GatewayUnavailable } from './gateway/gateway-errors.js';
export type { BackupRecord, BackupState } from './contracts/backup.js';
export type { FleetInstanceStatus, FleetUpgradeRun } from './contracts/fleet-run.js';
export { GATEWAY_PORT, GATEWAY_TOKEN_KEY, gatewayPodSelector, NOVNC_PORT, objectName, USER_LABEL } from './names/object-names.js';
export { BACKUP_ID_RULE, isBackupId } from './names/backup-id.js';
export { isGatewayMethodName } from './names/gateway-method.js';
export { IMAGE_TAG_RULE, isImageTag } from './names/image-tag.js';
export { isValidUserId, USER_ID_RULE } from './names/user-id.js';
export { WhatsAppAlreadyLinked, WhatsAppLoginFailed } from './whatsapp/whatsapp-errors.js';
export { MAX_WAIT_TIMEOUT_MS, MIN_WAIT_TIMEOUT_MS } from './whatsapp/whatsapp-login.js';
export type { LoginStartOptions, LoginWaitOptions, QrIssued, WaitOutcome } from './whatsapp/whatsapp-login.js';
export { WhatsAppPairing } from './whatsapp/whatsapp-pairing.js';
export { describeWhatsAppStatus } from './whatsapp/whatsapp-status.js';
export type { WhatsAppStatus } from './whatsapp/whatsapp-status.js';
