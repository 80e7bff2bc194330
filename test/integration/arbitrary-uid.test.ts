// The chart with values/openshift.yaml on the real node, under what OpenShift's restricted SCC does
// at admission: the pod gets a uid from the namespace's range, group 0 and an fsGroup, none of which
// the chart names and none of which the image's /etc/passwd knows. Checked: the instance becomes
// Ready under that uid with the browser on, answers on its gateway port, writes its state on the
// volume as that uid, and its processes get a passwd entry (nss_wrapper) on a read-only root.
import { chmodSync, chownSync, existsSync } from 'node:fs';
import { randomInt } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { installPlugins, PLUGIN_DIRS, runHelm, type PluginHome } from '../support/helm.js';
import { deleteNamespace, kubectl, waitFor } from '../support/kube.js';
import { execInPod, REAL_NODE_VALUES, restrictedNamespace, waitForReadyPod, type PodState } from '../support/real-node.js';
import { parseManifests, valuesFile } from '../support/render-chart.js';

const USER = 'shift';
const RELEASE = `${USER}-openclaw`;
// OpenShift gives each namespace a block of 10,000 uids above 1,000,000,000; the fsGroup is its first.
const FS_GROUP = 1_000_000_000 + 10_000 * randomInt(1, 100_000);
const UID = FS_GROUP + randomInt(1, 10_000);

/**
 * What the kubelet does to a volume for the pod's fsGroup (group fsGroup, setgid, group-writable),
 * done here by hand: the test cluster's volumes are hostPaths on this machine, which never get one.
 */
async function giveVolumeToFsGroup(namespace: string, claim: string): Promise<void> {
  const volume = await kubectl(['get', 'pvc', claim, '-n', namespace, '-o', 'jsonpath={.spec.volumeName}']);
  const dir = await kubectl(['get', 'pv', volume, '-o', 'jsonpath={.spec.hostPath.path}']);
  await waitFor(`the volume directory ${dir}`, async () => (existsSync(dir) ? true : undefined), 60_000);
  chownSync(dir, 0, FS_GROUP);
  chmodSync(dir, 0o2775);
}

describe('values/openshift.yaml on the real node under an assigned uid, group 0 and fsGroup', () => {
  let namespace: string;
  let plugins: PluginHome;
  let pod: PodState;
  const helm = async (args: readonly string[]) => {
    const result = await runHelm(args, { env: plugins.env });
    expect(result.exitCode, `helm ${args.join(' ')}\n${result.stderr}`).toBe(0);
    return result.stdout;
  };
  const exec = async (script: string) => {
    const run = await execInPod(namespace, pod.name, script);
    expect(run.exitCode, `${script}\n${run.stderr}`).toBe(0);
    return run.stdout.trim();
  };

  beforeAll(async () => {
    namespace = await restrictedNamespace('arbitrary-uid');
    plugins = await installPlugins([PLUGIN_DIRS.postrender]);
    const image = inject('instanceImage');
    // Stopped at first, so the volume is bound and prepared before the pod exists.
    const values = valuesFile({
      userId: USER, replicas: 0, image: { repository: image.repository, tag: image.tag }, persistence: { keep: false },
    });
    await helm([
      'install', RELEASE, 'chart', '-n', namespace, '-f', REAL_NODE_VALUES, '-f', 'values/openshift.yaml', '-f', values,
      '--post-renderer', 'openclaw-postrender', '--wait', '--timeout', '2m',
    ]);
    await giveVolumeToFsGroup(namespace, `${RELEASE}-data`);
  }, 300_000);

  afterAll(async () => {
    if (plugins) await runHelm(['uninstall', RELEASE, '-n', namespace, '--wait'], { env: plugins.env });
    if (namespace) await deleteNamespace(namespace);
    plugins?.remove();
  }, 120_000);

  it('installs a pod that names no uid, gid or fsGroup; started with those the platform assigns, it becomes Ready', async () => {
    const manifest = await helm(['get', 'manifest', RELEASE, '-n', namespace]);
    expect(manifest).not.toMatch(/runAsUser|runAsGroup|fsGroup:/);
    expect(parseManifests(manifest).some((o) => o.kind === 'Deployment')).toBe(true);
    // OpenShift's admission sets these on the pod; a patch of the template stands in for it.
    const admitted = { spec: { replicas: 1, template: { spec: { securityContext: { runAsUser: UID, runAsGroup: 0, fsGroup: FS_GROUP } } } } };
    await kubectl(['patch', 'deployment', RELEASE, '-n', namespace, '--type', 'strategic', '-p', JSON.stringify(admitted)]);
    pod = await waitForReadyPod(namespace, USER);
    expect(pod.started).toBe(true);
  }, 480_000);

  it('runs every process under that uid, group 0 and the fsGroup, the browser stack included', async () => {
    expect(await exec('id -u; id -g; id -G')).toBe(`${UID}\n0\n0 ${FS_GROUP}`);
    const processes = (await exec('ps -eo uid=,gid=,comm=')).split('\n').map((line) => line.trim().split(/\s+/));
    const names = processes.map(([, , comm]) => comm);
    for (const name of ['tini', 'openclaw-gatewa', 'socat', 'Xvfb', 'x11vnc', 'websockify', 'chromium']) expect(names, names.join(', ')).toContain(name);
    for (const [uid, gid, comm] of processes) expect(`${comm} ${uid}:${gid}`).toBe(`${comm} ${UID}:0`);
  });

  it('answers on its gateway port through the forwarder', async () => {
    expect(await exec(`node -e "fetch('http://127.0.0.1:18789/startupz').then((r) => console.log(r.status))"`)).toBe('200');
  });

  it('has Chromium answering on its DevTools port and x11vnc greeting with RFB', async () => {
    const version = JSON.parse(await exec(`node -e "fetch('http://127.0.0.1:9222/json/version').then((r) => r.text()).then(console.log)"`)) as { Browser?: string };
    expect(version.Browser).toMatch(/^Chrome\//);
    const greeting = await exec(`node -e "require('net').connect(5900, '127.0.0.1').once('data', (d) => { console.log(JSON.stringify(d.toString('latin1'))); process.exit(0); })"`);
    expect(JSON.parse(greeting)).toBe('RFB 003.008\n');
  });

  it('wrote its state on the volume as that uid', async () => {
    // "<owner uid> <path>"; Chromium's profile has paths with spaces ("Local State").
    const entries = (await exec('find /data -mindepth 1 -xdev -printf "%U %p\\n"')).split('\n').map((line) => [line.slice(0, line.indexOf(' ')), line.slice(line.indexOf(' ') + 1)]);
    const paths = entries.map(([, path]) => path);
    expect(paths).toEqual(expect.arrayContaining(['/data/home', '/data/openclaw/openclaw.json', '/data/openclaw/state/openclaw.sqlite']));
    const foreign = entries.filter(([owner]) => owner !== String(UID));
    expect(foreign, foreign.join('\n')).toEqual([]);
  });

  it('gives its processes a passwd entry that /etc/passwd lacks, through nss_wrapper', async () => {
    const userInfo = `node -e "console.log(JSON.stringify(require('os').userInfo()))"`;
    const bare = await execInPod(namespace, pod.name, userInfo);
    expect(bare.exitCode).not.toBe(0);
    expect(bare.stderr).toContain('uv_os_get_passwd returned ENOENT');
    // The gateway's own passwd lookup: its nss_wrapper variables, nothing else of its environment.
    const asGateway = await exec(
      `env -i PATH="$PATH" $(tr '\\0' '\\n' </proc/$(cat /data/openclaw/run/gateway.pid)/environ | grep -E '^(LD_PRELOAD|NSS_WRAPPER_PASSWD|NSS_WRAPPER_GROUP)=') ${userInfo}`,
    );
    expect(JSON.parse(asGateway)).toMatchObject({ uid: UID, gid: 0, username: 'openclaw', homedir: '/data/home' });
  });
});
