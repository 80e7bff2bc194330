// apiVersion + kind -> the kubernetes-models class that validates it. Built-in APIs come from
// `kubernetes-models` (every group it exports). Beyond those, only what the chart renders when the
// gateway is public, one import each to keep the bundle small: GKE's kinds from @kubernetes-models/gke
// (the networking.gke.io/v1 version whole) and HTTPRoute from @kubernetes-models/gateway-api.
import * as builtIn from 'kubernetes-models';
import { BackendConfig } from '@kubernetes-models/gke/cloud.google.com/v1/BackendConfig';
import * as gkeNetworkingV1 from '@kubernetes-models/gke/networking.gke.io/v1';
import { FrontendConfig } from '@kubernetes-models/gke/networking.gke.io/v1beta1/FrontendConfig';
import { HTTPRoute } from '@kubernetes-models/gateway-api/gateway.networking.k8s.io/v1/HTTPRoute';

/** A generated model class: `new Model(data).validate()` throws on a schema error. */
export interface ModelClass {
  readonly apiVersion: string;
  readonly kind: string;
  new (data: object): { validate(): void };
}

const EXTRA_VERSIONS: Readonly<Record<string, object>> = {
  'networking.gke.io/v1': gkeNetworkingV1,
  'networking.gke.io/v1beta1': { FrontendConfig },
  'cloud.google.com/v1': { BackendConfig },
  'gateway.networking.k8s.io/v1': { HTTPRoute },
};

/** The model class for `apiVersion`/`kind`, or undefined when no package knows that kind. */
export function resolveModel(apiVersion: string, kind: string): ModelClass | undefined {
  const version = EXTRA_VERSIONS[apiVersion] ?? builtInVersion(apiVersion);
  const candidate = version ? own(version, kind) : undefined;
  return isModelClass(candidate) && candidate.apiVersion === apiVersion && candidate.kind === kind ? candidate : undefined;
}

// `apps/v1` -> builtIn.apps.v1; `networking.k8s.io/v1` -> builtIn.networkingK8sIo.v1; core `v1` -> builtIn.v1.
function builtInVersion(apiVersion: string): object | undefined {
  const slash = apiVersion.indexOf('/');
  if (slash === -1) return asObject(own(builtIn, apiVersion));
  const group = apiVersion.slice(0, slash);
  const exportName = group
    .split('.')
    .map((part, i) => (i === 0 ? part : part.charAt(0).toUpperCase() + part.slice(1)))
    .join('');
  const groupModule = asObject(own(builtIn, exportName));
  return groupModule ? asObject(own(groupModule, apiVersion.slice(slash + 1))) : undefined;
}

function own(object: object, key: string): unknown {
  return Object.hasOwn(object, key) ? (object as Record<string, unknown>)[key] : undefined;
}

function asObject(value: unknown): object | undefined {
  return value !== null && typeof value === 'object' ? value : undefined;
}

function isModelClass(value: unknown): value is ModelClass {
  return (
    typeof value === 'function' &&
    typeof (value as { apiVersion?: unknown }).apiVersion === 'string' &&
    typeof (value as { kind?: unknown }).kind === 'string' &&
    typeof (value as { prototype?: { validate?: unknown } }).prototype?.validate === 'function'
  );
}
