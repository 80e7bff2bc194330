// Pure: how far a local instance's start has come, read off what its entrypoint and gateway printed
// since the launch. Each milestone is a line the pinned entrypoint or gateway prints once per start,
// in this order.
export interface LaunchStage {
  readonly progress: number;
  readonly message: string;
}

const MILESTONES: readonly (LaunchStage & { readonly line: RegExp })[] = [
  { line: /^\[entrypoint\] plugins from .*: (seeded|updated|unchanged)$/m, progress: 10, message: 'shared plugins in place' },
  { line: /^\[entrypoint\] started xvfb /m, progress: 12, message: 'browser: starting the display (Xvfb)' },
  { line: /^\[entrypoint\] started x11vnc /m, progress: 14, message: 'browser: starting the VNC server (x11vnc)' },
  { line: /^\[entrypoint\] started websockify /m, progress: 16, message: 'browser: starting noVNC (websockify)' },
  { line: /^\[entrypoint\] started chromium /m, progress: 18, message: 'browser: starting Chromium' },
  { line: /^\[entrypoint\] started gateway /m, progress: 20, message: 'gateway: process started, loading OpenClaw' },
  { line: /\[gateway\] loading configuration/m, progress: 35, message: 'gateway: loading its configuration' },
  { line: /\[gateway\] starting\.\.\.$/m, progress: 45, message: 'gateway: starting its runtime' },
  { line: /\[gateway\] starting HTTP server/m, progress: 55, message: 'gateway: loading plugins' },
  { line: /\[gateway\] http server listening/m, progress: 75, message: 'gateway: listening; preparing channels' },
  { line: /\[gateway\] starting channels and sidecars/m, progress: 85, message: 'gateway: starting channels and sidecars' },
  { line: /\[gateway\] ready$/m, progress: 95, message: 'gateway: ready; waiting for /readyz' },
];

// The gateway colours its console lines.
// eslint-disable-next-line no-control-regex -- the escape character is what this strips
const ANSI = /\x1b\[[0-9;]*m/g;

/**
 * Every milestone the output shows, in order: a reader that polls sees the ones passed between two polls too.
 * @example launchStages('[entrypoint] started gateway (pid 7)\n').at(-1)?.progress // 20
 */
export function launchStages(output: string): LaunchStage[] {
  const text = output.replace(ANSI, '');
  return MILESTONES.filter(({ line }) => line.test(text)).map(({ progress, message }) => ({ progress, message }));
}

