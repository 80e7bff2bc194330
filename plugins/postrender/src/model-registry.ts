// apiVersion + kind -> the kubernetes-models class that validates it. Built-in APIs come from
// `kubernetes-models` (every group it exports); GKE's ManagedCertificate from @kubernetes-models/gke,
// of which only networking.gke.io/v1 is imported to keep the bundle small.
import * as builtIn from 'kubernetes-models';
import * as gkeNetworkingV1 from '@kubernetes-models/gke/networking.gke.io/v1';

/** A generated model class: `new Model(data).validate()` throws on a schema error. */
export interface ModelClass {
  readonly apiVersion: string;
  readonly kind: string;
  new (data: object): { validate(): void };
}

const EXTRA_VERSIONS: Readonly<Record<string, object>> = {
  'networking.gke.io/v1': gkeNetworkingV1,
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
