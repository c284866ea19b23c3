import { request } from 'node:http';
import { connect } from 'node:net';

/** What came back: a status and the start of the body, or why nothing came back. */
export type Answer = { status: number; text: string } | { failure: string };

export type RawRequest = {
  url: string;
  method?: string;
  headers?: Record<string, string | string[]>;
  /** The body, or chunks produced on demand (stopped as soon as the server answers). */
  body?: Buffer | string | (() => Generator<Buffer>);
  /** Stop writing after this many bytes and close, as a client that goes away mid-request. */
  abortAfterBytes?: number;
  timeoutMs?: number;
};

// Enough to parse any refusal; a longer answer is itself a finding (an echoed input, a huge result).
const KEEP = 8 * 1024 * 1024;

/**
 * Sends a request the way a hostile client would: bodies streamed without limit until the server
 * answers, connections cut mid-body. Never throws: a dropped connection or a time-out is an answer too.
 */
export function rawRequest(options: RawRequest): Promise<Answer> {
  return new Promise((resolve) => {
    let settled = false;
    const finish = (answer: Answer) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(answer);
    };
    const outgoing = request(options.url, {
      method: options.method ?? 'POST',
      headers: options.headers,
      agent: false,
    });
    const timer = setTimeout(() => {
      outgoing.destroy();
      finish({ failure: 'time-out' });
    }, options.timeoutMs ?? 60_000);
    let answered = false;
    outgoing.on('response', (response) => {
      answered = true;
      const chunks: Buffer[] = [];
      let kept = 0;
      response.on('data', (chunk: Buffer) => {
        if (kept < KEEP) chunks.push(chunk);
        kept += chunk.length;
      });
      response.on('end', () =>
        finish({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }),
      );
      response.on('error', () =>
        finish({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }),
      );
      response.on('aborted', () =>
        finish({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }),
      );
    });
    // What the server sent, kept beside the parser: a server that refuses a body mid-stream answers and
    // closes, and the client's next write fails (EPIPE) before its parser hands the answer over.
    const received: Buffer[] = [];
    outgoing.on('socket', (socket) => socket.on('data', (chunk: Buffer) => received.push(chunk)));
    outgoing.on('error', (error: NodeJS.ErrnoException) => {
      if (options.abortAfterBytes !== undefined) return finish({ failure: 'aborted by the client' });
      const sent = Buffer.concat(received).toString('utf8');
      const status = /^HTTP\/1\.[01] (\d{3})/.exec(sent);
      if (status)
        return finish({ status: Number(status[1]), text: sent.slice(sent.indexOf('\r\n\r\n') + 4) });
      finish({ failure: error.code ?? error.message });
    });

    const body = options.body;
    if (body === undefined) return void outgoing.end();
    if (typeof body === 'string' || Buffer.isBuffer(body)) {
      if (options.abortAfterBytes !== undefined) {
        outgoing.write(Buffer.from(body).subarray(0, options.abortAfterBytes));
        setTimeout(() => {
          outgoing.destroy();
          finish({ failure: 'aborted by the client' });
        }, 200);
        return;
      }
      return void outgoing.end(body);
    }
    const chunks = body();
    let sent = 0;
    const pump = () => {
      for (;;) {
        if (answered || settled || outgoing.destroyed) return;
        const next = chunks.next();
        if (next.done) return void outgoing.end();
        sent += next.value.length;
        if (options.abortAfterBytes !== undefined && sent > options.abortAfterBytes) {
          outgoing.destroy();
          return finish({ failure: 'aborted by the client' });
        }
        if (!outgoing.write(next.value)) return void outgoing.once('drain', pump);
      }
    };
    pump();
  });
}

/**
 * A client that sends its request headers one byte a second (slowloris): answers whether the server
 * cut the connection before `budgetMs`.
 */
export function slowHeaders(url: string, budgetMs: number): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname);
    const header = Buffer.from(
      `POST /graphql HTTP/1.1\r\nHost: ${hostname}\r\nX-Slow: ${'a'.repeat(10_000)}`,
    );
    let index = 0;
    const drip = setInterval(() => {
      if (index < header.length && !socket.destroyed) socket.write(header.subarray(index, ++index));
    }, 1000);
    const done = (cut: boolean) => {
      clearInterval(drip);
      clearTimeout(timer);
      socket.destroy();
      resolve(cut);
    };
    const timer = setTimeout(() => done(false), budgetMs);
    // The server's answer (a 408) must be read for its end, and so the close, to be seen.
    socket.resume();
    socket.on('end', () => done(true));
    socket.on('close', () => done(true));
    socket.on('error', () => done(true));
  });
}
