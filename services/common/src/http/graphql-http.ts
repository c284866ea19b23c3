import type { IncomingMessage, ServerResponse } from 'node:http';
import { HeaderMap, type ApolloServer, type BaseContext, type ContextFunction } from '@apollo/server';

const MAX_BODY_BYTES = 2 * 1024 * 1024;

export type Route = (request: IncomingMessage, response: ServerResponse) => Promise<void> | void;

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw Object.assign(new Error('request body too large'), { status: 413 });
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  response.end(JSON.stringify(body));
}

/**
 * Serves an Apollo Server on Node's own http module: `/graphql` for GraphQL, plus the extra routes
 * given (health and readiness). Apollo Server 5 has no built-in framework integration, and the
 * graph needs nothing from a web framework.
 */
export function graphqlRequestListener<TContext extends BaseContext>(
  server: ApolloServer<TContext>,
  context: ContextFunction<[IncomingMessage], TContext>,
  routes: Record<string, Route> = {},
  /** Turns a `multipart/form-data` request (file uploads) into the JSON body of its operations. */
  readMultipart?: (request: IncomingMessage) => Promise<unknown>,
) {
  return async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    try {
      const route = routes[url.pathname];
      if (route) return await route(request, response);
      if (url.pathname !== '/graphql' && url.pathname !== '/')
        return sendJson(response, 404, { error: 'not found' });

      const headers = new HeaderMap();
      for (const [name, value] of Object.entries(request.headers)) {
        if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
      }
      let body: unknown;
      if (
        readMultipart &&
        request.method === 'POST' &&
        (headers.get('content-type') ?? '').startsWith('multipart/form-data')
      ) {
        body = await readMultipart(request);
        headers.set('content-type', 'application/json');
      }
      const raw = body === undefined && request.method === 'POST' ? await readBody(request) : '';
      body ??= raw;
      if (raw && (headers.get('content-type') ?? '').includes('application/json')) {
        try {
          body = JSON.parse(raw);
        } catch {
          return sendJson(response, 400, {
            errors: [{ message: 'Malformed JSON body', extensions: { code: 'BAD_REQUEST' } }],
          });
        }
      }
      const result = await server.executeHTTPGraphQLRequest({
        httpGraphQLRequest: { method: request.method ?? 'GET', headers, search: url.search, body },
        context: () => context(request),
      });
      for (const [name, value] of result.headers) response.setHeader(name, value);
      response.statusCode = result.status ?? 200;
      if (result.body.kind === 'complete') {
        response.end(result.body.string);
      } else {
        for await (const chunk of result.body.asyncIterator) response.write(chunk);
        response.end();
      }
    } catch (error) {
      const { status = 500, publicMessage } = error as { status?: number; publicMessage?: string };
      if (!response.headersSent)
        sendJson(response, status, {
          errors: [
            {
              message: publicMessage ?? (status === 413 ? 'Request too large' : 'Internal error'),
              extensions: { code: status < 500 ? 'BAD_REQUEST' : 'INTERNAL_SERVER_ERROR' },
            },
          ],
        });
      else response.end();
    }
  };
}
