import { limitError, QUERY_TOO_COMPLEX } from '@ansinh/common/graphql';
import { RemoteGraphQLDataSource } from '@apollo/gateway';
import { GraphQLError } from 'graphql';
import { request, type Dispatcher } from 'undici';

type Fetcher = RemoteGraphQLDataSource['fetcher'];
type FetcherResponse = Awaited<ReturnType<Fetcher>>;

/** The refusal of one subgraph answer; other parts of the plan keep their data (no HTTP status of its own). */
export function subgraphAnswerTooLarge(maxBytes: number): GraphQLError {
  const { message } = limitError('responseSize', maxBytes);
  return new GraphQLError(message, {
    extensions: { code: QUERY_TOO_COMPLEX, limit: 'responseSize', max: maxBytes },
  });
}

/** A subgraph that could not be reached or did not answer in time: the rest of the plan keeps its data. */
export function subgraphUnavailable(service: string): GraphQLError {
  return new GraphQLError(
    `Dịch vụ ${service} tạm thời không trả lời; các phần khác của kết quả vẫn đúng. Vui lòng thử lại sau.`,
    { extensions: { code: 'SERVICE_UNAVAILABLE', service } },
  );
}

/** The gateway's request to a subgraph starts with its operation text (RemoteGraphQLDataSource's body). */
const MUTATION_BODY = /^\{"query":"\s*mutation\b/;

/**
 * A subgraph's answer, read whole: what Apollo's data source reads of a fetch Response (status,
 * headers, the body as text or JSON), without the WHATWG stream and body machinery under `fetch`.
 */
class SubgraphAnswer implements FetcherResponse {
  readonly redirected = false;
  readonly statusText = '';
  readonly bodyUsed = false;

  readonly url: string;
  readonly status: number;
  readonly headers: Headers;
  readonly #bytes: Buffer;

  constructor(url: string, status: number, headers: Headers, bytes: Buffer) {
    this.url = url;
    this.status = status;
    this.headers = headers;
    this.#bytes = bytes;
  }

  get ok(): boolean {
    return this.status >= 200 && this.status < 300;
  }

  async text(): Promise<string> {
    return this.#bytes.toString('utf8');
  }

  async json(): Promise<unknown> {
    return JSON.parse(this.#bytes.toString('utf8'));
  }

  async arrayBuffer(): Promise<ArrayBuffer> {
    return new Uint8Array(this.#bytes).buffer;
  }

  clone(): SubgraphAnswer {
    return new SubgraphAnswer(this.url, this.status, new Headers(this.headers), this.#bytes);
  }
}

/** Drops an answer's body: destroyed without a listener, its abort would be an unhandled error. */
function discard(body: Dispatcher.ResponseData['body']): void {
  body.on('error', () => undefined);
  body.destroy();
}

function answerHeaders(raw: Record<string, string | string[] | undefined>): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(raw)) {
    if (Array.isArray(value)) for (const each of value) headers.append(name, each);
    else if (value !== undefined) headers.set(name, value);
  }
  return headers;
}

/**
 * Fetches a subgraph answer on undici's own client (kept-alive connections, no fetch Request and
 * Response objects) while counting its bytes: over `maxBytes` the transfer is cancelled and the
 * answer refused, instead of being buffered and parsed without bound. A subgraph that is down, or
 * does not answer within `timeoutMs` (`mutationTimeoutMs` for a mutation), is a SERVICE_UNAVAILABLE
 * error rather than a request that hangs.
 */
export function sizeLimitedFetcher(
  maxBytes: number,
  subgraph: { service: string; timeoutMs: number; mutationTimeoutMs: number },
): Fetcher {
  return async (url, init) => {
    // A mutation may be a whole province's import, minutes long; a query or an entity fetch is not.
    const mutation = typeof init?.body === 'string' && MUTATION_BODY.test(init.body);
    const timeout = AbortSignal.timeout(mutation ? subgraph.mutationTimeoutMs : subgraph.timeoutMs);
    try {
      const response = await request(url, {
        method: (init?.method ?? 'GET') as Dispatcher.HttpMethod,
        headers: init?.headers ?? {},
        body: init?.body ?? null,
        signal: init?.signal ? AbortSignal.any([init.signal as AbortSignal, timeout]) : timeout,
      });
      const declared = Number(response.headers['content-length'] ?? 0);
      if (declared > maxBytes) {
        discard(response.body);
        throw subgraphAnswerTooLarge(maxBytes);
      }
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of response.body as AsyncIterable<Buffer>) {
        size += chunk.byteLength;
        if (size > maxBytes) {
          discard(response.body);
          throw subgraphAnswerTooLarge(maxBytes);
        }
        chunks.push(chunk);
      }
      const bytes = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
      return new SubgraphAnswer(url, response.statusCode, answerHeaders(response.headers), bytes);
    } catch (error) {
      if (error instanceof GraphQLError) throw error;
      throw subgraphUnavailable(subgraph.service);
    }
  };
}

type SubgraphErrorBody = {
  errors?: { message?: unknown; extensions?: { code?: unknown; field?: unknown } }[];
};

/**
 * A subgraph's failed HTTP answer as an error for the caller: the subgraph's own refusal (its code and
 * Vietnamese message) when it gave one, SERVICE_UNAVAILABLE when it is down or overloaded, never the
 * subgraph's raw response (Apollo's default puts it under `extensions.response`).
 */
export class SubgraphDataSource<
  TContext extends Record<string, unknown>,
> extends RemoteGraphQLDataSource<TContext> {
  readonly service: string;

  constructor(service: string, options: ConstructorParameters<typeof RemoteGraphQLDataSource<TContext>>[0]) {
    super(options);
    this.service = service;
  }

  override async errorFromResponse(response: FetcherResponse): Promise<GraphQLError> {
    const body = (await this.parseBody(response).catch(() => undefined)) as SubgraphErrorBody | undefined;
    const first = Array.isArray(body?.errors) ? body.errors[0] : undefined;
    const code = typeof first?.extensions?.code === 'string' ? first.extensions.code : undefined;
    const message = typeof first?.message === 'string' ? first.message : undefined;
    if (code === 'SERVICE_UNAVAILABLE' && message)
      return new GraphQLError(message, { extensions: { code, service: this.service } });
    if (response.status >= 502) return subgraphUnavailable(this.service);
    if (code && message && code !== 'INTERNAL_SERVER_ERROR') {
      const field = typeof first?.extensions?.field === 'string' ? first.extensions.field : undefined;
      return new GraphQLError(message, { extensions: { code, ...(field ? { field } : {}) } });
    }
    if (response.status === 401)
      return new GraphQLError('Bạn cần đăng nhập để xem thông tin này.', {
        extensions: { code: 'UNAUTHENTICATED' },
      });
    if (response.status === 403)
      return new GraphQLError('Bạn không có quyền truy cập dữ liệu này.', {
        extensions: { code: 'FORBIDDEN' },
      });
    return new GraphQLError('Lỗi hệ thống, vui lòng thử lại sau.', {
      extensions: { code: 'INTERNAL_SERVER_ERROR', service: this.service },
    });
  }
}
