// Pure: the chart values for one instance (keys per chart/values.yaml; the chart's schema rejects
// anything else), and the post-renderer flags that let those values through. Everything not set here
// keeps the chart's default.
import type { ManagerConfig } from '../../config.js';
import type { InstanceSpec } from '../instance-runtime.js';

export interface InstanceValues {
  userId: string;
  image: { repository: string; tag: string };
  secrets: Record<string, string>;
  ingress: { enabled: boolean; domainBase: string };
  gatewayApi: { enabled: boolean };
  /** restoreFrom: the VolumeSnapshot the new data claim is made from (create from a backup). */
  persistence: { keep: true; restoreFrom?: string };
  gatewayToken?: string;
}

export type ValuesConfig = Pick<ManagerConfig, 'imageRepository' | 'imageTag' | 'ingressEnabled' | 'gatewayApiEnabled' | 'domainBase'>;

/**
 * @param gatewayToken a fixed gateway token; omitted, the chart generates one and keeps it.
 * @example renderValues({userId:'alice', secrets:{}}, config) -> {userId:'alice', image:{...}, ...}
 */
export function renderValues(spec: InstanceSpec, config: ValuesConfig, gatewayToken?: string): InstanceValues {
  return {
    userId: spec.userId,
    image: { repository: config.imageRepository, tag: config.imageTag },
    secrets: { ...spec.secrets },
    ingress: { enabled: config.ingressEnabled, domainBase: config.domainBase },
    gatewayApi: { enabled: config.gatewayApiEnabled },
    persistence: spec.fromBackup === undefined ? { keep: true } : { keep: true, restoreFrom: spec.fromBackup.location },
    ...(gatewayToken !== undefined ? { gatewayToken } : {}),
  };
}

/**
 * The post-renderer's opt-ins matching the exposure renderValues asks of the chart: without them it
 * refuses the Ingress or HTTPRoute objects those values render.
 * @example postRendererFlags({ ingressEnabled: true, gatewayApiEnabled: false }) // ['--ingress-enabled=true', '--gateway-api-enabled=false']
 */
export function postRendererFlags(config: Pick<ManagerConfig, 'ingressEnabled' | 'gatewayApiEnabled'>): string[] {
  return [`--ingress-enabled=${config.ingressEnabled}`, `--gateway-api-enabled=${config.gatewayApiEnabled}`];
}
