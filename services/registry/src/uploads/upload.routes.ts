import { createReadStream } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { AppError, sendJson, type Route } from '@ansinh/common';
import type { RegistryContext } from '../context.ts';

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
      sendJson(response, STATUS[appError.code] ?? 400, { error: appError.message, code: appError.code });
    }
  };
}

/**
 * `POST /uploads`: the body is one file (the gateway sends each file of a GraphQL multipart request
 * here, with its name in `x-file-name`), stored for its uploader; answers `{ id }`, the value of the
 * `Upload` scalar. `GET /import-report?id=`: an import's XLSX report, for the official who ran it.
 */
export function uploadRoutes(contextOf: (request: IncomingMessage) => Promise<RegistryContext>) {
  return {
    '/uploads': fileRoute(contextOf, async (context, request, response) => {
      if (request.method !== 'POST') return sendJson(response, 405, { error: 'POST a file' });
      context.session.assert('person:write');
      const fileName = decodeURIComponent(String(request.headers['x-file-name'] ?? 'upload'));
      const id = await context.files.save(request, context.session.requirePrincipal().subject, fileName);
      sendJson(response, 201, { id });
    }),
    '/import-report': fileRoute(contextOf, async (context, request, response) => {
      context.session.assert('person:write');
      const id = new URL(request.url ?? '/', 'http://localhost').searchParams.get('id') ?? '';
      const report = await context.files.open(id, context.session.requirePrincipal().subject);
      response.writeHead(200, {
        'content-type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
        'content-length': String(report.bytes),
        'content-disposition': `attachment; filename*=UTF-8''${encodeURIComponent(report.fileName)}`,
      });
      createReadStream(report.path).pipe(response);
    }),
  } satisfies Record<string, Route>;
}
