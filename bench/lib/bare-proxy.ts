// The floor of a proxy hop: a bare node:http server that forwards each POSTed {"method"} to the
// gateway over the manager's own pooled client and answers {"result"}, with no routing, auth,
// validation, logging or metrics. rpc-latency.ts runs it as a child on the manager's core, so what
// the manager adds over it is the manager's own cost.
// Run: node --import tsx bench/lib/bare-proxy.ts <port> <gateway url> <token>; prints "ready".
import { createServer } from 'node:http';
import { GatewayPool } from '../../manager/src/gateway/gateway-pool.js';

const [port, url, token] = process.argv.slice(2);
if (!port || !url || !token) throw new Error('usage: bare-proxy.ts <port> <gateway url> <token>');
const target = { url, token };
const pool = new GatewayPool();

createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    const { method } = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { method: string };
    pool.call('bench', target, method).then(
      (result) => {
        const body = JSON.stringify({ result });
        res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
        res.end(body);
      },
      () => {
        res.writeHead(502);
        res.end();
      },
    );
  });
}).listen(Number(port), '127.0.0.1', () => process.stdout.write('ready\n'));
