import { connect } from 'node:net';

/** What a raw HTTP exchange gave: the status and body, or a connection the server dropped. */
export type RawAnswer = { status: number; body: string } | { status: 'dropped'; body: string };

/**
 * Sends bytes over a fresh socket, exactly as given (so a request can be malformed at any level),
 * and reads the answer until the server closes. `abortAfterMs` closes the socket from this side
 * instead, mid-request, as a client that goes away does.
 */
export function rawExchange(
  port: number,
  bytes: Buffer,
  options: { abortAfterMs?: number; timeoutMs?: number } = {},
): Promise<RawAnswer> {
  return new Promise((resolve) => {
    const socket = connect({ port, host: '127.0.0.1' });
    const chunks: Buffer[] = [];
    let settled = false;
    const finish = () => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(parseAnswer(Buffer.concat(chunks)));
    };
    const timer = setTimeout(finish, options.timeoutMs ?? 15_000);
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('end', finish);
    socket.on('close', finish);
    socket.on('error', finish);
    socket.on('connect', () => {
      socket.write(bytes, () => {
        if (options.abortAfterMs !== undefined) setTimeout(finish, options.abortAfterMs);
      });
    });
  });
}

function parseAnswer(raw: Buffer): RawAnswer {
  const match = /^HTTP\/1\.[01] (\d{3})/.exec(raw.subarray(0, 16).toString('latin1'));
  if (!match) return { status: 'dropped', body: raw.toString('utf8') };
  const split = raw.indexOf('\r\n\r\n');
  const head = raw.subarray(0, split).toString('latin1');
  let body = split < 0 ? Buffer.alloc(0) : raw.subarray(split + 4);
  if (/^transfer-encoding:\s*chunked/im.test(head)) body = unchunk(body);
  return { status: Number(match[1]), body: body.toString('utf8') };
}

function unchunk(body: Buffer): Buffer {
  const parts: Buffer[] = [];
  let rest = body;
  for (;;) {
    const line = rest.indexOf('\r\n');
    if (line < 0) break;
    const size = parseInt(rest.subarray(0, line).toString('latin1'), 16);
    if (!size) break;
    parts.push(rest.subarray(line + 2, line + 2 + size));
    rest = rest.subarray(line + 2 + size + 2);
  }
  return Buffer.concat(parts);
}

/** An HTTP/1.1 request as bytes; `content-length` is the body's unless given. */
export function httpRequest(
  method: string,
  path: string,
  headers: Record<string, string>,
  body: Buffer | string = '',
): Buffer {
  const content = Buffer.isBuffer(body) ? body : Buffer.from(body);
  const all: Record<string, string> = { host: 'localhost', connection: 'close', ...headers };
  if (!Object.keys(all).some((name) => name.toLowerCase() === 'content-length') && content.length)
    all['content-length'] = String(content.length);
  const head = Object.entries(all)
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join('');
  return Buffer.concat([Buffer.from(`${method} ${path} HTTP/1.1\r\n${head}\r\n`), content]);
}

export type Part =
  | { name: string; value: string }
  | { name: string; fileName: string; content: Buffer | string; type?: string };

/** A multipart/form-data body with this boundary (parts given in order, duplicates allowed). */
export function multipartBody(boundary: string, parts: Part[], close = true): Buffer {
  const buffers: Buffer[] = [];
  for (const part of parts) {
    const disposition =
      'fileName' in part
        ? `form-data; name="${part.name}"; filename="${part.fileName}"\r\ncontent-type: ${part.type ?? 'text/csv'}`
        : `form-data; name="${part.name}"`;
    buffers.push(Buffer.from(`--${boundary}\r\ncontent-disposition: ${disposition}\r\n\r\n`));
    const content = 'value' in part ? part.value : part.content;
    buffers.push(Buffer.isBuffer(content) ? content : Buffer.from(content));
    buffers.push(Buffer.from('\r\n'));
  }
  if (close) buffers.push(Buffer.from(`--${boundary}--\r\n`));
  return Buffer.concat(buffers);
}

export const IMPORT_QUERY =
  'mutation ($f: Upload!) { importPersons(file: $f) { id state personImport { rows created rejected } } }';
export const operations = (variables: Record<string, unknown> = { f: null }) =>
  JSON.stringify({ query: IMPORT_QUERY, variables });
export const CSV = 'Họ và tên;Ngày sinh;Giới tính\r\nThử Văn Tấn;1950;Nam\r\n';

/** A small deterministic random generator (mulberry32), so a failing fuzz case can be replayed. */
export function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A malformed variant of a valid multipart upload: cut, bytes flipped, parts repeated or moved. */
export function mutateMultipart(random: () => number, boundary: string): Buffer {
  const parts: Part[] = [
    { name: 'operations', value: operations() },
    { name: 'map', value: JSON.stringify({ 0: ['variables.f'] }) },
    { name: '0', fileName: 'danh-sach.csv', content: CSV },
  ];
  const pick = <T>(items: T[]) => items[Math.floor(random() * items.length)]!;
  const shuffled = random() < 0.3 ? [...parts].sort(() => random() - 0.5) : parts;
  if (random() < 0.3) shuffled.push(pick(parts));
  if (random() < 0.2)
    shuffled.splice(Math.floor(random() * shuffled.length), 0, {
      name: pick(['operations', 'map', '0', '1', '__proto__']),
      value: pick(['null', '[]', '{"0":["__proto__.x"]}', '{"0":["variables.f.constructor"]}', '"', '{}']),
    });
  let body = multipartBody(boundary, shuffled, random() < 0.8);
  if (random() < 0.5) body = body.subarray(0, Math.floor(random() * body.length));
  if (random() < 0.5) {
    body = Buffer.from(body);
    for (let flips = Math.ceil(random() * 8); flips > 0; flips--)
      body[Math.floor(random() * body.length)] = Math.floor(random() * 256);
  }
  return body;
}
