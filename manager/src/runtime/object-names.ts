// Names of a user's objects (must agree with chart/templates/_helpers-names.tpl).

export const releaseName = (userId: string): string => `${userId}-openclaw`;
export const objectName = (userId: string): string => `${userId}-openclaw`;
export const dataClaimName = (userId: string): string => `${userId}-openclaw-data`;
export const USER_LABEL = 'openclaw.ai/user';
export const GATEWAY_TOKEN_KEY = 'OPENCLAW_GATEWAY_TOKEN';
