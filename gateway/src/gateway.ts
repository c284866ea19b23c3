import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  AppError,
  bearerToken,
  createLogger,
  depthLimit,
  graphqlRequestListener,
  issuerOf,
  sendJson,
  toGraphQLError,
  TokenVerifier,
  type Principal,
} from '@ansinh/common';
import { SUPERGRAPH_PATH } from '@ansinh/schema';
import { ApolloGateway, RemoteGraphQLDataSource } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import type { GraphQLFormattedError } from 'graphql';
import { loadGatewayConfig, type GatewayConfig } from './config.ts';
import { proxyImportReport, readMultipartOperations } from './uploads.ts';

export type GatewayContext = {
  requestId: string;
  authorization: string | undefined;
  principal: Principal | undefined;
};

export type RunningGateway = { url: string; port: number; stop(): Promise<void> };

function subgraphUrls(config: GatewayConfig): Record<string, string> {
  return {
    registry: config.REGISTRY_URL,
    approvals: config.APPROVALS_URL,
    payments: config.PAYMENTS_URL,
    reporting: config.REPORTING_URL,
  };
}

/**
 * The graph's front door: verifies the caller's token (401 for a bad or expired one), plans each
 * query over the checked-in supergraph and forwards the token to the subgraphs, which verify it again.
 */
export async function startGateway(env: NodeJS.ProcessEnv): Promise<RunningGateway> {
  const config = loadGatewayConfig(env);
  const logger = createLogger('gateway', config.LOG_LEVEL);
  const verifier = new TokenVerifier({ issuer: issuerOf(config), audience: config.OIDC_AUDIENCE });
  const urls = subgraphUrls(config);

  const gateway = new ApolloGateway({
    supergraphSdl: readFileSync(SUPERGRAPH_PATH, 'utf8'),
    buildService: ({ name }) =>
      new RemoteGraphQLDataSource<GatewayContext>({
        url: urls[name],
        willSendRequest({ request, context }) {
          if (context.authorization) request.http?.headers.set('authorization', context.authorization);
          if (context.requestId) request.http?.headers.set('x-request-id', context.requestId);
        },
      }),
  });

  const httpServer = createServer();
  const server = new ApolloServer<GatewayContext>({
    gateway,
    includeStacktraceInErrorResponses: false,
    validationRules: [depthLimit(config.MAX_QUERY_DEPTH)],
    // Our main() drains and closes the database pool itself; Apollo's own handler would re-raise the signal.
    stopOnTerminationSignals: false,
    formatError: (formatted: GraphQLFormattedError) => {
      const {
        exception: _exception,
        stacktrace: _stacktrace,
        ...extensions
      } = (formatted.extensions ?? {}) as Record<string, unknown>;
      return { ...formatted, extensions };
    },
    plugins: [ApolloServerPluginDrainHttpServer({ httpServer })],
  });
  await server.start();

  const context = async (request: IncomingMessage): Promise<GatewayContext> => {
    const requestId = String(request.headers['x-request-id'] ?? randomUUID());
    try {
      const token = bearerToken(request.headers.authorization);
      const principal = token ? await verifier.verify(token) : undefined;
      return { requestId, authorization: token ? `Bearer ${token}` : undefined, principal };
    } catch (error) {
      if (error instanceof AppError) {
        logger.info({ requestId, reason: error.message }, 'refused token');
        throw toGraphQLError(error, { httpStatus: true });
      }
      throw error;
    }
  };

  httpServer.on(
    'request',
    graphqlRequestListener(
      server,
      context,
      {
        '/health': (_request, response) => sendJson(response, 200, { status: 'ok' }),
        '/ready': async (_request, response) => {
          const checks = await Promise.all([
            verifier.reachable(),
            ...Object.values(urls).map((url) =>
              fetch(new URL('/ready', url), { signal: AbortSignal.timeout(2000) })
                .then((answer) => answer.ok)
                .catch(() => false),
            ),
          ]);
          const names = ['jwks', ...Object.keys(urls)];
          sendJson(
            response,
            checks.every(Boolean) ? 200 : 503,
            Object.fromEntries(names.map((name, index) => [name, checks[index]])),
          );
        },
        '/import-report': (request, response) => proxyImportReport(request, response, urls.registry!),
      },
      (request) =>
        readMultipartOperations(request, {
          url: new URL('/uploads', urls.registry).toString(),
          headers: {
            ...(request.headers.authorization ? { authorization: request.headers.authorization } : {}),
            ...(request.headers['x-request-id']
              ? { 'x-request-id': String(request.headers['x-request-id']) }
              : {}),
          },
        }),
    ),
  );
  await new Promise<void>((resolve) => httpServer.listen(config.PORT, config.HOST, resolve));
  const { port } = httpServer.address() as AddressInfo;
  logger.info({ port }, 'gateway ready');
  return {
    url: `http://127.0.0.1:${port}/graphql`,
    port,
    stop: () => server.stop(),
  };
}
