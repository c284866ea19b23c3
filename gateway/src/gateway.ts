import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  AppError,
  argumentTextPlugin,
  bearerToken,
  createLogger,
  graphqlRequestListener,
  hardenHttpServer,
  httpLimitsOf,
  sendJson,
  toGraphQLError,
  serviceTokenVerifier,
  UUID_FORMAT,
  type Principal,
} from '@ansinh/common';
import {
  CLIENT_ADDRESS_HEADER,
  exposurePlugin,
  formatLimitError,
  GATEWAY_CREDENTIAL_HEADER,
  limitError,
  operationLimitRules,
  operationLimitsPlugin,
  tokenLimitParseOptions,
  type ListSizes,
} from '@ansinh/common/graphql';
import { SUPERGRAPH_PATH } from '@ansinh/schema';
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer, HeaderMap, type GraphQLRequestContext } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { loadGatewayConfig, type GatewayConfig } from './config.ts';
import { CostBudgets } from './cost-budget.ts';
import { sizeLimitedFetcher, SubgraphDataSource } from './subgraph-data-source.ts';
import { mutationOwners, uploadService } from './file-routing.ts';
import { DEFAULT_UPLOAD_LIMITS, MultipartError, proxyFile, readMultipartOperations } from './uploads.ts';
import { corsHandler } from './cors.ts';

export type GatewayContext = {
  requestId: string;
  authorization: string | undefined;
  principal: Principal | undefined;
  /** The caller's network address: the rate-limit key of anonymous callers. */
  clientAddress: string;
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
 * Expected sizes of the lists that have no page argument, for the cost estimate (other lists count
 * QUERY_COST_DEFAULT_LIST_SIZE items): whole-unit lists at province level, and bounded lists.
 */
export const LIST_SIZES: ListSizes = {
  'Query.entitlements': 1000,
  'Query.paymentLines': 1000,
  'Entitlement.history': 5,
  'PaymentLine.history': 5,
  'Query.administrativeUnits': 100,
  'AdministrativeUnit.children': 100,
  'DataGap.persons': 100,
  'Query.ethnicities': 55,
  'Query.paymentProviders': 50,
};

/**
 * The graph's front door: verifies the caller's token (401 for a bad or expired one), plans each
 * query over the checked-in supergraph and forwards the token to the subgraphs, which verify it again.
 */
export function startGateway(env: NodeJS.ProcessEnv): Promise<RunningGateway> {
  return startGatewayWith(loadGatewayConfig(env));
}

/** The gateway on an already parsed configuration (tests of production behaviour on a local stack). */
export async function startGatewayWith(config: GatewayConfig): Promise<RunningGateway> {
  const logger = createLogger('gateway', config.LOG_LEVEL);
  const verifier = serviceTokenVerifier(config, logger);
  const urls = subgraphUrls(config);
  const supergraphSdl = readFileSync(SUPERGRAPH_PATH, 'utf8');
  const owners = mutationOwners(supergraphSdl);

  const gateway = new ApolloGateway({
    supergraphSdl,
    buildService: ({ name }) =>
      new SubgraphDataSource<GatewayContext>(name, {
        url: urls[name],
        fetcher: sizeLimitedFetcher(config.MAX_SUBGRAPH_RESPONSE_BYTES, {
          service: name,
          timeoutMs: config.SUBGRAPH_TIMEOUT_MS,
          mutationTimeoutMs: config.SUBGRAPH_MUTATION_TIMEOUT_MS,
        }),
        willSendRequest({ request, context }) {
          request.http?.headers.set(GATEWAY_CREDENTIAL_HEADER, config.SUBGRAPH_SECRET);
          if (context.authorization) request.http?.headers.set('authorization', context.authorization);
          if (context.requestId) request.http?.headers.set('x-request-id', context.requestId);
          // The subgraphs limit anonymous callers per address too (the citizens' payment check).
          if (context.clientAddress) request.http?.headers.set(CLIENT_ADDRESS_HEADER, context.clientAddress);
        },
      }),
  });

  const budgets = new CostBudgets({ maxKeys: config.RATE_LIMIT_MAX_KEYS });
  const chargeBudgets = (cost: number, request: GraphQLRequestContext<GatewayContext>) => {
    const { principal, clientAddress } = request.contextValue;
    const charges = principal
      ? [
          { key: `user:${principal.subject}`, perMinute: config.RATE_LIMIT_USER_COST_PER_MINUTE },
          ...(principal.clientId
            ? [{ key: `client:${principal.clientId}`, perMinute: config.RATE_LIMIT_CLIENT_COST_PER_MINUTE }]
            : []),
        ]
      : [{ key: `address:${clientAddress}`, perMinute: config.RATE_LIMIT_ANONYMOUS_COST_PER_MINUTE }];
    const refusal = budgets.charge(charges, Math.max(1, cost));
    if (!refusal) return;
    logger.info(
      { requestId: request.contextValue.requestId, cost, retryAfter: refusal.retryAfterSeconds },
      'rate limited',
    );
    throw new GraphQLError(
      `Bạn đã gửi quá nhiều yêu cầu trong một phút. Vui lòng thử lại sau ${refusal.retryAfterSeconds} giây. Too many requests.`,
      {
        extensions: {
          code: 'RATE_LIMITED',
          retryAfterSeconds: refusal.retryAfterSeconds,
          http: {
            status: 429,
            headers: new HeaderMap([['retry-after', String(refusal.retryAfterSeconds)]]),
          },
        },
      },
    );
  };

  const httpServer = createServer();
  const httpLimits = httpLimitsOf(config);
  hardenHttpServer(httpServer, httpLimits);
  const uploadLimits = {
    ...DEFAULT_UPLOAD_LIMITS,
    maxFileBytes: Math.round(config.UPLOAD_MAX_FILE_MB * 1024 * 1024),
    maxRequestBytes: Math.round(config.UPLOAD_MAX_REQUEST_MB * 1024 * 1024),
    maxFiles: config.UPLOAD_MAX_FILES,
  };
  /** The caller's credentials, passed on to a subgraph's file routes. */
  const forwardedHeaders = (request: IncomingMessage): Record<string, string> => ({
    ...(request.headers.authorization ? { authorization: request.headers.authorization } : {}),
    ...(request.headers['x-request-id'] ? { 'x-request-id': String(request.headers['x-request-id']) } : {}),
  });
  /** Files are for signed-in callers (what each is for, the subgraph decides): refused before the body is read. */
  const requireSignedIn = async (request: IncomingMessage): Promise<void> => {
    const token = bearerToken(request.headers.authorization);
    if (!token) throw new MultipartError('Cần đăng nhập để tải tệp lên hoặc tải tệp về.', 401);
    try {
      await verifier.verify(token);
    } catch (error) {
      if (error instanceof AppError) throw new MultipartError(error.message, 401);
      throw error;
    }
  };
  const server = new ApolloServer<GatewayContext>({
    gateway,
    includeStacktraceInErrorResponses: false,
    // Who may introspect is decided per caller by the exposure plugin, not by Apollo's NODE_ENV default.
    introspection: true,
    parseOptions: tokenLimitParseOptions(config.MAX_QUERY_TOKENS),
    validationRules: operationLimitRules({
      maxDepth: config.MAX_QUERY_DEPTH,
      maxAliases: config.MAX_QUERY_ALIASES,
      maxDirectives: config.MAX_QUERY_DIRECTIVES,
    }),
    // The answer is already bounded by the subgraphs' answers; this bounds what the plan merges from them.
    stringifyResult: (result) => {
      const body = JSON.stringify(result);
      if (Buffer.byteLength(body) <= config.MAX_RESPONSE_BYTES) return body;
      const { message, extensions } = formatLimitError(
        limitError('responseSize', config.MAX_RESPONSE_BYTES),
      )!;
      return JSON.stringify({ errors: [{ message, extensions }] });
    },
    // Our main() drains and closes the database pool itself; Apollo's own handler would re-raise the signal.
    stopOnTerminationSignals: false,
    formatError: (formatted: GraphQLFormattedError, error: unknown) => {
      const refusal = formatLimitError(error);
      if (refusal) return { ...formatted, ...refusal };
      const {
        exception: _exception,
        stacktrace: _stacktrace,
        ...extensions
      } = (formatted.extensions ?? {}) as Record<string, unknown>;
      return { ...formatted, extensions };
    },
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      argumentTextPlugin<GatewayContext>(),
      {
        // The gateway's planner throws a plain error (answered 500) for a document without the named
        // operation; it is the caller's mistake.
        async requestDidStart() {
          return {
            async didResolveOperation({ operation }) {
              if (operation) return;
              throw new GraphQLError(
                'Không xác định được thao tác cần chạy: operationName không khớp thao tác nào trong yêu cầu, hoặc yêu cầu có nhiều thao tác mà không có operationName.',
                { extensions: { code: 'BAD_USER_INPUT', field: 'operationName', http: { status: 400 } } },
              );
            },
          };
        },
      },
      exposurePlugin<GatewayContext>({
        introspection: config.INTROSPECTION,
        signedIn: (context) => context.principal !== undefined,
      }),
      operationLimitsPlugin<GatewayContext>(
        {
          maxDepth: config.MAX_QUERY_DEPTH,
          maxAliases: config.MAX_QUERY_ALIASES,
          maxDirectives: config.MAX_QUERY_DIRECTIVES,
          maxCost: config.MAX_QUERY_COST,
          defaultListSize: config.QUERY_COST_DEFAULT_LIST_SIZE,
          listSizes: LIST_SIZES,
        },
        { onCost: chargeBudgets },
      ),
    ],
  });
  await server.start();

  const context = async (request: IncomingMessage): Promise<GatewayContext> => {
    const requestId = String(request.headers['x-request-id'] ?? randomUUID());
    const clientAddress = request.socket.remoteAddress ?? 'unknown';
    try {
      const token = bearerToken(request.headers.authorization);
      const principal = token ? await verifier.verify(token) : undefined;
      return { requestId, authorization: token ? `Bearer ${token}` : undefined, principal, clientAddress };
    } catch (error) {
      if (error instanceof AppError) {
        logger.info({ requestId, reason: error.message }, 'refused token');
        throw toGraphQLError(error, { httpStatus: true });
      }
      throw error;
    }
  };

  const cors = corsHandler(config.CORS_ORIGINS);
  const listener = graphqlRequestListener(
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
      // `/files/<service>/<id>` (downloadPath in @ansinh/common): the file routes of that subgraph.
      '/files/*': async (request, response) => {
        const [service, id, ...rest] = new URL(request.url ?? '/', 'http://localhost').pathname
          .slice('/files/'.length)
          .split('/');
        if (!service || !id || rest.length > 0 || !Object.hasOwn(urls, service) || !UUID_FORMAT.test(id))
          return sendJson(response, 404, { error: 'Không tìm thấy tệp.', code: 'NOT_FOUND' });
        if (!['GET', 'HEAD', 'DELETE'].includes(request.method ?? '')) {
          response.setHeader('allow', 'GET, HEAD, DELETE');
          return sendJson(response, 405, {
            error: 'Chỉ nhận GET, HEAD, DELETE.',
            code: 'METHOD_NOT_ALLOWED',
          });
        }
        try {
          await requireSignedIn(request);
        } catch (error) {
          if (!(error instanceof MultipartError)) throw error;
          return sendJson(response, error.status, { error: error.publicMessage, code: 'UNAUTHENTICATED' });
        }
        await proxyFile(request, response, new URL(`/files/${id}`, urls[service]), {
          headers: forwardedHeaders(request),
          timeoutMs: config.SUBGRAPH_TIMEOUT_MS,
        });
      },
    },
    async (request) => {
      await requireSignedIn(request);
      return readMultipartOperations(
        request,
        (operations) => {
          // The subgraph that runs the mutation stores its files, whichever it is.
          const service = uploadService(operations, owners, config.MAX_QUERY_TOKENS);
          const url = urls[service];
          if (!url) throw new MultipartError('Không xác định được dịch vụ nhận tệp của mutation này.');
          return { url: new URL('/files', url).toString(), headers: forwardedHeaders(request) };
        },
        uploadLimits,
      );
    },
    { logger, limits: httpLimits },
  );
  httpServer.on('request', (request, response) => {
    if (!cors(request, response)) void listener(request, response);
  });
  await new Promise<void>((resolve) => httpServer.listen(config.PORT, config.HOST, resolve));
  const { port } = httpServer.address() as AddressInfo;
  logger.info({ port }, 'gateway ready');
  return {
    url: `http://127.0.0.1:${port}/graphql`,
    port,
    stop: () => server.stop(),
  };
}

export { loadGatewayConfig, type GatewayConfig } from './config.ts';
