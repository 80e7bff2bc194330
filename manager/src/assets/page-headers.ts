// The headers every HTML page of the manager is served with: a CSP that admits only our own script,
// the page's style and images as given, and requests back to the manager; no referrer (the viewer's
// and the pairing page's URLs hold a ticket), no caching, no type sniffing.

export interface PageHeadersOptions {
  /** The CSP's style-src, e.g. "'self'" or "'sha256-...'" for one inline style. */
  readonly styleSrc: string;
  /** The CSP's img-src. */
  readonly imgSrc: string;
  /** Whether another site may frame the page (an app embedding the viewer may). */
  readonly framable: boolean;
}

export function pageHeaders(options: PageHeadersOptions): Readonly<Record<string, string>> {
  const csp = [
    "default-src 'none'",
    "script-src 'self'",
    `style-src ${options.styleSrc}`,
    `img-src ${options.imgSrc}`,
    "connect-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    ...(options.framable ? [] : ["frame-ancestors 'none'"]),
  ];
  return {
    'Content-Type': 'text/html; charset=utf-8',
    'Content-Security-Policy': csp.join('; '),
    ...(options.framable ? {} : { 'X-Frame-Options': 'DENY' }),
    'Referrer-Policy': 'no-referrer',
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
  };
}
