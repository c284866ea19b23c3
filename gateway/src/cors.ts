import type { IncomingMessage, ServerResponse } from 'node:http';

/** What a browser page of an allowed origin may send: the bearer token, JSON or multipart bodies, its request id. */
const ALLOWED_METHODS = 'GET, HEAD, POST, DELETE';
const ALLOWED_HEADERS = 'authorization, content-type, x-request-id, apollo-require-preflight';
/** What such a page may read of an answer beyond the simple headers: a download's name, the request id, when to retry. */
const EXPOSED_HEADERS = 'content-disposition, x-request-id, retry-after';
const PREFLIGHT_MAX_AGE_SECONDS = '600';

/**
 * An origin as browsers send it (`scheme://host[:port]`, nothing after), or null. Wildcards, paths and
 * `null` are refused: each origin allowed is one exact page origin.
 */
export function exactOrigin(value: string): string | null {
  try {
    const url = new URL(value);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
    // The URL parser takes `*` in a host name; no browser sends it.
    if (!/^([a-z0-9-]+\.)*[a-z0-9-]+$|^\[[0-9a-f:.]+\]$/.test(url.hostname)) return null;
    return url.origin === value ? value : null;
  } catch {
    return null;
  }
}

/**
 * Cross-origin access for the pages of the listed origins (the admin console served apart from the
 * gateway): their requests get `access-control-allow-origin` with their own origin, and their
 * preflights (OPTIONS) are answered here. Other origins get no CORS header at all, so browsers keep
 * their pages out; callers that are not browsers are not affected. No credentials: pages send a
 * bearer token, never cookies. Returns whether the request was answered (a preflight).
 */
export function corsHandler(allowedOrigins: readonly string[]) {
  const allowed = new Set(allowedOrigins);
  return (request: IncomingMessage, response: ServerResponse): boolean => {
    if (allowed.size === 0) return false;
    // The answer differs by Origin: caches must keep one per origin.
    response.setHeader('vary', 'Origin');
    const origin = request.headers.origin;
    const permitted = origin !== undefined && allowed.has(origin);
    const preflight = request.method === 'OPTIONS' && request.headers['access-control-request-method'];
    if (!preflight) {
      if (permitted) {
        response.setHeader('access-control-allow-origin', origin);
        response.setHeader('access-control-expose-headers', EXPOSED_HEADERS);
      }
      return false;
    }
    if (!permitted) {
      response.writeHead(403).end();
      return true;
    }
    response
      .writeHead(204, {
        'access-control-allow-origin': origin,
        'access-control-allow-methods': ALLOWED_METHODS,
        'access-control-allow-headers': ALLOWED_HEADERS,
        'access-control-max-age': PREFLIGHT_MAX_AGE_SECONDS,
      })
      .end();
    return true;
  };
}
