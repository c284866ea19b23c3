import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { buildSubgraphSchema, type GraphQLResolverMap } from '@apollo/subgraph';
import type { EntityManager, EntitySchema, MikroORM } from '@mikro-orm/postgresql';
import type { DocumentNode } from 'graphql';
import { z } from 'zod';
import type { Logger } from 'pino';
import { Session } from '../auth/session.ts';
import { serviceTokenVerifier } from '../auth/service-token-verifier.ts';
import { bearerToken, type TokenVerifier } from '../auth/token-verifier.ts';
import { baseEnvSchema, databasePasswordOf, parseEnv, port } from '../config/env.ts';
import { openSubgraphOrm } from '../db/orm.ts';
import { requestTransactionPlugin } from '../db/request-transaction.ts';
import { databaseUnavailable, databaseUnavailableError } from '../db/database-unavailable.ts';
import { cachedUnitScopes } from '../db/unit-scope.ts';
import { AppError, toGraphQLError } from '../errors/app-error.ts';
import { createErrorFormatter } from '../errors/format-error.ts';
import { guardResolvers } from '../graphql/guard-resolvers.ts';
import {
  clientAddressOf,
  defaultIntrospection,
  DEVELOPMENT_SUBGRAPH_SECRET,
  exposurePlugin,
} from '../graphql/exposure.ts';
import { formatLimitError } from '../graphql/limit-error.ts';
import {
  operationLimitRules,
  operationLimitsPlugin,
  tokenLimitParseOptions,
} from '../graphql/operation-limits.ts';
import { scopeSessionContext } from '../scope/row-level-security.ts';
import { argumentTextPlugin } from '../text/argument-text.ts';
import { refuseMalformedRepresentations } from '../text/identifier-argument.ts';
import {
  graphqlRequestListener,
  hardenHttpServer,
  httpLimitsEnv,
  httpLimitsOf,
  sendJson,
  type Route,
} from '../http/graphql-http.ts';
import { createLogger } from '../logging/logger.ts';
import type { Jobs } from '../jobs/jobs.ts';
import { jobsEnv, startSubgraphJobs, type SubgraphJobs } from '../jobs/subgraph-jobs.ts';
import { runUntilSignal } from './run-until-signal.ts';

/** What every resolver receives; subgraphs add their dataloaders and repositories. */
export type BaseContext = {
  em: EntityManager;
  session: Session;
  logger: Logger;
  requestId: string;
  /** The caller's network address, as the gateway forwards it (clientAddressOf): what limits anonymous callers. */
  clientAddress: string;
  /** The subgraph's background jobs, when its definition has `jobs`. */
  jobs?: Jobs | undefined;
  /**
   * The caller's `Authorization` header, whose token `session` was built from: for a call this
   * subgraph makes to another on the caller's behalf (the approvals intake asks the registry), which
   * verifies it again and applies its own scope.
   */
  authorization: string | undefined;
  /** The environment the subgraph was started with (startSubgraph's `env`): its own variables, read by its config.ts. */
  env: NodeJS.ProcessEnv;
};

export type SubgraphDefinition<TContext extends BaseContext> = {
  name: string;
  defaultPort: number;
  schema: string;
  typeDefs: DocumentNode;
  resolvers: Record<string, unknown>;
  entities: EntitySchema[];
  migrationsPath: string;
  /** Per request: fresh dataloaders over the request's forked EntityManager. */
  createContext: (base: BaseContext) => TContext;
  /**
   * Plain HTTP routes beside `/graphql` (file uploads and downloads), given the same per-request
   * context as resolvers: the caller's verified session and a scoped EntityManager.
   */
  routes?(contextOf: (request: IncomingMessage) => Promise<TContext>): Record<string, Route>;
  /** Its job kinds (and the file store their handlers use): this process queues and runs them. */
  jobs?: SubgraphJobs;
  /**
   * Work that runs beside the requests for as long as the subgraph does (the approvals' sync relay
   * and webhook deliverer), given the subgraph's environment: started once it serves, stopped when
   * it stops, so an in-process stack of tests runs it too.
   */
  background?(orm: MikroORM, env: NodeJS.ProcessEnv, logger: Logger): Promise<SubgraphBackground>;
  /**
   * Whether each query operation runs in one scoped transaction (requestTransactionPlugin): for a
   * subgraph whose queries read through the request's EntityManager, not `inRequestTransaction`.
   */
  requestTransaction?: boolean;
};

/** What a subgraph's `background` started. */
export type SubgraphBackground = { stop(): Promise<void> };

export type RunningSubgraph = {
  name: string;
  url: string;
  port: number;
  orm: MikroORM;
  stop(): Promise<void>;
};

const limit = (fallback: number, min: number, max: number) =>
  z.coerce.number().int().min(min).max(max).default(fallback);

/**
 * A subgraph's variables. The operation limits are a second wall behind the gateway's, wider than
 * its (the gateway's query plans add `__typename`, keys and one level for `_entities`), and named
 * apart from the gateway's because local runs give both the same environment.
 */
export const subgraphEnvSchema = (defaultPort: number) =>
  baseEnvSchema
    .extend({
      PORT: port(defaultPort),
      /** Shared with the gateway, which presents it for `_service` and `_entities`. */
      SUBGRAPH_SECRET: z.string().min(32).optional(),
      INTROSPECTION: z.enum(['all', 'signed-in', 'off']).optional(),
      SUBGRAPH_MAX_QUERY_DEPTH: limit(16, 2, 100),
      SUBGRAPH_MAX_QUERY_ALIASES: limit(300, 0, 10_000),
      SUBGRAPH_MAX_QUERY_TOKENS: limit(30_000, 100, 1_000_000),
      SUBGRAPH_MAX_QUERY_DIRECTIVES: limit(100, 0, 10_000),
      SUBGRAPH_MAX_QUERY_COST: limit(1_000_000, 1, 1_000_000_000),
      SUBGRAPH_QUERY_COST_DEFAULT_LIST_SIZE: limit(10, 1, 10_000),
      SUBGRAPH_MAX_ENTITY_REPRESENTATIONS: limit(10_000, 1, 1_000_000),
      ...httpLimitsEnv,
      ...jobsEnv,
    })
    .superRefine((config, context) => {
      if (config.NODE_ENV === 'production' && !config.SUBGRAPH_SECRET)
        context.addIssue({
          code: 'custom',
          path: ['SUBGRAPH_SECRET'],
          message: 'is required in production (at least 32 characters, the same as the gateway’s)',
        });
    })
    .transform((config) => ({
      ...config,
      SUBGRAPH_SECRET: config.SUBGRAPH_SECRET ?? DEVELOPMENT_SUBGRAPH_SECRET,
      INTROSPECTION: config.INTROSPECTION ?? defaultIntrospection(config.NODE_ENV),
    }));

export type SubgraphConfig = z.infer<ReturnType<typeof subgraphEnvSchema>>;

/**
 * Starts one subgraph: validated config, its MikroORM, token verification, `/graphql`, `/health`
 * (liveness) and `/ready` (database and JWKS reachable). `stop()` drains requests, then closes.
 */
export async function startSubgraph<TContext extends BaseContext>(
  definition: SubgraphDefinition<TContext>,
  env: NodeJS.ProcessEnv,
  hooks: { onQuery?: (sql: string) => void } = {},
): Promise<RunningSubgraph> {
  const config = parseEnv(definition.name, subgraphEnvSchema(definition.defaultPort), env);
  const logger = createLogger(definition.name, config.LOG_LEVEL);
  const orm = await openSubgraphOrm({
    schema: definition.schema,
    databaseUrl: config.DATABASE_URL,
    databasePassword: databasePasswordOf(definition.name, config, definition.schema),
    entities: definition.entities,
    migrationsPath: definition.migrationsPath,
    logger,
    ...(hooks.onQuery ? { onQuery: hooks.onQuery } : {}),
  });
  const verifier = serviceTokenVerifier(config, logger);
  const jobs = definition.jobs
    ? await startSubgraphJobs({
        schema: definition.schema,
        orm,
        databaseUrl: config.DATABASE_URL,
        databasePassword: databasePasswordOf(definition.name, config, definition.schema),
        config,
        logger,
        jobs: definition.jobs,
      }).catch(async (error: unknown) => {
        await orm.close(true).catch(() => undefined);
        throw error;
      })
    : undefined;

  const httpServer = createServer();
  const httpLimits = httpLimitsOf(config);
  hardenHttpServer(httpServer, httpLimits);
  const formatErrors = createErrorFormatter(logger);
  const server = new ApolloServer<TContext>({
    schema: refuseMalformedRepresentations(
      buildSubgraphSchema([
        {
          typeDefs: definition.typeDefs,
          resolvers: guardResolvers(
            definition.typeDefs,
            definition.resolvers,
          ) as GraphQLResolverMap<TContext>,
        },
      ]),
    ),
    formatError: (formatted, error) => {
      const refusal = formatLimitError(error);
      return refusal ? { ...formatted, ...refusal } : formatErrors(formatted, error);
    },
    includeStacktraceInErrorResponses: false,
    // Who may introspect is decided per caller by the exposure plugin, not by Apollo's NODE_ENV default.
    introspection: true,
    parseOptions: tokenLimitParseOptions(config.SUBGRAPH_MAX_QUERY_TOKENS),
    validationRules: operationLimitRules({
      maxDepth: config.SUBGRAPH_MAX_QUERY_DEPTH,
      maxAliases: config.SUBGRAPH_MAX_QUERY_ALIASES,
      maxDirectives: config.SUBGRAPH_MAX_QUERY_DIRECTIVES,
    }),
    // Our main() drains and closes the database pool itself; Apollo's own handler would re-raise the signal.
    stopOnTerminationSignals: false,
    // No Apollo Studio: federated traces would only cost time.
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      ApolloServerPluginInlineTraceDisabled(),
      argumentTextPlugin<TContext>(),
      exposurePlugin<TContext>({
        introspection: config.INTROSPECTION,
        signedIn: (context) => context.session.isAuthenticated,
        gatewaySecret: config.SUBGRAPH_SECRET,
      }),
      operationLimitsPlugin<TContext>({
        maxDepth: config.SUBGRAPH_MAX_QUERY_DEPTH,
        maxAliases: config.SUBGRAPH_MAX_QUERY_ALIASES,
        maxDirectives: config.SUBGRAPH_MAX_QUERY_DIRECTIVES,
        maxCost: config.SUBGRAPH_MAX_QUERY_COST,
        defaultListSize: config.SUBGRAPH_QUERY_COST_DEFAULT_LIST_SIZE,
        maxRepresentations: config.SUBGRAPH_MAX_ENTITY_REPRESENTATIONS,
      }),
      ...(definition.requestTransaction ? [requestTransactionPlugin<TContext>()] : []),
    ],
  });
  await server.start();

  const unitScopes = cachedUnitScopes();
  const context = async (request: IncomingMessage): Promise<TContext> => {
    const requestId = String(request.headers['x-request-id'] ?? randomUUID());
    const em = orm.em.fork() as EntityManager;
    const session = await sessionOf(request, verifier, em, unitScopes);
    const { principal } = session;
    const actor = principal && {
      id: principal.subject,
      name: principal.username,
      unitCode: principal.unitCode,
    };
    em.setSessionContext(
      scopeSessionContext(definition.schema, session.scopePath, actor, {
        readConfidential: session.allows('entitlement:read-confidential'),
      }),
    );
    const clientAddress = clientAddressOf(
      request.headers,
      request.socket.remoteAddress,
      config.SUBGRAPH_SECRET,
    );
    return definition.createContext({
      em,
      session,
      logger: logger.child({ requestId }),
      requestId,
      clientAddress,
      jobs,
      authorization: request.headers.authorization,
      env,
    });
  };

  httpServer.on(
    'request',
    graphqlRequestListener(
      server,
      context,
      {
        ...definition.routes?.(context),
        '/health': (_request, response) => sendJson(response, 200, { status: 'ok' }),
        '/ready': async (_request, response) => {
          const [database, jwks] = await Promise.all([databaseReachable(orm), verifier.reachable()]);
          sendJson(response, database && jwks ? 200 : 503, { database, jwks });
        },
      },
      undefined,
      { logger, limits: httpLimits },
    ),
  );
  await new Promise<void>((resolve) => httpServer.listen(config.PORT, config.HOST, resolve));
  const { port: boundPort } = httpServer.address() as AddressInfo;
  const background = await definition.background?.(orm, env, logger).catch(async (error: unknown) => {
    await server.stop().catch(() => undefined);
    await jobs?.stop().catch(() => undefined);
    await orm.close(true).catch(() => undefined);
    throw error;
  });
  logger.info({ port: boundPort }, `${definition.name} subgraph ready`);

  return {
    name: definition.name,
    url: `http://127.0.0.1:${boundPort}/graphql`,
    port: boundPort,
    orm,
    async stop() {
      await server.stop();
      await background?.stop();
      await jobs?.stop();
      await orm.close();
    },
  };
}

async function sessionOf(
  request: IncomingMessage,
  verifier: TokenVerifier,
  em: EntityManager,
  unitScopes: ReturnType<typeof cachedUnitScopes>,
): Promise<Session> {
  try {
    const token = bearerToken(request.headers.authorization);
    if (!token) return Session.anonymous();
    const principal = await verifier.verify(token);
    return Session.of(principal, await unitScopes(em, principal.unitCode));
  } catch (error) {
    if (error instanceof AppError) throw toGraphQLError(error, { httpStatus: true });
    if (databaseUnavailable(error)) throw databaseUnavailableError();
    throw error;
  }
}

async function databaseReachable(orm: MikroORM): Promise<boolean> {
  try {
    await orm.em.getConnection().execute('select 1');
    return true;
  } catch {
    return false;
  }
}

/** Entry point of a subgraph process. */
export function runSubgraphMain<TContext extends BaseContext>(
  definition: SubgraphDefinition<TContext>,
): Promise<void> {
  return runUntilSignal(() => startSubgraph(definition, process.env), { name: definition.name });
}
