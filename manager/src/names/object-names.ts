// Names of a user's objects (must agree with chart/templates/_helpers-names.tpl).

export const releaseName = (userId: string): string => `${userId}-openclaw`;
export const objectName = (userId: string): string => `${userId}-openclaw`;
export const dataClaimName = (userId: string): string => `${userId}-openclaw-data`;
export const USER_LABEL = 'openclaw.ai/user';
/**
 * Label selector of a user's gateway pods (every user's without `userId`), leaving out the chart's
 * `helm test` pod, which carries the user label too (component "test").
 * @example gatewayPodSelector('alice') // 'openclaw.ai/user=alice,app.kubernetes.io/component=gateway'
 */
export const gatewayPodSelector = (userId?: string): string =>
  `${userId === undefined ? USER_LABEL : `${USER_LABEL}=${userId}`},app.kubernetes.io/component=gateway`;
export const GATEWAY_TOKEN_KEY = 'OPENCLAW_GATEWAY_TOKEN';
