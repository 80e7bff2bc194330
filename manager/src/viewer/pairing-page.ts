// The WhatsApp pairing page: static HTML (the script reads the user id and ticket from its own URL,
// so nothing from the request is written into the markup; a refusal carries only the fixed message
// of a ticket error) and the headers it is served with. One column on a phone, two on a desktop.
import { createHash } from 'node:crypto';
import { pageHeaders } from '../assets/page-headers.js';

export const PAIRING_SCRIPT_PATH = '/viewer/assets/pairing.js';

const STYLE = `
:root { color-scheme: light; --ink: #1b1f23; --muted: #59636e; --line: #d8dee4; --accent: #0f7b6c; --ok: #1a7f37; --bad: #b42318; }
* { box-sizing: border-box; }
html, body { margin: 0; }
body { min-height: 100vh; display: flex; justify-content: center; align-items: flex-start; padding: 12px;
  background: #eef1f4; color: var(--ink); font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
main { width: 100%; max-width: 440px; display: grid; gap: 16px; padding: 20px; background: #fff; border-radius: 14px;
  box-shadow: 0 1px 3px rgb(0 0 0 / 12%); grid-template-areas: "head" "stage" "actions" "how"; }
header { grid-area: head; }
h1 { margin: 0 0 6px; font-size: 1.35rem; }
#headline { margin: 0; font-size: 1.1rem; font-weight: 600; }
#detail { margin: 4px 0 0; color: var(--muted); overflow-wrap: anywhere; }
#stage { grid-area: stage; display: flex; flex-direction: column; align-items: center; gap: 8px; }
#qr { display: block; width: min(100%, 300px); height: auto; aspect-ratio: 1; image-rendering: pixelated; border: 1px solid var(--line); border-radius: 10px; }
#mark { display: grid; place-items: center; width: 100%; min-height: 120px; margin: 0; border: 2px dashed var(--line);
  border-radius: 10px; color: var(--muted); font-size: 4rem; font-weight: 700; }
#countdown { margin: 0; color: var(--muted); font-variant-numeric: tabular-nums; }
#time-left { width: min(100%, 300px); height: 8px; accent-color: var(--accent); }
#actions { grid-area: actions; }
#action { width: 100%; min-height: 48px; padding: 12px 20px; border: 0; border-radius: 24px; background: var(--accent); color: #fff;
  font: inherit; font-weight: 600; cursor: pointer; }
#action:disabled { opacity: .6; cursor: default; }
#action:focus-visible { outline: 3px solid #0b57d0; outline-offset: 2px; }
#how { grid-area: how; }
h2 { margin: 0; font-size: 1rem; }
ol { margin: 8px 0; padding-left: 1.4em; }
li { margin: 4px 0; }
.note { margin: 0; color: var(--muted); font-size: .92rem; }
body:not([data-state="qr"]) #qr, body:not([data-state="qr"]) #countdown, body:not([data-state="qr"]) #time-left { display: none; }
body[data-state="qr"] #mark { display: none; }
body[data-state="linked"] #how, body[data-state="already-linked"] #how, body[data-state="refused"] #how, body[data-state="ended"] #how { display: none; }
body[data-state="linked"] #headline, body[data-state="already-linked"] #headline, body[data-state="linked"] #mark, body[data-state="already-linked"] #mark { color: var(--ok); }
body[data-state="linked"] #mark, body[data-state="already-linked"] #mark { border-style: solid; border-color: var(--ok); }
body[data-state="failed"] #headline, body[data-state="expired"] #headline, body[data-state="refused"] #headline, body[data-state="ended"] #headline,
body[data-state="failed"] #mark, body[data-state="expired"] #mark, body[data-state="refused"] #mark, body[data-state="ended"] #mark { color: var(--bad); }
@media (min-width: 760px) {
  body { align-items: center; padding: 32px; }
  main { max-width: 860px; padding: 32px; column-gap: 40px; grid-template-columns: 320px 1fr; align-content: start;
    grid-template-areas: "stage head" "stage how" "stage actions"; }
  h1 { font-size: 1.6rem; }
  #mark { width: 300px; aspect-ratio: 1; }
}
`;

const escapeHtml = (text: string): string =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

interface PageContent {
  readonly state: 'loading' | 'refused';
  readonly headline: string;
  readonly detail: string;
  readonly mark: string;
  readonly script: boolean;
}

function page(content: PageContent): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<meta name="robots" content="noindex">
<title>Link WhatsApp</title>
<style>${STYLE}</style>
</head>
<body data-state="${content.state}">
<main>
<header>
<h1>Link WhatsApp</h1>
<p id="headline" role="status" aria-live="polite">${escapeHtml(content.headline)}</p>
<p id="detail">${escapeHtml(content.detail)}</p>
</header>
<section id="stage" aria-label="QR code">
<img id="qr" alt="QR code to scan with WhatsApp on your phone">
<p id="mark" aria-hidden="true">${escapeHtml(content.mark)}</p>
<p id="countdown"></p>
<progress id="time-left" max="1" value="1"></progress>
</section>
<div id="actions" hidden><button id="action" type="button"></button></div>
<section id="how">
<h2>On your phone</h2>
<ol>
<li>Open <strong>WhatsApp</strong>.</li>
<li>Go to <strong>Settings &gt; Linked Devices &gt; Link a device</strong> (on Android the menu &#8942; has Linked devices).</li>
<li>Point the phone at the QR code on this screen.</li>
</ol>
<p class="note">Open this page on a computer or tablet: your phone scans the code, so it cannot show it as well.</p>
</section>
</main>
${content.script ? `<script type="module" src="${PAIRING_SCRIPT_PATH}"></script>\n` : ''}</body>
</html>
`;
}

/** The page its script brings to life. */
export const PAIRING_HTML = page({ state: 'loading', headline: 'Loading...', detail: '', mark: 'QR', script: true });

/** The page for a link that cannot be used: `message` is the ticket error's own fixed wording. */
export function pairingRefusalHtml(message: string): string {
  return page({ state: 'refused', headline: 'This link cannot be used', detail: message, mark: '!', script: false });
}

const styleHash = createHash('sha256').update(STYLE).digest('base64');

/**
 * Headers of the page. The CSP admits only our own script, this page's one inline style (by hash),
 * the QR as a data: image and requests back to the manager. Framing stays allowed so an app can
 * embed it.
 */
export const PAIRING_HEADERS = pageHeaders({ styleSrc: `'sha256-${styleHash}'`, imgSrc: 'data:', framable: true });
