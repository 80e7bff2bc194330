// Gateway probes over HTTP on the forwarded port. Readiness is /readyz, not /healthz: the gateway
// answers /healthz while it still refuses connections during start-up (progress shows that step).
import { request } from 'node:http';

function probe(port: number, path: string, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path, method: 'GET', timeout: timeoutMs }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.once('timeout', () => req.destroy());
    req.once('error', () => resolve(false));
    req.end();
  });
}

export function probeGatewayReady(port: number, timeoutMs = 2000): Promise<boolean> {
  return probe(port, '/readyz', timeoutMs);
}

export function probeGatewayHealthy(port: number, timeoutMs = 2000): Promise<boolean> {
  return probe(port, '/healthz', timeoutMs);
}
