// The console page: static HTML (everything it shows comes from the API through its script, so
// nothing from the request is ever written into the markup) and the headers it is served with.
import { pageHeaders } from '../assets/page-headers.js';

export const CONSOLE_ASSET_BASE = '/console/assets';

export const CONSOLE_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<meta name="color-scheme" content="light dark">
<title>OpenClaw console</title>
<link rel="stylesheet" href="${CONSOLE_ASSET_BASE}/console.css">
</head>
<body>
<div id="app"><noscript>The OpenClaw console needs JavaScript.</noscript></div>
<script type="module" src="${CONSOLE_ASSET_BASE}/console.js"></script>
</body>
</html>
`;

/**
 * Headers of the page. The CSP admits only our own script and style sheet and requests back to the
 * manager; unlike the viewer, the console may not be framed, since its buttons act on instances.
 */
export const CONSOLE_HEADERS = pageHeaders({ styleSrc: "'self'", imgSrc: "'self' data:", framable: false });
