// The page's script: noVNC's RFB client on websockify's WebSocket at the page's own host and port
// (websockify upgrades a WebSocket on any path), scaled to the window, with the state in a status bar.
/* global document, location */
import RFB from './core/rfb.js';

const status = document.getElementById('status');
const screen = document.getElementById('screen');

function show(state, text, retry = false) {
  document.body.dataset.state = state;
  status.textContent = text;
  if (retry) {
    const button = document.createElement('button');
    button.textContent = 'Reconnect';
    button.addEventListener('click', connect);
    status.append(button);
  }
}

function connect() {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  const url = `${scheme}//${location.host}/websockify`;
  show('connecting', `Connecting to ${url}...`);
  const rfb = new RFB(screen, url, { wsProtocols: ['binary'], shared: true });
  rfb.scaleViewport = true;
  rfb.resizeSession = false;
  rfb.focusOnClick = true;
  rfb.background = '#202020';
  rfb.addEventListener('connect', () => {
    show('connected', 'Connected');
    rfb.focus();
  });
  rfb.addEventListener('disconnect', (event) => {
    show(event.detail.clean ? 'disconnected' : 'failed', event.detail.clean ? 'Disconnected' : 'The connection failed or was lost', true);
  });
  rfb.addEventListener('securityfailure', (event) => {
    show('failed', `VNC security negotiation failed${event.detail.reason ? `: ${event.detail.reason}` : ''}`, true);
  });
  rfb.addEventListener('credentialsrequired', () => {
    show('failed', 'The VNC server asks for a password, which this page does not handle', true);
  });
  rfb.addEventListener('desktopname', (event) => {
    document.title = `${event.detail.name} - noVNC`;
  });
}

connect();
