import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, resolve, sep } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import type { ConsoleConfig } from '../src/config.ts';

export type { ConsoleConfig };

/** Where the built single-page app is (`vite build`). */
export const CONSOLE_DIST = fileURLToPath(new URL('../dist/', import.meta.url));

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json; charset=utf-8',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

const originOf = (url: string) => new URL(url).origin;

/** The page may talk only to itself, the gateway and Keycloak, and be framed by no one else. */
function securityHeaders(config: ConsoleConfig): Record<string, string> {
  const remote = [...new Set([originOf(config.graphqlUrl), originOf(config.keycloakUrl)])].join(' ');
  return {
    'content-security-policy': [
      "default-src 'self'",
      `connect-src 'self' ${remote}`,
      `frame-src ${originOf(config.keycloakUrl)}`,
      "img-src 'self' data: blob:",
      "style-src 'self'",
      "frame-ancestors 'none'",
      "base-uri 'none'",
      "form-action 'self'",
    ].join('; '),
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
  };
}

/** A file of the build under `dist`, or null (traversal, a folder, nothing there). */
async function fileIn(dist: string, pathname: string): Promise<{ path: string; size: number } | null> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return null;
  }
  if (decoded.includes('\0')) return null;
  const path = resolve(dist, `.${decoded}`);
  if (!path.startsWith(dist.endsWith(sep) ? dist : dist + sep)) return null;
  const found = await stat(path).catch(() => null);
  return found?.isFile() ? { path, size: found.size } : null;
}

export type RunningConsole = {
  url: string;
  port: number;
  /** Points the app at another gateway or Keycloak (tests start the console before the stack). */
  setConfig(config: ConsoleConfig): void;
  stop(): Promise<void>;
};

/**
 * Serves the built console and nothing else: its files (hashed assets cached for a year, the page
 * never), `/config.json`, `/health`, and `index.html` for the app's own paths (the app routes them).
 * GET and HEAD only.
 */
export async function startConsoleServer(options: {
  config: ConsoleConfig;
  port?: number;
  host?: string;
  dist?: string;
}): Promise<RunningConsole> {
  const dist = resolve(options.dist ?? CONSOLE_DIST);
  let config = options.config;
  let headers = securityHeaders(config);

  async function send(request: IncomingMessage, response: ServerResponse): Promise<void> {
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    const { pathname } = new URL(request.url ?? '/', 'http://console');
    if (pathname === '/health') {
      response.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' }).end('ok');
      return;
    }
    if (pathname === '/config.json') {
      response
        .writeHead(200, { 'content-type': TYPES['.json']!, 'cache-control': 'no-cache', ...headers })
        .end(request.method === 'HEAD' ? undefined : JSON.stringify(config));
      return;
    }
    let file = pathname.endsWith('/') ? null : await fileIn(dist, pathname);
    // The app's own paths (no file extension) are the page; a missing asset is not.
    if (!file && extname(pathname) === '') file = await fileIn(dist, '/index.html');
    if (!file) {
      response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('Không có tệp này.');
      return;
    }
    const immutable = file.path.startsWith(join(dist, 'assets') + sep);
    response.writeHead(200, {
      'content-type': TYPES[extname(file.path)] ?? 'application/octet-stream',
      'content-length': String(file.size),
      'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
      ...headers,
    });
    if (request.method === 'HEAD') {
      response.end();
      return;
    }
    await pipeline(createReadStream(file.path), response);
  }

  const server = createServer((request, response) => {
    send(request, response).catch(() => {
      if (!response.headersSent) response.writeHead(500).end();
      else response.destroy();
    });
  });
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;
  await new Promise<void>((done) => server.listen(options.port ?? 4100, options.host ?? '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://localhost:${port}`,
    port,
    setConfig(next) {
      config = next;
      headers = securityHeaders(next);
    },
    stop: () =>
      new Promise<void>((done) => {
        server.close(() => done());
        server.closeAllConnections();
      }),
  };
}
