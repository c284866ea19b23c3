import { createReadStream } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import { AppError, drained, sendJson, type Route } from '@ansinh/common';
import type { RegistryContext } from '../context.ts';
import { UploadAbortedError, UploadTooLargeError } from './upload-store.ts';

const STATUS: Record<string, number> = {
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  BAD_USER_INPUT: 400,
};

/** Runs a file route; a refusal answers with its status and a message an official can read. */
function fileRoute(
  contextOf: (request: IncomingMessage) => Promise<RegistryContext>,
  handle: (context: RegistryContext, request: IncomingMessage, response: ServerResponse) => Promise<void>,
): Route {
  return async (request, response) => {
    try {
      await handle(await contextOf(request), request, response);
    } catch (error) {
      // The client left mid-request: there is nobody to answer, and nothing was kept.
      if (error instanceof UploadAbortedError) return void response.destroy();
      const appError =
        error instanceof AppError
          ? error
          : (error as { originalError?: unknown }).originalError instanceof AppError
            ? (error as { originalError: AppError }).originalError
            : undefined;
      if (!appError && (error as { extensions?: { code?: string } }).extensions?.code === 'UNAUTHENTICATED') {
        return sendJson(response, 401, { error: (error as Error).message, code: 'UNAUTHENTICATED' });
      }
      if (!appError) throw error;
      const status = appError instanceof UploadTooLargeError ? 413 : (STATUS[appError.code] ?? 400);
      await drained(request);
      sendJson(response, status, { error: appError.message, code: appError.code });
    }
  };
}

/** The uploader's name for the file, for display only: decoded if it can be, bounded, no control characters or paths. */
export function uploadFileName(header: string | string[] | undefined): string {
  const raw = String(Array.isArray(header) ? header[0] : (header ?? '')).slice(0, 1024);
  let name: string;
  try {
    name = decodeURIComponent(raw);
  } catch {
    name = raw;
  }
  // eslint-disable-next-line no-control-regex
  name = name.replace(/[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069]/g, '');
  name = name.split(/[\\/]/).at(-1)!.trim().slice(0, 255);
  return name || 'upload';
}

/**
 * `POST /uploads`: the body is one file (the gateway sends each file of a GraphQL multipart request
 * here, with its name in `x-file-name`), stored for its uploader; answers `{ id }`, the value of the
 * `Upload` scalar. A file over the limit is refused with 413, from its declared length before it is
 * read when it has one. `DELETE /uploads?id=`: removes the caller's own upload (the gateway does so
 * once a request is answered). `GET /import-report?id=`: an import's XLSX report, for the official
 * who ran it.
 */
export function uploadRoutes(contextOf: (request: IncomingMessage) => Promise<RegistryContext>) {
  return {
    '/uploads': fileRoute(contextOf, async (context, request, response) => {
      const owner = () => context.session.requirePrincipal().subject;
      if (request.method === 'DELETE') {
        context.session.assert('person:write');
        const id = new URL(request.url ?? '/', 'http://localhost').searchParams.get('id') ?? '';
        await context.files.removeOwned(id, owner());
        response.writeHead(204).end();
        return;
      }
      if (request.method !== 'POST')
        return sendJson(response, 405, {
          error: 'Chỉ nhận POST (tải tệp lên) hoặc DELETE.',
          code: 'METHOD_NOT_ALLOWED',
        });
      context.session.assert('person:write');
      const declared = Number(request.headers['content-length'] ?? 0);
      if (declared > context.files.maxFileBytes) throw new UploadTooLargeError(context.files.maxFileBytes);
      const fileName = uploadFileName(request.headers['x-file-name']);
      const id = await context.files.save(request, owner(), fileName);
      sendJson(response, 201, { id });
    }),
    '/import-report': fileRoute(contextOf, async (context, request, response) => {
      context.session.assert('person:write');
      const id = new URL(request.url ?? '/', 'http://localhost').searchParams.get('id') ?? '';
      const report = await context.files.open(id, context.session.requirePrincipal().subject);
      const file = createReadStream(report.path);
      // Opened before the answer starts, so a file removed meanwhile is a 404, not a broken download.
      await new Promise<void>((resolve, reject) => {
        file.once('open', () => resolve());
        file.once('error', reject);
      }).catch(() => {
        throw new AppError('NOT_FOUND', 'Không tìm thấy báo cáo nhập (báo cáo chỉ được giữ 24 giờ).');
      });
      response.writeHead(200, {
        'content-type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
        'content-length': String(report.bytes),
        'content-disposition': `attachment; filename*=UTF-8''${encodeURIComponent(report.fileName)}`,
      });
      // A client that leaves mid-download closes the file; nothing else to do.
      await pipeline(file, response).catch(() => response.destroy());
    }),
  } satisfies Record<string, Route>;
}
