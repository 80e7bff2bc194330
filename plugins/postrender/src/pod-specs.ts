// Where a workload keeps its pod template. Pod-spec rules (security context, host access, requests)
// apply to every kind listed here.
import { asRecord, asRecords, type Manifest } from './manifest.js';

/** A pod spec found in an object, with the path it was found at (for messages). */
export interface PodSpecAt {
  readonly path: string;
  readonly spec: Record<string, unknown>;
}

/** A container of a pod spec, with the list it came from. */
export interface ContainerAt {
  readonly list: 'containers' | 'initContainers';
  readonly name: string;
  readonly container: Record<string, unknown>;
}

const TEMPLATE_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job']);

/** The pod spec of a Pod, a CronJob or a templated workload; undefined for any other kind. */
export function podSpecOf(doc: Manifest): PodSpecAt | undefined {
  const spec = asRecord(doc.spec);
  if (doc.kind === 'Pod') return { path: 'spec', spec };
  if (doc.kind === 'CronJob') {
    const jobSpec = asRecord(asRecord(spec.jobTemplate).spec);
    return { path: 'spec.jobTemplate.spec.template.spec', spec: asRecord(asRecord(jobSpec.template).spec) };
  }
  if (typeof doc.kind === 'string' && TEMPLATE_KINDS.has(doc.kind)) {
    return { path: 'spec.template.spec', spec: asRecord(asRecord(spec.template).spec) };
  }
  return undefined;
}

/**
 * The pod template's `metadata` of a templated workload or CronJob, created in place when the
 * template exists without one; undefined for other kinds or a missing template.
 */
export function podTemplateMetadataOf(doc: Manifest): Record<string, unknown> | undefined {
  const spec = doc.kind === 'CronJob' ? child(child(doc.spec, 'jobTemplate'), 'spec') : doc.spec;
  const isTemplated = doc.kind === 'CronJob' || (typeof doc.kind === 'string' && TEMPLATE_KINDS.has(doc.kind));
  const template = isTemplated ? child(spec, 'template') : undefined;
  if (!template) return undefined;
  if (!isObject(template.metadata)) template.metadata = {};
  return template.metadata as Record<string, unknown>;
}

/** Every container and initContainer of a pod spec. */
export function containersOf(spec: Record<string, unknown>): ContainerAt[] {
  const lists = ['initContainers', 'containers'] as const;
  return lists.flatMap((list) =>
    asRecords(spec[list]).map((container, i) => ({
      list,
      name: typeof container.name === 'string' ? container.name : `#${i}`,
      container,
    })),
  );
}

function child(value: unknown, key: string): Record<string, unknown> | undefined {
  if (!isObject(value)) return undefined;
  const next = value[key];
  return isObject(next) ? next : undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
