// Where one local instance keeps things. `<dataDir>/<userId>/state` is its data (the PVC's
// counterpart) and survives a plain delete; `runtime/` holds what only a running instance needs
// (record, token, secrets, log) and goes away with it.
import path from 'node:path';

export interface LocalPaths {
  readonly userDir: string;
  readonly stateDir: string;
  readonly runtimeDir: string;
  readonly recordFile: string;
  readonly tokenFile: string;
  readonly secretsFile: string;
  readonly logFile: string;
}

export function localPaths(dataDir: string, userId: string): LocalPaths {
  const userDir = path.join(dataDir, userId);
  const runtimeDir = path.join(userDir, 'runtime');
  return {
    userDir,
    stateDir: path.join(userDir, 'state'),
    runtimeDir,
    recordFile: path.join(runtimeDir, 'instance.json'),
    tokenFile: path.join(runtimeDir, 'gateway-token'),
    secretsFile: path.join(runtimeDir, 'secrets.json'),
    logFile: path.join(runtimeDir, 'instance.log'),
  };
}
