import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import busboy from 'busboy';
import { sendJson } from '@ansinh/common';

/** A multipart request the gateway refuses (answered 400, or the registry's status, with this message). */
export class MultipartError extends Error {
  readonly status: number;
  readonly publicMessage: string;

  constructor(message: string, status = 400) {
    super(message);
    this.status = status;
    this.publicMessage = message;
  }
}

function setAtPath(target: unknown, path: string, value: string): void {
  const keys = path.split('.');
  let node = target as Record<string, unknown>;
  for (const key of keys.slice(0, -1)) {
    if (typeof node[key] !== 'object' || node[key] === null)
      throw new MultipartError(`Đường dẫn "${path}" không có trong operations.`);
    node = node[key] as Record<string, unknown>;
  }
  node[keys.at(-1)!] = value;
}

/**
 * Reads a GraphQL multipart request (https://github.com/jaydenseric/graphql-multipart-request-spec):
 * each file is streamed to the registry's `/uploads` as it arrives (never held in memory), and its
 * variable becomes the stored file's id, which the registry's `Upload` scalar carries. Returns the
 * operations as an ordinary JSON request body.
 */
export function readMultipartOperations(
  request: IncomingMessage,
  upload: { url: string; headers: Record<string, string> },
): Promise<unknown> {
  return new Promise((resolve, reject) => {
    let operations: unknown;
    let map: Record<string, string[]> | undefined;
    const uploads: Promise<void>[] = [];
    const parser = busboy({
      headers: request.headers,
      limits: { files: 5, fields: 10, fieldSize: 2 * 1024 * 1024 },
    });
    parser.on('field', (name, value) => {
      try {
        if (name === 'operations') operations = JSON.parse(value);
        else if (name === 'map') map = JSON.parse(value) as Record<string, string[]>;
      } catch {
        reject(new MultipartError(`Trường "${name}" không phải JSON hợp lệ.`));
      }
    });
    parser.on('file', (name, stream, info) => {
      if (operations === undefined || !map) {
        stream.resume();
        reject(new MultipartError('Các trường "operations" và "map" phải đứng trước tệp.'));
        return;
      }
      const paths = map[name] ?? [];
      const stored = fetch(upload.url, {
        method: 'POST',
        headers: {
          ...upload.headers,
          'content-type': 'application/octet-stream',
          'x-file-name': encodeURIComponent(info.filename || name),
        },
        body: Readable.toWeb(stream) as ReadableStream,
        duplex: 'half',
      } as RequestInit).then(async (answer) => {
        const body = (await answer.json()) as { id?: string; error?: string; code?: string };
        if (!answer.ok || !body.id)
          throw new MultipartError(body.error ?? 'Không lưu được tệp.', answer.status);
        for (const path of paths) setAtPath(operations, path, body.id);
      });
      uploads.push(stored);
    });
    parser.on('error', reject);
    parser.on('close', () => {
      if (operations === undefined || !map)
        return reject(new MultipartError('Thiếu trường "operations" hoặc "map".'));
      Promise.all(uploads).then(() => resolve(operations), reject);
    });
    request.pipe(parser);
  });
}

/** `GET /import-report?id=`: the registry's import report, for the caller who ran the import. */
export async function proxyImportReport(
  request: IncomingMessage,
  response: ServerResponse,
  registryUrl: string,
): Promise<void> {
  const target = new URL('/import-report', registryUrl);
  target.search = new URL(request.url ?? '/', 'http://localhost').search;
  const answer = await fetch(target, {
    headers: request.headers.authorization ? { authorization: request.headers.authorization } : {},
  });
  if (!answer.ok || !answer.body) {
    return sendJson(response, answer.status, await answer.json().catch(() => ({ error: 'not found' })));
  }
  const headers: Record<string, string> = {};
  for (const name of ['content-type', 'content-length', 'content-disposition']) {
    const value = answer.headers.get(name);
    if (value) headers[name] = value;
  }
  response.writeHead(200, headers);
  for await (const chunk of Readable.fromWeb(answer.body as never)) response.write(chunk);
  response.end();
}
