// Picks and builds the configured runtime.
import { KubeConfig } from '@kubernetes/client-node';
import type { ManagerConfig } from '../config.js';
import type { Logger } from '../logger.js';
import { HelmRuntime } from './helm/helm-runtime.js';
import type { InstanceRuntime } from './instance-runtime.js';
import { LocalRuntime } from './local/local-runtime.js';

/** The kubeconfig from KUBECONFIG when set, else the in-cluster ServiceAccount. */
export function loadKubeConfig(config: Pick<ManagerConfig, 'kubeconfig'>): KubeConfig {
  const kc = new KubeConfig();
  if (config.kubeconfig !== undefined) kc.loadFromFile(config.kubeconfig);
  else kc.loadFromCluster();
  return kc;
}

export function createRuntime(config: ManagerConfig, logger: Logger): InstanceRuntime {
  if (config.runtime === 'local') {
    return new LocalRuntime({
      dataDir: config.localDataDir,
      entrypoint: config.entrypoint,
      openclawBin: config.openclawBin,
      baseEnv: config.childEnv,
      imageTag: config.imageTag,
      ...(config.localVersionsDir === undefined ? {} : { versionsDir: config.localVersionsDir }),
      logger: logger.child({ runtime: 'local' }),
      ...(config.localBrowser === 'off' ? { browser: { available: false, missing: ['(turned off: OPENCLAW_LOCAL_BROWSER=off)'] } } : {}),
    });
  }
  return new HelmRuntime({ config, kubeConfig: loadKubeConfig(config), logger: logger.child({ runtime: 'helm' }) });
}
