import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { HeaderMap, type ApolloServer, type BaseContext, type ContextFunction } from '@apollo/server';
import { pino, type Logger } from 'pino';
import { requestIdOf, withRequestId } from '../server/request-context.ts';
import { z } from 'zod';

/** Limits of the HTTP layer; every service gets these unless its configuration says otherwise. */
/**
 * The HTTP limits as environment variables, the same for the gateway and every subgraph:
 * HTTP_MAX_BODY_MB (2), HTTP_HEADERS_TIMEOUT_SECONDS (15), HTTP_REQUEST_TIMEOUT_SECONDS (300).
 */
export const httpLimitsEnv = {
  HTTP_MAX_BODY_MB: z.coerce.number().positive().max(1024).default(2),
  HTTP_HEADERS_TIMEOUT_SECONDS: z.coerce.number().positive().max(600).default(15),
  HTTP_REQUEST_TIMEOUT_SECONDS: z.coerce.number().positive().max(3600).default(300),
};

export function httpLimitsOf(config: {
  HTTP_MAX_BODY_MB: number;
  HTTP_HEADERS_TIMEOUT_SECONDS: number;
  HTTP_REQUEST_TIMEOUT_SECONDS: number;
}): Partial<HttpLimits> {
  return {
    maxBodyBytes: Math.round(config.HTTP_MAX_BODY_MB * 1024 * 1024),
    headersTimeoutMs: config.HTTP_HEADERS_TIMEOUT_SECONDS * 1000,
    requestTimeoutMs: config.HTTP_REQUEST_TIMEOUT_SECONDS * 1000,
  };
}

export type HttpLimits = {
  /** Largest JSON request body. */
  maxBodyBytes: number;
  /** Time a client has to send all its headers (slow-loris defence). */
  headersTimeoutMs: number;
  /** Time a client has to send a whole request, body included (uploads of the largest file fit). */
  requestTimeoutMs: number;
  /** Idle time before a kept-alive connection is closed. */
  keepAliveTimeoutMs: number;
  /** Most headers read from one request. */
  maxHeadersCount: number;
};

export const DEFAULT_HTTP_LIMITS: HttpLimits = {
  maxBodyBytes: 2 * 1024 * 1024,
  headersTimeoutMs: 15_000,
  requestTimeoutMs: 5 * 60_000,
  keepAliveTimeoutMs: 5_000,
  maxHeadersCount: 100,
};

/** Codes of HTTP-level refusals, by status (GraphQL-level errors keep their own codes). */
const CODES: Record<number, string> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  408: 'REQUEST_TIMEOUT',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  429: 'TOO_MANY_REQUESTS',
  431: 'HEADERS_TOO_LARGE',
};

/** A request refused at the HTTP level, with a message an official can read. */
export class HttpError extends Error {
  readonly status: number;
  readonly publicMessage: string;

  constructor(status: number, message: string) {
    super(message);
    this.name = 'HttpError';
    this.status = status;
    this.publicMessage = message;
  }
}

const megabytes = (bytes: number) => `${Math.round((bytes / 1024 / 1024) * 10) / 10} MB`;

export const tooLarge = (limitBytes: number) =>
  new HttpError(413, `Yêu cầu quá lớn (tối đa ${megabytes(limitBytes)}).`);

/**
 * A plain HTTP route beside `/graphql`. Routes are keyed by path; a key ending in `/*` serves every
 * path below it (`/files/*` serves `/files/<id>`), an exact key wins over such a prefix.
 */
export type Route = (request: IncomingMessage, response: ServerResponse) => Promise<void> | void;

/** The route serving `pathname`: its exact key, else the longest `/*` key it lies below. */
export function routeFor(routes: ReadonlyMap<string, Route>, pathname: string): Route | undefined {
  const exact = routes.get(pathname);
  if (exact) return exact;
  let found: Route | undefined;
  let length = -1;
  for (const [key, route] of routes) {
    if (!key.endsWith('/*')) continue;
    const prefix = key.slice(0, -1);
    if (pathname.startsWith(prefix) && pathname.length > prefix.length && prefix.length > length) {
      found = route;
      length = prefix.length;
    }
  }
  return found;
}

/** What a multipart reader gives: the operations as a JSON body, and what to release once answered. */
export type MultipartBody = { body: unknown; release?: () => Promise<void> };

/** The request's declared length, or undefined when it streams in chunks; an invalid one is refused. */
export function declaredLength(request: IncomingMessage): number | undefined {
  const header = request.headers['content-length'];
  if (header === undefined) return undefined;
  if (!/^\d{1,16}$/.test(header)) throw new HttpError(400, 'Tiêu đề Content-Length không hợp lệ.');
  return Number(header);
}

/** Reads a body up to `limit` bytes: refused with 413 from its declared length before a byte is read. */
export async function readBody(request: IncomingMessage, limit: number): Promise<string> {
  const declared = declaredLength(request);
  if (declared !== undefined && declared > limit) throw tooLarge(limit);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > limit) throw tooLarge(limit);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Sends a JSON answer, unless the client is gone or an answer has already started. */
export function sendJson(response: ServerResponse, status: number, body: unknown): void {
  if (response.headersSent || response.destroyed || response.writableEnded) return;
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  });
  response.end(text);
}

/** An HTTP-level refusal in the shape of a GraphQL error answer. */
export function sendError(response: ServerResponse, status: number, message: string): void {
  sendJson(response, status, {
    errors: [
      {
        message,
        extensions: { code: CODES[status] ?? (status < 500 ? 'BAD_REQUEST' : 'INTERNAL_SERVER_ERROR') },
      },
    ],
  });
}

const CLIENT_ERRORS: Record<string, [number, string]> = {
  HPE_HEADER_OVERFLOW: [431, 'Tiêu đề của yêu cầu quá lớn.'],
  ERR_HTTP_REQUEST_TIMEOUT: [408, 'Yêu cầu gửi quá chậm nên đã bị ngắt.'],
  ERR_HTTP_HEADERS_TIMEOUT: [408, 'Tiêu đề của yêu cầu gửi quá chậm nên đã bị ngắt.'],
};

/**
 * Bounds what a client can hold of a server: time to send headers and the whole request (a
 * slow-loris client is cut off), idle kept-alive connections and header count; requests that
 * Node's parser refuses (bad framing, huge headers) get a JSON answer instead of a bare status.
 * Call it once on each service's `http.Server`, before `listen`.
 */
export function hardenHttpServer(server: Server, limits: Partial<HttpLimits> = {}): void {
  const settings = { ...DEFAULT_HTTP_LIMITS, ...limits };
  server.headersTimeout = settings.headersTimeoutMs;
  server.requestTimeout = settings.requestTimeoutMs;
  server.keepAliveTimeout = settings.keepAliveTimeoutMs;
  server.maxHeadersCount = settings.maxHeadersCount;
  // Node looks for expired requests on this interval (30 s by default), read when it starts listening.
  (server as { connectionsCheckingInterval?: number }).connectionsCheckingInterval = Math.max(
    250,
    Math.min(settings.headersTimeoutMs, settings.requestTimeoutMs) / 4,
  );
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => {
    if (!socket.writable || error.code === 'ECONNRESET') {
      socket.destroy();
      return;
    }
    const [status, message] = CLIENT_ERRORS[error.code ?? ''] ?? [400, 'Yêu cầu HTTP không hợp lệ.'];
    const body = JSON.stringify({ errors: [{ message, extensions: { code: CODES[status] } }] });
    socket.end(
      `HTTP/1.1 ${status} ${status === 431 ? 'Request Header Fields Too Large' : status === 408 ? 'Request Timeout' : 'Bad Request'}\r\n` +
        `content-type: application/json; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
    );
  });
}

export type ListenerOptions = {
  /** Where unexpected failures are logged, with the request id (the service's own logger). */
  logger?: Logger;
  limits?: Partial<HttpLimits>;
};

const fallbackLogger = pino({ name: 'http', level: 'warn' });

/** What is still read of a refused request's body so that its client gets the answer (see `drained`). */
const DRAIN_MAX_BYTES = 64 * 1024 * 1024;
const DRAIN_MAX_MS = 10_000;

/**
 * Waits until the rest of a refused request's body has arrived (and is thrown away), within bounds.
 * A client that is still sending when the server closes gets a connection reset instead of the
 * refusal (browsers and fetch report "network error", not "file too large"); a client announcing
 * more than the bounds is answered at once.
 */
export function drained(request: IncomingMessage): Promise<void> {
  if (request.complete || request.destroyed) return Promise.resolve();
  const declared = Number(request.headers['content-length'] ?? 0);
  if (declared > DRAIN_MAX_BYTES * 2) return Promise.resolve();
  return new Promise((resolve) => {
    let bytes = 0;
    const done = () => {
      clearTimeout(timer);
      request.off('data', count);
      resolve();
    };
    const count = (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes > DRAIN_MAX_BYTES) done();
    };
    const timer = setTimeout(done, DRAIN_MAX_MS);
    request.on('data', count);
    request.once('end', done);
    request.once('close', done);
    request.resume();
  });
}

/** The public side of a failure: one with a public message keeps it and its status, anything else is a bare 500. */
function publicFailure(error: unknown): { status: number; message: string } {
  const { status, publicMessage } = error as { status?: unknown; publicMessage?: unknown };
  if (typeof status === 'number' && status >= 400 && status < 600 && typeof publicMessage === 'string')
    return { status, message: publicMessage };
  return { status: 500, message: 'Lỗi hệ thống, vui lòng thử lại sau.' };
}

const JSON_TYPE = /^application\/(?:graphql-response\+)?json\s*(?:;|$)/i;

/**
 * Serves an Apollo Server on Node's own http module: `/graphql` for GraphQL, plus the extra routes
 * given (health and readiness). Apollo Server 5 has no built-in framework integration, and the
 * graph needs nothing from a web framework. Every request runs with its request id (the caller's
 * `x-request-id` when it is a safe one, else a new one, set on the request for what runs later);
 * every failure is answered (a refusal as 4xx with its message, anything else as a logged 500)
 * and never escapes as an unhandled rejection.
 */
export function graphqlRequestListener<TContext extends BaseContext>(
  server: ApolloServer<TContext>,
  context: ContextFunction<[IncomingMessage], TContext>,
  routes: Record<string, Route> = {},
  /** Turns a `multipart/form-data` request (file uploads) into the JSON body of its operations. */
  readMultipart?: (request: IncomingMessage) => Promise<MultipartBody>,
  options: ListenerOptions = {},
) {
  const limits = { ...DEFAULT_HTTP_LIMITS, ...options.limits };
  const logger = options.logger ?? fallbackLogger;
  const table = new Map(Object.entries(routes));

  const handle = async (request: IncomingMessage, response: ServerResponse, requestId: string) => {
    let release: (() => Promise<void>) | undefined;
    const releaseOnce = async () => {
      const pending = release;
      release = undefined;
      await pending?.().catch((error: unknown) =>
        logger.warn({ err: error, requestId }, 'upload release failed'),
      );
    };
    try {
      const url = new URL(request.url ?? '/', 'http://localhost');
      const route = routeFor(table, url.pathname);
      if (route) return await route(request, response);
      if (url.pathname !== '/graphql' && url.pathname !== '/')
        return sendError(response, 404, 'Không có địa chỉ này. API GraphQL ở /graphql.');

      const headers = new HeaderMap();
      for (const [name, value] of Object.entries(request.headers)) {
        if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
      }
      const contentType = headers.get('content-type') ?? '';
      let body: unknown;
      if (request.method === 'POST') {
        if (readMultipart && /^multipart\/form-data\b/i.test(contentType)) {
          const multipart = await readMultipart(request);
          release = multipart.release;
          body = multipart.body;
          headers.set('content-type', 'application/json');
        } else if (JSON_TYPE.test(contentType)) {
          const raw = await readBody(request, limits.maxBodyBytes);
          try {
            body = JSON.parse(raw);
          } catch {
            return sendError(response, 400, 'Thân yêu cầu không phải JSON hợp lệ.');
          }
          if (typeof body !== 'object' || body === null || Array.isArray(body))
            return sendError(response, 400, 'Thân yêu cầu phải là một đối tượng JSON { "query": ... }.');
        } else {
          return sendError(
            response,
            400,
            'Yêu cầu POST phải có Content-Type application/json' +
              (readMultipart ? ' (hoặc multipart/form-data khi tải tệp lên).' : '.'),
          );
        }
      }
      const result = await server.executeHTTPGraphQLRequest({
        httpGraphQLRequest: { method: request.method ?? 'GET', headers, search: url.search, body },
        context: () => context(request),
      });
      // Files the operation did not keep are removed before it is answered, so none outlives the request.
      if (release) await releaseOnce();
      if (response.destroyed) return;
      for (const [name, value] of result.headers) response.setHeader(name, value);
      response.statusCode = result.status ?? 200;
      if (result.body.kind === 'complete') {
        response.end(result.body.string);
      } else {
        for await (const chunk of result.body.asyncIterator) {
          if (response.destroyed) break;
          response.write(chunk);
        }
        response.end();
      }
    } catch (error) {
      // A client that left mid-request: nobody to answer, nothing of ours failed.
      if (request.destroyed && (error as NodeJS.ErrnoException).code === 'ECONNRESET')
        return void response.destroy();
      const { status, message } = publicFailure(error);
      if (status >= 500) logger.error({ err: error, requestId, url: request.url }, 'request failed');
      if (response.headersSent) return void response.destroy();
      await drained(request);
      sendError(response, status, message);
    } finally {
      await releaseOnce();
    }
  };

  return (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const requestId = requestIdOf(request.headers['x-request-id']);
    request.headers['x-request-id'] = requestId;
    response.setHeader('x-request-id', requestId);
    // A client that goes away mid-request: its socket errors are expected, not failures of ours.
    request.on('error', () => undefined);
    response.on('error', () => undefined);
    return withRequestId(requestId, () =>
      handle(request, response, requestId).catch((error: unknown) => {
        logger.error({ err: error, requestId }, 'request handler failed');
        response.destroy();
      }),
    );
  };
}
