import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
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

/** Bounds of one multipart request; an official's list is one spreadsheet of a few MB. */
export type UploadLimits = {
  /** Largest file. */
  maxFileBytes: number;
  /** Largest request body: all its files and fields together. */
  maxRequestBytes: number;
  /** Most files in one request. */
  maxFiles: number;
  /** Largest `operations` or `map` field. */
  maxFieldBytes: number;
};

export const DEFAULT_UPLOAD_LIMITS: UploadLimits = {
  maxFileBytes: 50 * 1024 * 1024,
  maxRequestBytes: 100 * 1024 * 1024,
  maxFiles: 3,
  maxFieldBytes: 2 * 1024 * 1024,
};

const megabytes = (bytes: number) => `${Math.round((bytes / 1024 / 1024) * 10) / 10} MB`;
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
const SEGMENT = /^(?:[A-Za-z_][A-Za-z0-9_]{0,99}|\d{1,4})$/;
const FILE_FIELD = /^[A-Za-z0-9_-]{1,64}$/;
const MAX_PATHS_PER_FILE = 10;

/** JSON with objects that have no prototype, so no key (`__proto__` included) can reach `Object.prototype`. */
function parseJsonField(name: string, value: string): unknown {
  try {
    return JSON.parse(value, (_key, item: unknown) =>
      item !== null && typeof item === 'object' && !Array.isArray(item)
        ? Object.assign(Object.create(null) as object, item)
        : item,
    );
  } catch {
    throw new MultipartError(`Trường "${name}" không phải JSON hợp lệ.`);
  }
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);
const hasOwn = (target: object, key: string) => Object.prototype.hasOwnProperty.call(target, key);

/**
 * Checks one `map` path (`variables.file`, `variables.files.0`) against the operations: it must
 * lead, through own properties of plain objects and arrays only, to a `null` placeholder inside
 * `variables`. Returns the place where the file's id goes.
 */
export function uploadSlot(operations: unknown, path: unknown): { target: object; key: string } {
  const shown = typeof path === 'string' ? path.slice(0, 200) : JSON.stringify(path)?.slice(0, 200);
  const refuse = () =>
    new MultipartError(`Đường dẫn "${shown}" trong "map" không trỏ tới một biến tệp (variables.…).`);
  if (typeof path !== 'string' || path.length > 500) throw refuse();
  const keys = path.split('.');
  if (keys[0] !== 'variables' || keys.length < 2) throw refuse();
  if (keys.some((key) => FORBIDDEN_KEYS.has(key) || !SEGMENT.test(key))) throw refuse();
  let node: unknown = operations;
  for (const key of keys.slice(0, -1)) {
    if (!(isRecord(node) || Array.isArray(node)) || !hasOwn(node, key)) throw refuse();
    node = (node as Record<string, unknown>)[key];
  }
  const last = keys.at(-1)!;
  if (!(isRecord(node) || Array.isArray(node)) || !hasOwn(node, last)) throw refuse();
  if ((node as Record<string, unknown>)[last] !== null) throw refuse();
  return { target: node, key: last };
}

/** Checks `operations` and `map` together; returns each file field's places, in a Map. */
export function planUploads(
  operations: unknown,
  map: unknown,
  limits: UploadLimits,
): Map<string, { target: object; key: string }[]> {
  if (Array.isArray(operations))
    throw new MultipartError('Mỗi yêu cầu tải tệp chỉ được gửi một operation (không gửi theo lô).');
  if (!isRecord(operations) || typeof operations.query !== 'string')
    throw new MultipartError('Trường "operations" phải là một đối tượng JSON có "query".');
  if (!isRecord(map))
    throw new MultipartError('Trường "map" phải là một đối tượng JSON { "tên tệp": ["variables.…"] }.');
  const names = Object.keys(map);
  if (names.length === 0) throw new MultipartError('Trường "map" không có tệp nào.');
  if (names.length > limits.maxFiles)
    throw new MultipartError(`Mỗi yêu cầu chỉ được tải lên tối đa ${limits.maxFiles} tệp.`, 413);
  const plan = new Map<string, { target: object; key: string }[]>();
  const used = new Set<string>();
  for (const name of names) {
    const paths = map[name];
    if (
      !FILE_FIELD.test(name) ||
      !Array.isArray(paths) ||
      paths.length === 0 ||
      paths.length > MAX_PATHS_PER_FILE
    )
      throw new MultipartError(
        `Mục "${name.slice(0, 64)}" của "map" phải là một danh sách đường dẫn "variables.…".`,
      );
    // One file per variable: a second file for the same place would silently replace the first.
    for (const path of paths) {
      if (used.has(path as string))
        throw new MultipartError(
          `Biến "${String(path).slice(0, 200)}" chỉ nhận một tệp, nhưng "map" gửi hai tệp vào đó.`,
        );
      used.add(path as string);
    }
    plan.set(
      name,
      paths.map((path) => uploadSlot(operations, path)),
    );
  }
  return plan;
}

/** Where files go: the `/files` endpoint of the subgraph that runs the mutation, with the caller's credentials. */
export type UploadTarget = { url: string; headers: Record<string, string> };

/** Stored files of a refused request, deleted with the caller's credentials (a missing one is fine). */
async function removeStored(upload: UploadTarget, ids: string[]): Promise<void> {
  await Promise.all(
    ids.map(
      (id) =>
        fetch(`${upload.url}/${encodeURIComponent(id)}`, {
          method: 'DELETE',
          headers: upload.headers,
          signal: AbortSignal.timeout(10_000),
        })
          .then((answer) => answer.body?.cancel())
          .catch(() => undefined), // the store's expiry removes what could not be removed now
    ),
  );
}

/**
 * Reads a GraphQL multipart request (https://github.com/jaydenseric/graphql-multipart-request-spec):
 * once `operations` is read, `targetOf` names where its files go (the `/files` of the subgraph that
 * owns the mutation); each file is streamed there as it arrives (never held in memory), and its
 * variable becomes the stored file's id, which the subgraph's `Upload` scalar carries. Resolves with
 * the operations as an ordinary JSON request body. Stored files stay after the answer: the mutation
 * that received one decides its fate (an import hands it to its job), and the store's expiry
 * removes the rest.
 *
 * Everything a client can get wrong is a refusal (400, or 413 past a limit) that settles the
 * request once; files already stored for a refused request are deleted at once, and uploads still
 * streaming are aborted. No promise or stream is left without a handler.
 */
export function readMultipartOperations(
  request: IncomingMessage,
  targetOf: (operations: { query?: unknown; operationName?: unknown }) => UploadTarget,
  limits: UploadLimits = DEFAULT_UPLOAD_LIMITS,
): Promise<{ body: unknown }> {
  const maxBodyBytes = limits.maxRequestBytes;
  let upload: UploadTarget | undefined;
  return new Promise((resolve, reject) => {
    const stored: string[] = [];
    const aborter = new AbortController();
    let settled = false;
    let operations: unknown;
    let map: unknown;
    let plan: Map<string, { target: object; key: string }[]> | undefined;
    const received = new Set<string>();
    let pending = 0;
    let parsed = false;
    let parser: busboy.Busboy | undefined;

    const fail = (error: unknown) => {
      if (settled) return;
      settled = true;
      aborter.abort();
      if (parser) {
        request.unpipe(parser);
        parser.destroy();
      }
      // Node drains what the client still sends once the answer is written.
      request.resume();
      if (upload) void removeStored(upload, stored.splice(0));
      reject(
        error instanceof MultipartError
          ? error
          : new MultipartError('Yêu cầu tải tệp bị lỗi hoặc bị cắt giữa chừng; hãy gửi lại.'),
      );
    };
    const finishIfDone = () => {
      if (settled || !parsed || pending > 0) return;
      if (operations === undefined || map === undefined)
        return fail(new MultipartError('Thiếu trường "operations" hoặc "map".'));
      const missing = [...plan!.keys()].filter((name) => !received.has(name));
      if (missing.length)
        return fail(new MultipartError(`Thiếu tệp "${missing[0]}" mà trường "map" có nêu.`));
      settled = true;
      // Apollo gets ordinary objects again; the walk over client keys is done.
      resolve({ body: JSON.parse(JSON.stringify(operations)) });
    };

    let declared: number | undefined;
    const length = request.headers['content-length'];
    if (length !== undefined) {
      if (!/^\d{1,16}$/.test(length)) return fail(new MultipartError('Tiêu đề Content-Length không hợp lệ.'));
      declared = Number(length);
    }
    if (declared !== undefined && declared > maxBodyBytes)
      return fail(new MultipartError(`Yêu cầu quá lớn (tối đa ${megabytes(maxBodyBytes)}).`, 413));
    try {
      parser = busboy({
        headers: request.headers,
        limits: {
          files: limits.maxFiles,
          fields: 2,
          parts: limits.maxFiles + 2,
          fieldSize: limits.maxFieldBytes,
          fileSize: limits.maxFileBytes,
          fieldNameSize: 100,
          headerPairs: 20,
        },
      });
    } catch {
      return fail(new MultipartError('Yêu cầu multipart/form-data không hợp lệ (thiếu boundary).'));
    }

    let bytes = 0;
    request.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes > maxBodyBytes)
        fail(new MultipartError(`Yêu cầu quá lớn (tối đa ${megabytes(maxBodyBytes)}).`, 413));
    });
    request.on('aborted', () => fail(new MultipartError('Yêu cầu bị ngắt giữa chừng.')));
    request.on('error', fail);

    parser.on('field', (name, value, info) => {
      if (settled) return;
      if (info.nameTruncated || info.valueTruncated)
        return fail(
          new MultipartError(
            `Trường "${name.slice(0, 64)}" quá lớn (tối đa ${megabytes(limits.maxFieldBytes)}).`,
            413,
          ),
        );
      try {
        if (name === 'operations') {
          if (operations !== undefined) throw new MultipartError('Trường "operations" bị gửi hai lần.');
          operations = parseJsonField(name, value);
          if (operations !== null && typeof operations === 'object' && !Array.isArray(operations))
            upload = targetOf(operations as { query?: unknown; operationName?: unknown });
        } else if (name === 'map') {
          if (operations === undefined)
            throw new MultipartError('Trường "operations" phải đứng trước "map".');
          if (map !== undefined) throw new MultipartError('Trường "map" bị gửi hai lần.');
          map = parseJsonField(name, value);
          plan = planUploads(operations, map, limits);
        } else {
          throw new MultipartError(
            `Trường "${name.slice(0, 64)}" không được phép; chỉ có "operations", "map" và các tệp.`,
          );
        }
      } catch (error) {
        fail(error);
      }
    });

    parser.on('file', (name, stream, info) => {
      stream.on('error', fail);
      stream.on('limit', () =>
        fail(
          new MultipartError(
            `Tệp "${(info.filename || name).slice(0, 100)}" quá lớn (tối đa ${megabytes(limits.maxFileBytes)}).`,
            413,
          ),
        ),
      );
      if (settled) return void stream.resume();
      if (!plan || !upload)
        return fail(new MultipartError('Các trường "operations" và "map" phải đứng trước tệp.'));
      const target = upload;
      const slots = plan.get(name);
      if (!slots) return fail(new MultipartError(`Tệp "${name.slice(0, 64)}" không có trong trường "map".`));
      if (received.has(name)) return fail(new MultipartError(`Tệp "${name.slice(0, 64)}" bị gửi hai lần.`));
      received.add(name);
      pending++;
      fetch(target.url, {
        method: 'POST',
        headers: {
          ...target.headers,
          'content-type': info.mimeType || 'application/octet-stream',
          'x-file-name': encodeURIComponent((info.filename || name).slice(0, 255)),
        },
        // At the size limit busboy ends the file cleanly; the 'limit' handler has aborted this upload by then.
        body: Readable.toWeb(stream) as ReadableStream,
        duplex: 'half',
        signal: aborter.signal,
      } as RequestInit)
        .then(async (answer) => {
          const text = await answer.text();
          let answered: { id?: unknown; error?: unknown } = {};
          try {
            answered = JSON.parse(text) as typeof answered;
          } catch {
            // the status alone says what happened
          }
          if (!answer.ok || typeof answered.id !== 'string') {
            const message = typeof answered.error === 'string' ? answered.error : 'Không lưu được tệp.';
            throw new MultipartError(message, answer.ok ? 502 : answer.status);
          }
          if (settled) return void removeStored(target, [answered.id]);
          stored.push(answered.id);
          for (const slot of slots) (slot.target as Record<string, unknown>)[slot.key] = answered.id;
          pending--;
          finishIfDone();
        })
        .catch(fail);
    });
    parser.on('filesLimit', () =>
      fail(new MultipartError(`Mỗi yêu cầu chỉ được tải lên tối đa ${limits.maxFiles} tệp.`, 413)),
    );
    parser.on('fieldsLimit', () =>
      fail(new MultipartError('Chỉ có "operations", "map" và các tệp trong một yêu cầu tải tệp.')),
    );
    parser.on('partsLimit', () => fail(new MultipartError('Yêu cầu tải tệp có quá nhiều phần.', 413)));
    parser.on('error', fail);
    parser.on('close', () => {
      parsed = true;
      finishIfDone();
    });
    request.pipe(parser);
  });
}

/** Headers of a download passed on to the caller; the rest of the subgraph's answer stays behind. */
const DOWNLOAD_HEADERS = [
  'content-type',
  'content-length',
  'content-disposition',
  'x-content-type-options',
  'content-security-policy',
  'cache-control',
  'allow',
];

/**
 * Passes a file request (`GET`, `HEAD`, `DELETE`) on to a subgraph's `/files/<id>` with the
 * caller's credentials (`headers`), streaming the answer back as it arrives. A subgraph that has not answered
 * within `timeoutMs`, or cannot be reached, is a 502; one that breaks mid-file ends the answer early.
 */
export async function proxyFile(
  request: IncomingMessage,
  response: ServerResponse,
  target: URL,
  options: { headers: Record<string, string>; timeoutMs: number },
): Promise<void> {
  // A client that leaves stops the transfer from the subgraph too.
  const aborter = new AbortController();
  response.on('close', () => aborter.abort());
  const timer = setTimeout(() => aborter.abort(), options.timeoutMs);
  let answer: Response;
  try {
    answer = await fetch(target, {
      method: request.method ?? 'GET',
      headers: options.headers,
      signal: aborter.signal,
    });
  } catch {
    return sendJson(response, 502, {
      error: 'Không tải được tệp lúc này, hãy thử lại sau.',
      code: 'SERVICE_UNAVAILABLE',
    });
  } finally {
    clearTimeout(timer);
  }
  if (answer.status >= 500) {
    await answer.body?.cancel().catch(() => undefined);
    return sendJson(response, 502, {
      error: 'Không tải được tệp lúc này, hãy thử lại sau.',
      code: 'SERVICE_UNAVAILABLE',
    });
  }
  if (!answer.ok) {
    // The subgraph's refusal ({ error, code }), small by construction.
    const text = await answer.text().catch(() => '');
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      body = { error: 'Không tìm thấy tệp.', code: 'NOT_FOUND' };
    }
    return sendJson(response, answer.status, body);
  }
  const headers: Record<string, string> = {};
  for (const name of DOWNLOAD_HEADERS) {
    const value = answer.headers.get(name);
    if (value) headers[name] = value;
  }
  response.writeHead(answer.status, headers);
  if (!answer.body || request.method === 'HEAD') {
    await answer.body?.cancel().catch(() => undefined);
    return void response.end();
  }
  // A subgraph that fails mid-file, or a client that leaves, ends the answer early instead of hanging.
  await pipeline(Readable.fromWeb(answer.body as never), response).catch(() => response.destroy());
}
