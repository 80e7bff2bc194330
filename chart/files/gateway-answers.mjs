// `helm test`: the instance's gateway answers a client through its Service, the way the manager
// reaches it: a WebSocket, the challenge answered with `connect` and the gateway token, then `health`.
// Runs in the test pod on the instance's own image (Node's built-in WebSocket, nothing installed).
const url = process.env.GATEWAY_URL;
const token = process.env.OPENCLAW_GATEWAY_TOKEN;
// The pod's NetworkPolicy admission can lag its start by a moment; a few tries cover a connection
// that fails, never an answer that refuses.
const ATTEMPTS = 10;
const ATTEMPT_MS = 10_000;

/** The gateway answered and said no: trying again would not change that. */
class Refused extends Error {}

function exchange() {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    const timer = setTimeout(() => finish(new Error(`no answer within ${ATTEMPT_MS} ms`)), ATTEMPT_MS);
    const finish = (error, value) => {
      clearTimeout(timer);
      ws.close();
      if (error) reject(error);
      else resolve(value);
    };
    const send = (id, method, params) => ws.send(JSON.stringify({ type: 'req', id, method, params }));
    ws.onerror = () => finish(new Error(`cannot reach ${url}`));
    ws.onmessage = (message) => {
      const frame = JSON.parse(String(message.data));
      if (frame.type === 'event' && frame.event === 'connect.challenge') {
        // Any protocol the gateway speaks: it answers with the one it chose.
        send('connect', 'connect', {
          minProtocol: 1,
          maxProtocol: 100,
          client: { id: 'gateway-client', version: 'helm-test', platform: process.platform, mode: 'backend' },
          role: 'operator',
          scopes: ['operator.read'],
          auth: { token },
        });
      } else if (frame.type === 'res' && frame.id === 'connect') {
        if (!frame.ok) finish(new Refused(`connect refused: ${frame.error?.message ?? 'no reason given'}`));
        else send('health', 'health', {});
      } else if (frame.type === 'res' && frame.id === 'health') {
        if (!frame.ok) finish(new Refused(`health failed: ${frame.error?.message ?? 'no reason given'}`));
        else finish(undefined, frame.payload);
      }
    };
  });
}

for (let attempt = 1; ; attempt++) {
  try {
    const health = await exchange();
    console.log(`the gateway at ${url} answered health: ok=${String(health?.ok)}`);
    if (health?.ok !== true) process.exit(1);
    break;
  } catch (error) {
    console.log(`attempt ${attempt}: ${error.message}`);
    if (error instanceof Refused || attempt === ATTEMPTS) process.exit(1);
    await new Promise((resolve) => setTimeout(resolve, 2_000));
  }
}
