import type { IncomingMessage, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import type { Action } from '../auth/permissions.ts';
import type { Session } from '../auth/session.ts';
import { DATABASE_UNAVAILABLE_MESSAGE, databaseUnavailable } from '../db/database-unavailable.ts';
import { AppError, forbidden } from '../errors/app-error.ts';
import { declaredLength, drained, sendJson, type Route } from '../http/graphql-http.ts';
import { UUID_FORMAT } from '../text/text-policy.ts';
import { uploadFileName } from './file-name.ts';
import { fileNotFound, FileTooLargeError, type FileStore, type StoredFile } from './file-store.ts';

/** What the file routes need of a subgraph's per-request context. */
export type FileRouteContext = { session: Session; files: FileStore };

const STATUS: Record<string, number> = {
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  BAD_USER_INPUT: 400,
  CONFLICT: 409,
};

type Refusal = { status: number; code: string; message: string };

/** The answer to an expected failure, or undefined for one that is a fault of ours (a logged 500). */
function refusalOf(error: unknown): Refusal | undefined {
  if (error instanceof FileTooLargeError)
    return { status: 413, code: 'PAYLOAD_TOO_LARGE', message: error.message };
  if (error instanceof AppError)
    return { status: STATUS[error.code] ?? 400, code: error.code, message: error.message };
  // The session's own refusals (a bad token, the database down) come as GraphQL errors.
  const { extensions, message } = error as {
    extensions?: { code?: unknown; http?: { status?: unknown } };
    message?: string;
  };
  if (typeof extensions?.code === 'string' && typeof message === 'string') {
    const status =
      typeof extensions.http?.status === 'number' ? extensions.http.status : (STATUS[extensions.code] ?? 400);
    return { status, code: extensions.code, message };
  }
  if (databaseUnavailable(error))
    return { status: 503, code: 'SERVICE_UNAVAILABLE', message: DATABASE_UNAVAILABLE_MESSAGE };
  return undefined;
}

/** Runs a file route; a refusal answers with its status and `{ error, code }`, a message an official can read. */
function fileRoute(
  contextOf: (request: IncomingMessage) => Promise<FileRouteContext>,
  handle: (context: FileRouteContext, request: IncomingMessage, response: ServerResponse) => Promise<void>,
): Route {
  return async (request, response) => {
    try {
      await handle(await contextOf(request), request, response);
    } catch (error) {
      // The client left mid-request: nobody to answer, and put() kept nothing.
      if (request.destroyed && !(error instanceof AppError)) return void response.destroy();
      const refusal = refusalOf(error);
      if (!refusal) throw error;
      if (response.headersSent) return void response.destroy();
      await drained(request);
      sendJson(response, refusal.status, { error: refusal.message, code: refusal.code });
    }
  };
}

const methodNotAllowed = (response: ServerResponse, allowed: string) => {
  response.setHeader('allow', allowed);
  sendJson(response, 405, { error: `Chỉ nhận ${allowed}.`, code: 'METHOD_NOT_ALLOWED' });
};

/** The caller's scope; a session whose unit is unknown has none. */
function scopeOf(session: Session): string {
  session.requirePrincipal();
  if (!session.scopePath)
    throw forbidden('Đơn vị của tài khoản không có trong danh mục đơn vị hành chính. Liên hệ quản trị viên.');
  return session.scopePath;
}

/** `attachment` with the name in both forms: plain ASCII for old clients, UTF-8 for the rest. */
function contentDisposition(fileName: string): string {
  const ascii =
    fileName
      .normalize('NFD')
      .replace(/[^\x20-\x7e]/g, '')
      .replace(/["\\%]/g, '_') || 'download';
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(fileName)}`;
}

function downloadHeaders(file: StoredFile): Record<string, string> {
  return {
    'content-type': file.contentType,
    'content-length': String(file.bytes),
    'content-disposition': contentDisposition(file.fileName),
    // A file is the uploader's bytes: never rendered or sniffed by a browser on the API's origin, never cached.
    'x-content-type-options': 'nosniff',
    'content-security-policy': "default-src 'none'; sandbox",
    'cache-control': 'private, no-store',
  };
}

/**
 * A subgraph's files over HTTP, for any signed-in caller (what a file may be used for is decided by
 * the operations that use it):
 * - `POST /files`: the body is one file (name in `x-file-name`, percent-encoded; its type in
 *   `content-type`), stored for the caller's unit until FILE_TTL_HOURS; answers 201 `{ id }`, the
 *   value of an `Upload` argument. A declared length past the store's limit is refused with 413
 *   before a byte is read, and an undeclared one when it passes the limit (nothing kept).
 * - `GET /files/<id>` (and HEAD): streams the file to a caller whose unit covers the file's; 404 otherwise.
 * - `DELETE /files/<id>`: removes it, within the same scope (204, also when there was nothing).
 */
export function fileRoutes(
  contextOf: (request: IncomingMessage) => Promise<FileRouteContext>,
  options: {
    /** What an upload needs: a subgraph stores files only for the work it takes them for (an import). */
    uploadAction?: Action;
  } = {},
): Record<string, Route> {
  return {
    '/files': fileRoute(contextOf, async ({ session, files }, request, response) => {
      if (request.method !== 'POST') return methodNotAllowed(response, 'POST');
      if (options.uploadAction) session.assert(options.uploadAction);
      const unitPath = scopeOf(session);
      const { subject, unitCode } = session.requirePrincipal();
      const declared = declaredLength(request);
      if (declared !== undefined && declared > files.maxFileBytes)
        throw new FileTooLargeError(files.maxFileBytes);
      // The request stays open when the file is refused, so that the 413 reaches the client.
      const file = await files.put(request.iterator({ destroyOnReturn: false }), {
        fileName: uploadFileName(request.headers['x-file-name']),
        contentType: request.headers['content-type'] ?? 'application/octet-stream',
        owner: { subject, unitCode, unitPath },
      });
      sendJson(response, 201, { id: file.id });
    }),
    '/files/*': fileRoute(contextOf, async ({ session, files }, request, response) => {
      const method = request.method ?? 'GET';
      if (!['GET', 'HEAD', 'DELETE'].includes(method)) return methodNotAllowed(response, 'GET, HEAD, DELETE');
      const scope = scopeOf(session);
      const id = new URL(request.url ?? '/', 'http://localhost').pathname.slice('/files/'.length);
      if (!UUID_FORMAT.test(id)) throw fileNotFound();
      if (method === 'DELETE') {
        await files.remove(id, scope);
        return void response.writeHead(204).end();
      }
      if (method === 'HEAD') {
        const file = await files.stat(id, scope);
        return void response.writeHead(200, downloadHeaders(file)).end();
      }
      const { file, content } = await files.read(id, scope);
      response.writeHead(200, downloadHeaders(file));
      // A store that fails mid-file, or a client that leaves, ends the answer early instead of hanging.
      await pipeline(content, response).catch(() => response.destroy());
    }),
  };
}
