// Images for upgrade tests on the real node, derived inside its containerd from the instance image the
// global setup imported: one whose container exits at once (a release that crashes) and the same
// image under another tag (a release that works). No build and no registry: the broken image is the
// instance image's own layers under a new config and manifest, imported with `ctr images import`
// from an OCI archive of just those two blobs (the layers are in the content store already).
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import type { ImageRef } from './setup-cluster.js';

/** What the broken image runs instead of the instance entrypoint. */
const BROKEN_ENTRYPOINT = ['/bin/sh', '-c', 'echo broken on purpose >&2; exit 1'] as const;

const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const MANIFEST_TYPES = new Set([OCI_MANIFEST, 'application/vnd.docker.distribution.manifest.v2+json']);

export interface NodeImage extends ImageRef {
  /** The manifest digest containerd keeps the image under. */
  readonly digest: string;
  /** Its config's digest: the image ID, which a container's status.imageID names (no registry, no repo digest). */
  readonly id: string;
}

export interface UpgradeImages {
  /** The instance image itself. */
  readonly current: NodeImage;
  /** Its layers with an entrypoint that fails at once. */
  readonly broken: NodeImage;
  /** The instance image under another tag: an upgrade to it changes the tag, not the content. */
  readonly next: NodeImage;
}

interface Descriptor {
  readonly mediaType: string;
  readonly digest: string;
  readonly size: number;
}

interface Manifest {
  readonly mediaType?: string;
  readonly config: Descriptor;
}

interface ImageConfig {
  readonly config?: Record<string, unknown>;
}

/**
 * The real node's containerd socket: scripts/lib/real-node.sh puts it at $STATE/node/containerd.sock,
 * beside $STATE/kubeconfig, which the global setup exported as KUBECONFIG.
 */
function containerdSocket(): string {
  const kubeconfig = process.env.KUBECONFIG;
  if (!kubeconfig) throw new Error('KUBECONFIG is not set: integration tests get it from the global setup');
  const socket = path.join(path.dirname(kubeconfig), 'node', 'containerd.sock');
  if (!existsSync(socket)) throw new Error(`the real node's containerd socket ${socket} is missing: is scripts/test-cluster up?`);
  return socket;
}

/** ctr in the namespace the kubelet's images live in; throws with its stderr on failure. */
async function ctr(args: readonly string[]): Promise<string> {
  return (await execa('ctr', ['--address', containerdSocket(), '--namespace', 'k8s.io', ...args])).stdout;
}

const refOf = (image: ImageRef): string => `${image.repository}:${image.tag}`;
const sha256 = (data: string): string => createHash('sha256').update(data).digest('hex');

async function contentJson<T>(digest: string): Promise<T> {
  return JSON.parse(await ctr(['content', 'get', digest])) as T;
}

/** The image as containerd holds it, or undefined when it has none of that name. */
async function nodeImage(image: ImageRef): Promise<NodeImage | undefined> {
  const ref = refOf(image);
  // A header line, then "REF TYPE DIGEST SIZE PLATFORMS LABELS" per image.
  const row = (await ctr(['images', 'ls', `name==${ref}`])).split('\n').slice(1).find((line) => line.split(/\s+/)[0] === ref);
  if (!row) return undefined;
  const [, mediaType = '', digest = ''] = row.split(/\s+/);
  if (!MANIFEST_TYPES.has(mediaType)) throw new Error(`${ref} is a ${mediaType}, not one image manifest`);
  const manifest = await contentJson<Manifest>(digest);
  return { repository: image.repository, tag: image.tag, digest, id: manifest.config.digest };
}

/** Writes `data` as a blob of the OCI layout in `dir`; its descriptor. */
async function putBlob(dir: string, mediaType: string, data: string): Promise<Descriptor> {
  const hex = sha256(data);
  await writeFile(path.join(dir, 'blobs', 'sha256', hex), data);
  return { mediaType, digest: `sha256:${hex}`, size: Buffer.byteLength(data) };
}

async function brokenImage(current: NodeImage): Promise<NodeImage> {
  // Keyed by what it is made of, so a new instance image or recipe gets a tag of its own.
  const tag = `broken-${sha256(`${refOf(current)}\n${current.digest}\n${JSON.stringify(BROKEN_ENTRYPOINT)}`).slice(0, 12)}`;
  const image = { repository: current.repository, tag };
  const existing = await nodeImage(image);
  if (existing) return existing;

  const manifest = await contentJson<Manifest>(current.digest);
  const config = await contentJson<ImageConfig>(manifest.config.digest);
  // No Cmd: it would be appended to the entrypoint as arguments.
  const runConfig: Record<string, unknown> = { ...config.config, Entrypoint: BROKEN_ENTRYPOINT };
  delete runConfig.Cmd;
  const dir = await mkdtemp(path.join(tmpdir(), 'openclaw-broken-image-'));
  try {
    const layout = path.join(dir, 'oci');
    await mkdir(path.join(layout, 'blobs', 'sha256'), { recursive: true });
    const newConfig = await putBlob(layout, manifest.config.mediaType, JSON.stringify({ ...config, config: runConfig }));
    // An OCI manifest may leave out its media type; Docker's always names it.
    const newManifest = await putBlob(layout, manifest.mediaType ?? OCI_MANIFEST, JSON.stringify({ ...manifest, config: newConfig }));
    const index = {
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.index.v1+json',
      manifests: [{ ...newManifest, annotations: { 'io.containerd.image.name': refOf(image), 'org.opencontainers.image.ref.name': tag } }],
    };
    await writeFile(path.join(layout, 'index.json'), JSON.stringify(index));
    await writeFile(path.join(layout, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
    const archive = path.join(dir, 'image.oci.tar');
    await execa('tar', ['-C', layout, '-cf', archive, '.']);
    await ctr(['images', 'import', archive]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  const imported = await nodeImage(image);
  if (!imported) throw new Error(`ctr images import did not yield ${refOf(image)}`);
  return imported;
}

async function retagged(current: NodeImage, prefix: string): Promise<NodeImage> {
  const image = { repository: current.repository, tag: `${prefix}-${sha256(refOf(current)).slice(0, 12)}` };
  if ((await nodeImage(image))?.digest !== current.digest) await ctr(['images', 'tag', '--force', refOf(current), refOf(image)]);
  return { ...current, ...image };
}

/**
 * Makes (or finds, from an earlier run) the broken and the retagged image beside `instance` in the
 * real node's containerd, where pods with pullPolicy Never find them.
 */
export async function prepareUpgradeImages(instance: ImageRef): Promise<UpgradeImages> {
  const current = await nodeImage(instance);
  if (!current) throw new Error(`the real node's containerd has no ${refOf(instance)}: the global setup imports it`);
  return { current, broken: await brokenImage(current), next: await retagged(current, 'next') };
}

/**
 * Removes the two extra tags. Left behind, the kubelet may report a pod of the instance image under
 * the other tag of the same image (containerd names an image by any of its refs), which other tests
 * that check a pod's status.image would see.
 */
export async function removeUpgradeImages(images: UpgradeImages): Promise<void> {
  await ctr(['images', 'rm', refOf(images.broken), refOf(images.next)]);
}
