// `helm openclaw vnc <userId>`: port-forward the pod's noVNC port and print the page to open; runs
// until Ctrl-C. One request is made first so a pod without noVNC fails now, not in the browser.
import { NOVNC_PORT } from 'openclaw-platform/core';
import type { Command } from '../args.js';
import { PortForwardFailed } from '../errors.js';
import { findInstancePod, loadKubeConfig } from '../kube-target.js';
import { forwardPort, type PortForwardHandle } from '../port-forward.js';
import type { CommandIo } from './command-io.js';

export type VncCommand = Extract<Command, { kind: 'vnc' }>;

const PROBE_TIMEOUT_MS = 15_000;

/** The page noVNC serves, for a local port. @example vncPageUrl(6080) // 'http://127.0.0.1:6080/vnc.html' */
export function vncPageUrl(port: number): string {
  return `http://127.0.0.1:${port}/vnc.html`;
}

async function probe(forward: PortForwardHandle, signal: AbortSignal): Promise<void> {
  try {
    const response = await fetch(vncPageUrl(forward.localPort), { signal: AbortSignal.any([signal, AbortSignal.timeout(PROBE_TIMEOUT_MS)]) });
    await response.arrayBuffer();
    if (!response.ok) throw new PortForwardFailed(`noVNC answered ${response.status} for /vnc.html: is the browser enabled on this instance?`);
  } catch (err) {
    if (signal.aborted || err instanceof PortForwardFailed) throw err;
    throw new PortForwardFailed(forward.lastError ?? `noVNC did not answer through the port-forward: ${(err as Error).message}`);
  }
}

export async function runVnc(command: VncCommand, io: CommandIo): Promise<number> {
  const kc = loadKubeConfig(command.connection);
  const target = await findInstancePod(kc, command.connection.namespace, command.userId);
  const forward = await forwardPort(target, NOVNC_PORT, command.localPort);
  try {
    await probe(forward, io.signal);
    io.stdout.write(`noVNC of ${command.userId} (pod ${target.podName}): ${vncPageUrl(forward.localPort)}\nForwarding; Ctrl-C stops.\n`);
    await new Promise<void>((resolve) => {
      if (io.signal.aborted) resolve();
      else io.signal.addEventListener('abort', () => resolve(), { once: true });
    });
    return 0;
  } finally {
    await forward.close();
  }
}
