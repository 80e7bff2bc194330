// Time to ready on the test cluster's real node, the images already on it: the manager as a pod
// (helm runtime) creates a user until the progress stream says ready, then stops and starts it
// again until ready; several times each. The numbers to put beside bench/start-time.ts's (same
// machine; the node runs the instance image under the pod's securityContext). Brings the test
// cluster up (scripts/test-cluster up) if it is not running, like `npm test`.
// Run: npx tsx bench/start-time-node.ts [rounds=3]
import { randomBytes } from 'node:crypto';
import { ensureNamespace } from '../test/support/helm-manager.js';
import { deployInClusterManager, MANAGER_NAMESPACE } from '../test/support/in-cluster-manager.js';
import setupBuild from '../test/support/setup-build.js';
import { prepareCluster } from '../test/support/setup-cluster.js';
import { followStart, seconds, type FollowedStart } from './lib/follow-start.js';
import { machine, median } from './lib/stats.js';

const rounds = Number(process.argv[2] ?? 3);
setupBuild();
const cluster = await prepareCluster();
await ensureNamespace(MANAGER_NAMESPACE);
const apiKey = randomBytes(32).toString('base64url');
const manager = await deployInClusterManager({ apiKey, managerImage: cluster.managerImage, instanceImage: cluster.instanceImage });
const created: FollowedStart[] = [];
const restarted: FollowedStart[] = [];
try {
  for (let round = 1; round <= rounds; round++) {
    const userId = `node-start-${round}`;
    created.push(await followStart(manager.url, apiKey, userId, () => manager.api('POST', '/api/instances', { userId })));
    const stopped = await manager.api('POST', `/api/instances/${userId}/stop`);
    if (stopped.status !== 200) throw new Error(`stop answered ${stopped.status}: ${stopped.text}`);
    restarted.push(await followStart(manager.url, apiKey, userId, () => manager.api('POST', `/api/instances/${userId}/start`)));
    const deleted = await manager.api('DELETE', `/api/instances/${userId}?preservePvc=false`);
    if (deleted.status !== 200) throw new Error(`delete answered ${deleted.status}: ${deleted.text}`);
    console.log(`round ${round}: new user ${seconds((created.at(-1) as FollowedStart).ms)}, start after stop ${seconds((restarted.at(-1) as FollowedStart).ms)}`);
  }
} finally {
  await manager.remove();
}
const gap = Math.max(...[...created, ...restarted].map((f) => f.longestGapMs));
console.log(`machine: ${await machine()}; ${rounds} rounds on the real node (helm runtime, manager pod, image ${cluster.instanceImage.tag})`);
console.log(`new user through the manager -> ready (median): ${seconds(median(created.map((f) => f.ms)))}`);
console.log(`stopped user started -> ready (median):         ${seconds(median(restarted.map((f) => f.ms)))}`);
console.log(`longest gap between progress events:            ${seconds(gap)}`);
