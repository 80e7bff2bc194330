// The manager's Role (manager/chart, templates/role.yaml) holds exactly what helm and the manager need: proven by
// running helm and kubectl on this machine with the openclaw-manager ServiceAccount's own token.
// test/integration/in-cluster.test.ts runs the same checks from inside the manager's pod.
import { PLUGIN_DIRS, installPlugins, runHelm } from '../support/helm.js';
import { kubectlRun } from '../support/kube.js';
import { describeManagerRbac } from '../support/manager-rbac-suite.js';
import { valuesFile } from '../support/render-chart.js';
import { applyManagerRbac, serviceAccountKubeconfig } from '../support/service-account.js';

describeManagerRbac('the openclaw-manager ServiceAccount, from this machine', async () => {
  await applyManagerRbac();
  const plugins = await installPlugins([PLUGIN_DIRS.postrender]);
  const env = { ...plugins.env, KUBECONFIG: await serviceAccountKubeconfig('openclaw', 'openclaw-manager') };
  return {
    helm: (args) => runHelm(args, { env }),
    kubectl: (args) => kubectlRun(args, { env }),
    chart: 'chart',
    writeValues: async (values) => valuesFile(values),
    close: async () => plugins.remove(),
  };
});
