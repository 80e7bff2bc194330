// Gateway readiness over HTTP on the forwarded port. /readyz, not /healthz: the gateway answers
// /healthz while it still refuses connections during start-up.
import { request } from 'node:http';

export function probeGatewayReady(port: number, timeoutMs = 2000): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path: '/readyz', method: 'GET', timeout: timeoutMs }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.once('timeout', () => req.destroy());
    req.once('error', () => resolve(false));
    req.end();
  });
}
