// The pairing page's script (bundled for the browser by scripts/build.mjs). It trades the link's
// ticket for a pairing session only when asked to show the code, so a link first opened on the phone
// by mistake still works on a computer. Then it shows each QR the manager hands out, waits for the
// scan in a loop of long requests (each answer is the next state: a new QR, linked, expired, failed)
// and counts the login's time down. The session token lives in this tab's sessionStorage only, so a
// reload picks the session up again.
import type { PairingView } from '../../pairing/pairing-session.js';

type PageState = 'loading' | 'ready' | 'starting' | 'qr' | 'linked' | 'already-linked' | 'expired' | 'failed' | 'refused' | 'ended';

type SessionAnswer = PairingView & { readonly token?: string };

const QR_PREFIX = 'data:image/png;base64,';
const RETRY_DELAY_MS = 2_000;
/** Network failures in a row before the page stops retrying. */
const MAX_NETWORK_FAILURES = 5;
/** Less session time than this is too little for another login. */
const MIN_TIME_FOR_LOGIN_MS = 20_000;
/** Refusals that end the session for this page (the manager's pairing error codes). */
const SESSION_OVER = new Set(['PAIRING_SESSION_ENDED', 'PAIRING_ATTEMPTS_USED', 'PAIRING_SUPERSEDED']);
const LINK_REFUSED = new Set(['PAIRING_TICKET_INVALID', 'PAIRING_TICKET_EXPIRED', 'PAIRING_TICKET_USED']);
/** The instance cannot answer now; its API-facing message is not for the person at this page. */
const NOT_RUNNING = new Set(['INSTANCE_NOT_FOUND', 'INSTANCE_STOPPED', 'INSTANCE_NOT_READY', 'UNAVAILABLE', 'RUNTIME_UNAVAILABLE']);

const element = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;
const ui = {
  headline: element('headline'),
  detail: element('detail'),
  qr: element<HTMLImageElement>('qr'),
  mark: element('mark'),
  countdown: element('countdown'),
  timeLeft: element<HTMLProgressElement>('time-left'),
  actions: element('actions'),
  action: element<HTMLButtonElement>('action'),
};

/** An answer of the manager other than 2xx: its status, code and message. */
class Refused extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** `text` ending as a sentence, so another can follow it (gateway messages may end without a stop). */
const sentence = (text: string): string => (/[.!?]$/.test(text) ? text : `${text}.`);

/** `/pair/<userId>` -> the user id, or undefined. */
function userIdFromPath(pathname: string): string | undefined {
  const match = /^\/pair\/([^/]+)\/?$/.exec(pathname);
  return match?.[1] === undefined ? undefined : decodeURIComponent(match[1]);
}

const userId = userIdFromPath(location.pathname);
const storageKey = `openclaw-pairing/${userId ?? ''}`;
let token: string | undefined;
let last: PairingView | undefined;

function show(state: PageState, headline: string, detail: string, mark = ''): void {
  document.body.dataset.state = state;
  ui.headline.textContent = headline;
  ui.detail.textContent = detail;
  ui.mark.textContent = mark;
}

/** Shows the one button with `label` (none without), running `run` once per click. */
function offer(label?: string, run?: () => void): void {
  ui.actions.hidden = label === undefined;
  ui.action.disabled = false;
  ui.action.textContent = label ?? '';
  ui.action.onclick = run
    ? () => {
        ui.action.disabled = true;
        run();
      }
    : null;
}

let ticking: ReturnType<typeof setInterval> | undefined;
let deadline = 0;

function tick(): void {
  const left = Math.max(0, deadline - performance.now());
  const seconds = Math.ceil(left / 1000);
  ui.countdown.textContent = seconds > 0
    ? `This code works for ${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')} more`
    : 'This code is expiring...';
  ui.timeLeft.value = left / 1000;
}

/** Counts down `leftMs`; the bar starts full at `totalMs`. */
function countDown(leftMs: number, totalMs: number): void {
  deadline = performance.now() + leftMs;
  ui.timeLeft.max = Math.max(totalMs, leftMs) / 1000;
  tick();
  ticking ??= setInterval(tick, 1000);
}

function stopCountdown(): void {
  clearInterval(ticking);
  ticking = undefined;
}

function forget(): void {
  sessionStorage.removeItem(storageKey);
}

async function api(method: 'GET' | 'POST', path: string, body?: unknown): Promise<SessionAnswer> {
  const headers: Record<string, string> = {};
  if (token !== undefined) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(`/pair/${encodeURIComponent(userId ?? '')}/${path}`, {
    method,
    headers,
    cache: 'no-store',
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const answer = (await res.json().catch(() => undefined)) as (SessionAnswer & { error?: string; code?: string }) | undefined;
  if (!res.ok) throw new Refused(res.status, answer?.code ?? 'UNKNOWN', answer?.error ?? `The server answered ${res.status}.`);
  if (answer === undefined) throw new Refused(res.status, 'UNKNOWN', 'The server answered without a state.');
  return answer;
}

const canLoginAgain = (view: PairingView | undefined): boolean =>
  view !== undefined && view.attemptsLeft > 0 && view.expiresInMs > MIN_TIME_FOR_LOGIN_MS;

function againText(view: PairingView | undefined): string {
  if (!canLoginAgain(view) || view === undefined) return 'No tries are left with this link: ask for a new one.';
  return `You can try again (${view.attemptsLeft} ${view.attemptsLeft === 1 ? 'try' : 'tries'} left).`;
}

/** The button that starts another login, when the session still allows one. */
function offerAgain(label: string): void {
  if (canLoginAgain(last)) offer(label, () => void login());
  else {
    forget();
    offer();
  }
}

function render(view: PairingView): void {
  last = view;
  if (view.state !== 'qr') stopCountdown();
  switch (view.state) {
    case 'ready':
      show('ready', 'Ready when you are', 'Have your phone at hand, then show the QR code.', 'QR');
      offer('Show the QR code', () => void login());
      return;
    case 'qr': {
      const fresh = document.body.dataset.state !== 'qr';
      if (view.qrDataUrl?.startsWith(QR_PREFIX) && ui.qr.getAttribute('src') !== view.qrDataUrl) ui.qr.src = view.qrDataUrl;
      const left = view.qrExpiresInMs ?? 0;
      countDown(left, fresh ? left : ui.timeLeft.max * 1000);
      show('qr', 'Scan this QR code with WhatsApp', 'WhatsApp renews the code now and then; this page redraws it by itself.');
      offer();
      return;
    }
    case 'linked':
      forget();
      show('linked', 'WhatsApp is linked', `${sentence(view.message)} You can close this page.`, '\u2713');
      offer();
      return;
    case 'already-linked':
      forget();
      show('already-linked', 'WhatsApp was linked already', `${sentence(view.message)} There is nothing to do here.`, '\u2713');
      offer();
      return;
    case 'expired':
      show('expired', 'The QR code expired before it was scanned', againText(view), '!');
      offerAgain('Show a new QR code');
      return;
    case 'failed':
      show('failed', 'Linking failed', `${sentence(view.message)} ${againText(view)}`, '!');
      offerAgain('Try again');
  }
}

function refused(err: Refused): void {
  stopCountdown();
  if (LINK_REFUSED.has(err.code)) {
    show('refused', 'This link cannot be used', err.message, '!');
    offer();
  } else if (SESSION_OVER.has(err.code)) {
    forget();
    show('ended', 'This pairing has ended', err.message, '!');
    offer();
  } else if (err.code === 'WHATSAPP_PLUGIN_MISSING') {
    forget();
    show('failed', 'Linking failed', 'WhatsApp is not available for this account. Contact its support.', '!');
    offer();
  } else {
    const why = NOT_RUNNING.has(err.code) ? 'Your assistant is not running right now.' : sentence(err.message);
    show('failed', 'Linking failed', `${why} ${againText(last)}`, '!');
    offerAgain('Try again');
  }
}

/** Shows each state from `first` on, waiting for the next one while a QR is up. */
async function follow(first: () => Promise<PairingView>): Promise<void> {
  let next = first;
  let failures = 0;
  for (;;) {
    let view: PairingView;
    try {
      view = await next();
      failures = 0;
    } catch (err) {
      if (err instanceof Refused) return refused(err);
      // The network dropped (a phone asleep, a proxy); the session keeps its state meanwhile.
      failures += 1;
      if (failures > MAX_NETWORK_FAILURES) {
        stopCountdown();
        show('failed', 'The connection to the server was lost', 'Check the network, then try again.', '!');
        offer('Try again', () => void follow(() => api('GET', 'session')));
        return;
      }
      ui.detail.textContent = 'The connection dropped; trying again...';
      await sleep(RETRY_DELAY_MS);
      continue;
    }
    render(view);
    if (view.state !== 'qr') return;
    next = () => api('POST', 'wait');
  }
}

function login(): Promise<void> {
  show('starting', 'Getting a QR code from WhatsApp...', 'This takes a few seconds.', '...');
  offer();
  return follow(() => api('POST', 'login'));
}

async function open(ticket: string): Promise<void> {
  show('starting', 'Opening the pairing...', '', '...');
  offer();
  try {
    const opened = await api('POST', 'session', { ticket });
    token = opened.token;
    if (token !== undefined) sessionStorage.setItem(storageKey, token);
  } catch (err) {
    if (!(err instanceof Refused)) {
      show('failed', 'The server could not be reached', 'Check the network, then try again.', '!');
      offer('Try again', () => void open(ticket));
      return;
    }
    history.replaceState(null, '', location.pathname);
    return refused(err);
  }
  // The ticket is used up: keep it out of the history and out of a reload.
  history.replaceState(null, '', location.pathname);
  await login();
}

function start(): void {
  if (userId === undefined) {
    show('refused', 'This link is incomplete', 'Ask for a new pairing link.', '!');
    return;
  }
  const ticket = new URLSearchParams(location.search).get('ticket');
  if (ticket) {
    show('ready', 'Ready when you are', 'Have your phone at hand, then show the QR code.', 'QR');
    offer('Show the QR code', () => void open(ticket));
    return;
  }
  token = sessionStorage.getItem(storageKey) ?? undefined;
  if (token === undefined) {
    show('refused', 'This link is incomplete', 'It carries no ticket (or was opened in another tab); ask for a new pairing link.', '!');
    return;
  }
  show('starting', 'Picking up where you left off...', '', '...');
  void follow(() => api('GET', 'session'));
}

start();
