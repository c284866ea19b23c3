import { limitError, QUERY_TOO_COMPLEX } from '@ansinh/common/graphql';
import { RemoteGraphQLDataSource } from '@apollo/gateway';
import { GraphQLError } from 'graphql';

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
 * Fetches a subgraph answer while counting its bytes: over `maxBytes` the transfer is cancelled
 * and the answer refused, instead of being buffered and parsed without bound. A subgraph that is down,
 * or does not answer within `timeoutMs` (`mutationTimeoutMs` for a mutation), is a SERVICE_UNAVAILABLE
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
      const response = await fetch(url, {
        ...(init?.method ? { method: init.method } : {}),
        ...(init?.headers ? { headers: init.headers } : {}),
        ...(init?.body !== undefined ? { body: init.body } : {}),
        signal: init?.signal ? AbortSignal.any([init.signal as AbortSignal, timeout]) : timeout,
      });
      const length = response.headers.get('content-length');
      const declared = Number(length ?? 0);
      if (declared > maxBytes) {
        await response.body?.cancel().catch(() => {});
        throw subgraphAnswerTooLarge(maxBytes);
      }
      // A declared length within the limit is held to by the HTTP client (it refuses more bytes), so the
      // answer goes on as it is, without being copied: our subgraphs always declare it.
      if (length !== null && Number.isSafeInteger(declared)) return response as unknown as FetcherResponse;
      const chunks: Uint8Array[] = [];
      let size = 0;
      if (response.body) {
        const reader = response.body.getReader();
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          size += value.byteLength;
          if (size > maxBytes) {
            await reader.cancel().catch(() => {});
            throw subgraphAnswerTooLarge(maxBytes);
          }
          chunks.push(value);
        }
      }
      return new Response(Buffer.concat(chunks), {
        status: response.status,
        statusText: response.statusText,
        headers: response.headers,
      }) as unknown as FetcherResponse;
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
