// Pure: a release's revisions as the API shows them, from `helm history -o json` and, per revision,
// the image part of `helm get values --all -o json`. Only the image is kept of the values: they also
// hold the user's secrets.
import type { InstanceRevision } from '../instance-runtime.js';

/** One row of `helm history -o json`. */
export interface HistoryEntry {
  readonly revision: number;
  readonly updated: string;
  readonly status: string;
  readonly appVersion: string;
  readonly description: string;
}

export interface RevisionImage {
  readonly imageTag: string;
  readonly imageDigest: string | null;
}

/** `helm history -o json`: [{revision, updated, status, chart, app_version, description}], oldest first. */
export function parseHistory(json: string): HistoryEntry[] {
  const rows = JSON.parse(json === '' ? '[]' : json) as Record<string, unknown>[];
  return rows.map((row) => ({
    revision: Number(row.revision ?? 0),
    updated: String(row.updated ?? ''),
    status: String(row.status ?? ''),
    appVersion: String(row.app_version ?? ''),
    description: String(row.description ?? ''),
  }));
}

/** The image of a revision from its values; an empty tag is the chart's appVersion, as the chart renders it. */
export function revisionImage(valuesJson: string, appVersion: string): RevisionImage {
  const values = JSON.parse(valuesJson === '' ? '{}' : valuesJson) as { image?: { tag?: unknown; digest?: unknown } } | null;
  const tag = typeof values?.image?.tag === 'string' ? values.image.tag : '';
  const digest = typeof values?.image?.digest === 'string' && values.image.digest !== '' ? values.image.digest : null;
  return { imageTag: tag === '' ? appVersion : tag, imageDigest: digest };
}

/** Newest first. */
export function toRevisions(entries: readonly HistoryEntry[], images: ReadonlyMap<number, RevisionImage>): InstanceRevision[] {
  return [...entries].sort((a, b) => b.revision - a.revision).map((entry) => {
    const image = images.get(entry.revision) ?? { imageTag: entry.appVersion, imageDigest: null };
    return {
      revision: entry.revision,
      ...image,
      at: isoOr(entry.updated),
      status: entry.status,
      cause: entry.description,
    };
  });
}

function isoOr(time: string): string {
  const parsed = new Date(time);
  return Number.isNaN(parsed.getTime()) ? time : parsed.toISOString();
}
