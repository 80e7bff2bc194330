// The viewer page's script (bundled for the browser by scripts/build.mjs): connects noVNC to the
// manager's VNC WebSocket with the page's one-time ticket, scaled to the window.
import RFB from '@novnc/novnc';

type ViewerState = 'connecting' | 'connected' | 'disconnected' | 'failed';

const status = document.getElementById('status') as HTMLElement;
const screen = document.getElementById('screen') as HTMLElement;

function show(state: ViewerState, text: string): void {
  document.body.dataset.state = state;
  status.textContent = text;
}

/** `/viewer/<userId>` -> the user id, or undefined. */
function userIdFromPath(pathname: string): string | undefined {
  const match = /^\/viewer\/([^/]+)\/?$/.exec(pathname);
  return match?.[1] === undefined ? undefined : decodeURIComponent(match[1]);
}

function start(): void {
  const userId = userIdFromPath(location.pathname);
  const ticket = new URLSearchParams(location.search).get('ticket');
  if (userId === undefined || !ticket) {
    show('failed', 'This viewer link is incomplete: it needs /viewer/<userId>?ticket=...');
    return;
  }
  // The ticket is single use: keep it out of the history and out of a reload.
  history.replaceState(null, '', location.pathname);

  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  const url = `${scheme}//${location.host}/api/instances/${encodeURIComponent(userId)}/vnc?ticket=${encodeURIComponent(ticket)}`;
  show('connecting', `Connecting to ${userId}...`);

  const rfb = new RFB(screen, url, { wsProtocols: ['binary'], shared: true });
  rfb.scaleViewport = true;
  rfb.resizeSession = false;
  rfb.focusOnClick = true;
  rfb.background = '#202020';

  rfb.addEventListener('connect', () => {
    show('connected', `${userId}: connected`);
    rfb.focus();
  });
  rfb.addEventListener('disconnect', (event) => {
    const clean = (event as CustomEvent<{ clean: boolean }>).detail.clean;
    show(clean ? 'disconnected' : 'failed', clean
      ? `${userId}: disconnected. Open a new viewer link to reconnect.`
      : `${userId}: the connection failed or was refused (the link may have expired). Open a new viewer link.`);
  });
  rfb.addEventListener('securityfailure', (event) => {
    const reason = (event as CustomEvent<{ reason?: string }>).detail.reason;
    show('failed', `${userId}: VNC security negotiation failed${reason ? `: ${reason}` : ''}`);
  });
  rfb.addEventListener('credentialsrequired', () => {
    show('failed', `${userId}: the VNC server asks for a password, which this viewer does not handle`);
  });
  rfb.addEventListener('desktopname', (event) => {
    document.title = `${(event as CustomEvent<{ name: string }>).detail.name} - ${userId}`;
  });
}

start();
