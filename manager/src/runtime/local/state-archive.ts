// The portable form of a user's data: a tar.gz of the OpenClaw state directory's contents
// (openclaw.json at its root), the same whichever runtime wrote it. Read and written with the
// system's tar; an archive from outside is checked before it is used: regular files, directories
// and symlinks only (those that point out of it are left out), and an openclaw.json at the top.
import { lstat, readdir, readlink, realpath, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { streamCommand } from '../../process/spawn.js';
import { ByteLimit } from '../archive-limit.js';
import { InvalidArchive } from '../runtime-errors.js';

/** The directory's contents as a tar.gz stream, owners as numbers (they mean nothing elsewhere). */
export function packDirectory(dir: string, env: Readonly<Record<string, string>>): NodeJS.ReadableStream {
  const tar = streamCommand('tar', ['--create', '--gzip', '--numeric-owner', '--directory', dir, '.'], { env });
  // tar reports a failure only at exit; the stream then ends short and the client's gunzip says so.
  tar.done.catch(() => undefined);
  return tar.stdout;
}

/**
 * Unpacks `archive` into the empty directory `dir`, reading at most `maxBytes` of it, and checks
 * what came out. InvalidArchive says what is wrong; the caller removes `dir` then.
 */
export async function unpackArchive(archive: NodeJS.ReadableStream, dir: string, maxBytes: number, env: Readonly<Record<string, string>>): Promise<void> {
  const limit = new ByteLimit(maxBytes);
  archive.pipe(limit);
  const tar = streamCommand('tar', ['--extract', '--gzip', '--no-same-owner', '--no-same-permissions', '--no-overwrite-dir', '--directory', dir, '--file', '-'], { env, stdin: limit });
  tar.stdout.resume();
  const exceeded = new Promise<never>((_, reject) => limit.once('error', (err) => {
    tar.kill();
    reject(err);
  }));
  const { exitCode, stderr } = await Promise.race([tar.done, exceeded]);
  if (exitCode !== 0) throw new InvalidArchive(`tar could not read it: ${firstLine(stderr) || `exit code ${exitCode}`}`);
  await checkTree(dir);
}

async function checkTree(root: string): Promise<void> {
  const top = await realpath(root);
  if (!(await stat(path.join(root, 'openclaw.json')).then((s) => s.isFile(), () => false))) {
    throw new InvalidArchive('it has no openclaw.json at its top (it must hold the contents of an OpenClaw state directory)');
  }
  for (const entry of await readdir(root, { recursive: true })) {
    const file = path.join(root, entry);
    const info = await lstat(file);
    if (info.isSymbolicLink()) {
      const target = path.resolve(path.dirname(file), await readlink(file));
      // Nothing is read through a link out of the data; Chromium's profile locks are such links.
      if (target !== top && !target.startsWith(`${top}${path.sep}`) && !target.startsWith(`${root}${path.sep}`)) await rm(file);
    } else if (!info.isFile() && !info.isDirectory()) {
      throw new InvalidArchive(`${entry} is not a regular file, a directory or a symlink`);
    }
  }
}

const firstLine = (text: string): string => text.trim().split('\n')[0] ?? '';
