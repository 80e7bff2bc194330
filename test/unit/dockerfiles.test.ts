// The Dockerfiles, read (scripts/build-image builds them, slowly): every path they copy or run exists,
// the pins come from build args equal to versions.env, and ports/users match the chart's contract.
import { accessSync, constants, existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

interface Instruction {
  readonly cmd: string;
  readonly args: string;
}

/** Instructions of a Dockerfile: comments dropped, `\` continuations joined. */
function parseDockerfile(text: string): Instruction[] {
  const joined = text.split('\n').filter((line) => !/^\s*#/.test(line)).join('\n').replace(/\\\n/g, ' ');
  return joined
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) => {
      const match = /^(\S+)\s+(.*)$/.exec(line);
      return { cmd: (match?.[1] ?? line).toUpperCase(), args: (match?.[2] ?? '').replace(/\s+/g, ' ') };
    });
}

const versions = Object.fromEntries(
  readFileSync('versions.env', 'utf8').split('\n').filter((l) => /^[A-Z_]+=/.test(l)).map((l) => l.split('=', 2) as [string, string]),
);
const load = (file: string): Instruction[] => parseDockerfile(readFileSync(file, 'utf8'));
const all = (ins: Instruction[], cmd: string): string[] => ins.filter((i) => i.cmd === cmd).map((i) => i.args);
const copies = (ins: Instruction[]): { from?: string; sources: string[]; dest: string }[] =>
  all(ins, 'COPY').map((args) => {
    const words = args.split(' ');
    const from = words.find((w) => w.startsWith('--from='))?.slice('--from='.length);
    const paths = words.filter((w) => !w.startsWith('--'));
    return { ...(from ? { from } : {}), sources: paths.slice(0, -1), dest: paths.at(-1) as string };
  });

describe('Dockerfile.gke', () => {
  const ins = load('Dockerfile.gke');

  it.each(['NODE_GATEWAY_VERSION', 'OPENCLAW_VERSION', 'OPENCLAW_WHATSAPP_VERSION', 'NOVNC_VERSION'])('build arg %s defaults to versions.env', (name) => {
    expect(versions[name]).toBeTruthy();
    expect(all(ins, 'ARG')).toContain(`${name}=${versions[name]}`);
  });

  it('takes every pinned version from its build args, never a literal', () => {
    expect(all(ins, 'FROM')).toEqual(['node:${NODE_GATEWAY_VERSION}-bookworm-slim']);
    const run = all(ins, 'RUN').join('\n');
    expect(run).toContain('"openclaw@${OPENCLAW_VERSION}"');
    expect(run).toContain('"npm:@openclaw/whatsapp@${OPENCLAW_WHATSAPP_VERSION}"');
    expect(run).toContain('"@novnc/novnc@${NOVNC_VERSION}"');
    expect(run).not.toContain(versions.OPENCLAW_VERSION);
    expect(run).not.toContain(`@novnc/novnc@${versions.NOVNC_VERSION}`);
  });

  it('runs the entrypoint it copies from scripts/ under tini', () => {
    const [entrypoint] = all(ins, 'ENTRYPOINT');
    const argv = JSON.parse(entrypoint as string) as string[];
    expect(argv.slice(0, 2)).toEqual(['/usr/bin/tini', '--']);
    const copy = copies(ins).find((c) => c.dest === argv[2]);
    expect(copy?.sources).toEqual(['scripts/instance-entrypoint.sh']);
    accessSync('scripts/instance-entrypoint.sh', constants.X_OK);
  });

  it('copies only files that exist, including what the entrypoint needs beside it', () => {
    const sources = copies(ins).flatMap((c) => c.sources);
    for (const source of sources) expect(existsSync(source), source).toBe(true);
    expect(sources).toEqual(expect.arrayContaining(['scripts/lib/gateway-config.mjs', 'scripts/lib/plugin-seed.mjs']));
  });

  it('installs the WhatsApp plugin once, as root, into the read-only seed the entrypoint is pointed at', () => {
    const seed = all(ins, 'ENV').join(' ').match(/OPENCLAW_PLUGIN_SEED=(\S+)/)?.[1];
    expect(seed).toBe('/opt/openclaw/plugins');
    const ordered = ins.map((i) => `${i.cmd} ${i.args}`);
    const install = ordered.findIndex((line) => line.startsWith('RUN') && line.includes(`OPENCLAW_STATE_DIR=${seed} openclaw plugins install`));
    expect(install).toBeGreaterThan(-1);
    expect(ordered.findIndex((line) => line === 'USER 1000')).toBeGreaterThan(install);
    expect(ordered[install]).toContain(`plugin-seed.mjs prepare ${seed}`);
    expect(ordered[install]).toContain(`chmod -R a-w ${seed}/npm`);
    // Nothing installs at pod start any more, so no npm cache is baked in.
    expect(all(ins, 'ENV').join(' ')).not.toContain('npm_config_cache');
  });

  it('installs the packages the entrypoint runs', () => {
    const run = all(ins, 'RUN').join(' ');
    for (const pkg of ['tini', 'socat', 'libnss-wrapper', 'xvfb', 'x11vnc', 'websockify', 'chromium', 'fonts-liberation']) expect(run).toContain(` ${pkg}`);
  });

  it("serves noVNC from npm with a page of ours, not Debian's novnc (it depends on a second Node.js)", () => {
    const install = all(ins, 'RUN').find((r) => r.includes('apt-get install')) as string;
    expect(install.split(' ')).not.toContain('novnc');
    const lock = JSON.parse(readFileSync('package-lock.json', 'utf8')) as { packages: Record<string, { version: string }> };
    expect(versions.NOVNC_VERSION).toBe(lock.packages['node_modules/@novnc/novnc']?.version);
    const web = /(?:^| )OPENCLAW_NOVNC_WEB=(\S+)/.exec(all(ins, 'ENV').join(' '))?.[1];
    expect(web).toBe('/opt/novnc');
    expect(copies(ins)).toContainEqual({ sources: ['scripts/novnc/vnc.html', 'scripts/novnc/vnc.js'], dest: `${web}/` });
    expect(readFileSync('scripts/novnc/vnc.html', 'utf8')).toMatch(/<title>[^<]*noVNC[^<]*<\/title>[\s\S]*src="vnc\.js"/);
    expect(readFileSync('scripts/novnc/vnc.js', 'utf8')).toContain("import RFB from './core/rfb.js';");
  });

  it('runs under any uid with group 0: HOME and the default state dir are set, group-0 writable and never root-owned', () => {
    const ordered = ins.map((i) => `${i.cmd} ${i.args}`);
    const home = ordered.findIndex((line) => /^ENV (.* )?HOME=\/home\/node( |$)/.test(line));
    expect(home).toBeGreaterThan(-1);
    // Set after every RUN, so no build step as root leaves files (npm's cache) in that home.
    expect(ordered.findLastIndex((line) => line.startsWith('RUN'))).toBeLessThan(home);
    expect(all(ins, 'ENV').join(' ')).toContain('OPENCLAW_STATE_DIR=/home/node/.openclaw');
    const run = all(ins, 'RUN').join(' ');
    expect(run).toContain('mkdir -p /home/node/.openclaw && chown -R 1000:0 /home/node && chmod -R g=u /home/node');
  });

  it('exposes the gateway and noVNC ports and runs as uid 1000', () => {
    expect(all(ins, 'EXPOSE').join(' ').split(' ')).toEqual(expect.arrayContaining(['18789', '6080']));
    expect(all(ins, 'USER')).toEqual(['1000']);
  });
});

describe('manager/Dockerfile', () => {
  const ins = load('manager/Dockerfile');
  const build = readFileSync('scripts/build.mjs', 'utf8');

  it('builds both stages on the pinned Node, from a build arg that defaults to versions.env', () => {
    expect(all(ins, 'ARG')).toContain(`NODE_GATEWAY_VERSION=${versions.NODE_GATEWAY_VERSION}`);
    expect(all(ins, 'FROM')).toEqual(['node:${NODE_GATEWAY_VERSION}-bookworm-slim AS build', 'node:${NODE_GATEWAY_VERSION}-bookworm-slim']);
  });

  it('builds with npm ci and npm run build, and gets helm from scripts/install-helm', () => {
    const run = all(ins, 'RUN').join('\n');
    expect(run).toContain('npm ci');
    expect(run).toContain('npm run build');
    expect(run).toContain('scripts/install-helm');
  });

  it('starts the bundle scripts/build.mjs makes from manager/src/main.ts', () => {
    expect(all(ins, 'CMD')).toEqual(['["node", "manager/dist/main.js"]']);
    expect(build).toMatch(/in: 'manager\/src\/main\.ts', out: 'manager\/dist\/main\.js'/);
  });

  it('copies from the build stage only what exists or the build makes', () => {
    for (const copy of copies(ins).filter((c) => c.from === 'build')) {
      for (const source of copy.sources) {
        const rel = path.relative('/src', source);
        if (rel.startsWith('..')) continue;
        const made = /(^|\/)dist$/.test(rel);
        expect(made || existsSync(rel), rel).toBe(true);
      }
    }
  });

  it('installs every Helm plugin in the repo', () => {
    const run = all(ins, 'RUN').join(' ');
    const plugins = readdirSync('plugins').filter((d) => existsSync(path.join('plugins', d, 'plugin.yaml')));
    expect(plugins.length).toBeGreaterThan(0);
    for (const dir of plugins) {
      expect(run).toContain(`helm plugin install /app/plugins/${dir}`);
      expect(build, `scripts/build.mjs bundles plugins/${dir}`).toContain(`plugins/${dir}/dist/`);
    }
  });

  it('exposes 3000 and runs as a non-root user', () => {
    expect(all(ins, 'EXPOSE')).toEqual(['3000']);
    expect(all(ins, 'USER')).toEqual(['1000']);
  });
});

describe('manager/chart', () => {
  it('runs the manager image of this version by default (its appVersion), never a moving tag', () => {
    const chart = readFileSync('manager/chart/Chart.yaml', 'utf8');
    const values = readFileSync('manager/chart/values.yaml', 'utf8');
    const { version } = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };
    expect(/^appVersion: "([^"]+)"$/m.exec(chart)?.[1]).toBe(version);
    expect(/^ {2}tag: "(.*)"$/m.exec(values)?.[1]).toBe('');
  });
});
