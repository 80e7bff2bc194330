// The viewer page: static HTML (the script reads the user id and ticket from its own URL, so nothing
// from the request is ever written into the markup) and the headers it is served with.
import { createHash } from 'node:crypto';
import { pageHeaders } from '../assets/page-headers.js';

export const VIEWER_SCRIPT_PATH = '/viewer/assets/viewer.js';

const STYLE = `
html, body { margin: 0; height: 100%; background: #202020; color: #e8e8e8; font: 14px system-ui, sans-serif; }
body { display: flex; flex-direction: column; }
#status { flex: none; padding: 4px 10px; background: #303030; border-bottom: 1px solid #404040; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
body[data-state="failed"] #status { background: #6b1d1d; }
#screen { flex: 1 1 auto; min-height: 0; overflow: hidden; }
`;

export const VIEWER_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>OpenClaw browser</title>
<style>${STYLE}</style>
</head>
<body data-state="loading">
<div id="status">Loading viewer...</div>
<div id="screen"></div>
<script type="module" src="${VIEWER_SCRIPT_PATH}"></script>
</body>
</html>
`;

const styleHash = createHash('sha256').update(STYLE).digest('base64');

/**
 * Headers of the page. The CSP admits only our own script, this page's one inline style (by hash),
 * canvas images and WebSockets back to the manager. Framing stays allowed so an app can embed it.
 */
export const VIEWER_HEADERS = pageHeaders({ styleSrc: `'sha256-${styleHash}'`, imgSrc: "'self' data: blob:", framable: true });
