export { Session } from './auth/session.ts';
export { serviceTokenVerifier } from './auth/service-token-verifier.ts';
export { PERMISSIONS, rolesAllow, type Action } from './auth/permissions.ts';
export { pathCovers } from './auth/unit-path.ts';
export {
  TokenVerifier,
  bearerToken,
  principalFromClaims,
  UNIT_LEVELS,
  type Principal,
  type UnitLevel,
} from './auth/token-verifier.ts';
export {
  ConfigError,
  baseEnvSchema,
  databasePasswordOf,
  databasePasswordVariable,
  issuerOf,
  tokenIssuerOf,
  parseEnv,
  port,
  roleLoginUrl,
  subgraphDatabaseUrl,
  type BaseConfig,
} from './config/env.ts';
export {
  DatabaseLoginError,
  migrateSubgraph,
  openOwnerOrm,
  openSubgraphOrm,
  subgraphOrmConfig,
  type SubgraphOrmOptions,
} from './db/orm.ts';
export { createUnitPathLoader, unitPathOf } from './db/unit-scope.ts';
export { arrayLiteral } from './db/array-literal.ts';
export { copyRows, copyValue, type CopyValue } from './db/copy-rows.ts';
export {
  AppError,
  badInput,
  forbidden,
  notFound,
  toGraphQLError,
  unauthenticated,
  type ErrorCode,
} from './errors/app-error.ts';
export { createErrorFormatter, loggableError } from './errors/format-error.ts';
export { depthLimit } from './graphql/depth-limit.ts';
export { guardResolvers, publicMembers } from './graphql/guard-resolvers.ts';
export { loadTypeDefs } from './graphql/load-type-defs.ts';
export {
  DEFAULT_HTTP_LIMITS,
  drained,
  graphqlRequestListener,
  hardenHttpServer,
  HttpError,
  httpLimitsEnv,
  httpLimitsOf,
  sendError,
  sendJson,
  type HttpLimits,
  type ListenerOptions,
  type MultipartBody,
  type Route,
} from './http/graphql-http.ts';
export { currentRequestId, requestIdOf, withRequestId } from './server/request-context.ts';
export { createLogger, type Logger } from './logging/logger.ts';
export { VndScalar } from './money/vnd-scalar.ts';
export { guardProcess, runUntilSignal } from './server/run-until-signal.ts';
export {
  runSubgraphMain,
  startSubgraph,
  subgraphEnvSchema,
  type BaseContext,
  type RunningSubgraph,
  type SubgraphDefinition,
} from './server/subgraph.ts';
export {
  SCOPE_SETTING,
  ACTOR_SETTINGS,
  type Actor,
  SUBTREE_UNIT_CODES,
  scopeSessionContext,
  subgraphRole,
  unitInScopeSql,
  unitScopePolicy,
} from './scope/row-level-security.ts';
export { subtreeFor } from './scope/unit-scope.ts';
export { currentMonth, isMonth, monthArgument, type Month } from './time/month.ts';
export { todayInVietnam } from './time/today.ts';
export {
  checkIdentifier,
  cleanText,
  TEXT_LIMITS,
  UNIT_CODE_FORMAT,
  UUID_FORMAT,
  type TextKind,
  type TextResult,
  type TextRule,
} from './text/text-policy.ts';
export {
  csvField,
  isNeutralizedFormula,
  neutralizeFormula,
  spreadsheetValue,
} from './text/spreadsheet-cell.ts';
export { entityKey, identifierArgument, refuseMalformedRepresentations } from './text/identifier-argument.ts';
export { argumentTextPlugin, findBadArgumentText, type ArgumentTextProblem } from './text/argument-text.ts';
