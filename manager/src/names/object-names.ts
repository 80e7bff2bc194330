// Names and ports of a user's objects (must agree with chart/templates/_helpers-names.tpl and the
// chart's Service ports).

export const objectName = (userId: string): string => `${userId}-openclaw`;
/** The Helm release is named like the objects it installs. */
export const releaseName = objectName;
export const dataClaimName = (userId: string): string => `${objectName(userId)}-data`;
/** The Service's gateway (WebSocket RPC) and noVNC ports. */
export const GATEWAY_PORT = 18789;
export const NOVNC_PORT = 6080;
export const USER_LABEL = 'openclaw.ai/user';
/**
 * Label selector of a user's gateway pods (every user's without `userId`), leaving out the chart's
 * `helm test` pod, which carries the user label too (component "test").
 * @example gatewayPodSelector('alice') // 'openclaw.ai/user=alice,app.kubernetes.io/component=gateway'
 */
export const gatewayPodSelector = (userId?: string): string =>
  `${userId === undefined ? USER_LABEL : `${USER_LABEL}=${userId}`},app.kubernetes.io/component=gateway`;
export const GATEWAY_TOKEN_KEY = 'OPENCLAW_GATEWAY_TOKEN';
