export { Session, type UnitScope } from './auth/session.ts';
export { serviceTokenVerifier } from './auth/service-token-verifier.ts';
export { PERMISSIONS, isWriteAction, rolesAllow, type Action } from './auth/permissions.ts';
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
export {
  createUnitByIdLoader,
  createUnitLoader,
  unitNamedByCodeSql,
  unitScopeOf,
  type ScopedUnit,
} from './db/unit-scope.ts';
export { arrayLiteral } from './db/array-literal.ts';
export { inRequestTransaction } from './db/request-transaction.ts';
export { copyRows, copyValue, type CopyValue } from './db/copy-rows.ts';
export { releaseDeadClients } from './db/release-dead-clients.ts';
export {
  entitiesOf,
  preparedRows,
  preparedStatement,
  type PreparedStatement,
} from './db/prepared-statement.ts';
export { rowsOfPersonsLoader, rowsOfPersonsStatement } from './db/rows-of-persons.ts';
export {
  AppError,
  badInput,
  conflict,
  forbidden,
  notFound,
  toGraphQLError,
  unauthenticated,
  type ErrorCode,
} from './errors/app-error.ts';
export { createErrorFormatter, loggableError } from './errors/format-error.ts';
export { depthLimit } from './graphql/depth-limit.ts';
export { guardResolvers, publicMembers } from './graphql/guard-resolvers.ts';
export { idArgument } from './graphql/id-argument.ts';
export { lower, upper } from './graphql/enum-values.ts';
export { loadTypeDefs, subgraphSdl } from './graphql/load-type-defs.ts';
export { mergeResolvers } from './graphql/merge-resolvers.ts';
export {
  DEFAULT_HTTP_LIMITS,
  declaredLength,
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
  type SubgraphBackground,
  type SubgraphDefinition,
} from './server/subgraph.ts';
export {
  SCOPE_SETTING,
  ACTOR_SETTINGS,
  type Actor,
  CHANGE_REASON_SETTING,
  READ_CONFIDENTIAL_SETTING,
  READS_CONFIDENTIAL_SQL,
  READABLE_UNIT_IDS,
  UNIT_IDS_UNDER,
  WRITABLE_UNIT_IDS,
  indexScopePathsSql,
  personInScopeSql,
  personRecordPolicy,
  scopeSessionContext,
  subgraphRole,
  unitReadableSql,
  unitScopePolicy,
  unitWritableSql,
} from './scope/row-level-security.ts';
export { subtreeFor, unitInScope, type UnitsByCode } from './scope/unit-scope.ts';
export {
  changeHistoryTable,
  historyTriggers,
  historyUnitIdentitySql,
  outboxTable,
  type ChangeHistoryTableDeclaration,
  type HistoryDeclaration,
  type HistoryEvents,
  type MigrationSql,
} from './history/history-triggers.ts';
export {
  CHANGE_ACTION_VALUES,
  MAX_HISTORY_PER_RECORD,
  changeRecordResolvers,
  createHistoryLoader,
  visibleValues,
  type ChangeActionValue,
  type ChangeRecordRow,
  type HistoryFieldMap,
} from './history/change-record.ts';
export { addMonths, currentMonth, isMonth, monthArgument, type Month } from './time/month.ts';
export { TODAY_IN_VIETNAM_SQL, todayInVietnam } from './time/today.ts';
export { displayDate, displayMonth } from './time/display-date.ts';
export { foldText } from './text/fold-text.ts';
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
export {
  defineJobKind,
  JOB_STATES,
  JobCancelledError,
  type JobContext,
  type JobKind,
  type JobOwner,
  type JobProgress,
  type JobProgressUpdate,
  type JobRecord,
  type JobState,
} from './jobs/job.types.ts';
export { createJobs, JOB_NOT_FOUND, jobOwnerOf, type Jobs, type JobsOptions } from './jobs/jobs.ts';
export type { JobFilter } from './jobs/job.repository.ts';
export { jobResolvers, MAX_JOBS_LISTED, type JobsContext } from './jobs/job.resolvers.ts';
export {
  grantJobRunner,
  JOB_RUNNER_ROLE,
  JOBS_SCHEMA,
  migrateJobs,
  QUEUE_SCHEMA,
} from './jobs/job-schema.ts';
export { jobsEnv, startSubgraphJobs, type JobsConfig, type SubgraphJobs } from './jobs/subgraph-jobs.ts';
export { applyScopedSession, inScopedTransaction, type ScopedSession } from './jobs/scoped-transaction.ts';
export {
  cleanContentType,
  createFileStore,
  DEFAULT_FILE_TTL_MS,
  DEFAULT_MAX_FILE_BYTES,
  downloadPath,
  FileTooLargeError,
  type FileOwner,
  type FileStore,
  type FileStoreOptions,
  type NewFile,
  type StoredFile,
} from './files/file-store.ts';
export { cleanFileName, uploadFileName } from './files/file-name.ts';
export { fileRoutes, type FileRouteContext } from './files/file.routes.ts';
export { dropFileStoreTablesSql, fileStoreTablesSql } from './files/file-store.migration.ts';
export {
  fileStoreEnv,
  fileStoreEnvSchema,
  fileStoreOptionsOf,
  type FileStoreConfig,
} from './files/file-store.config.ts';
export { parseFileStoreUrl, type BucketLocation } from './files/s3-content.ts';
export { subgraphFileStore } from './files/subgraph-file-store.ts';
export { FILE_CHUNK_BYTES } from './files/postgres-content.ts';
export {
  DEFAULT_SPREADSHEET_LIMITS,
  openSpreadsheet,
  SpreadsheetError,
  type OpenedSpreadsheet,
  type OpenSpreadsheetOptions,
  type SpreadsheetCell,
  type SpreadsheetErrorCode,
  type SpreadsheetLimits,
  type SpreadsheetRow,
} from './spreadsheets/spreadsheet-source.ts';
export {
  REPORT_FORMATS,
  type ReportColumn,
  type ReportColumnKind,
  type ReportFormat,
  type ReportRow,
  type ReportTable,
} from './reports/report-table.ts';
export {
  cursorRows,
  exportFormatArgument,
  MAX_EXPORT_ROWS,
  reportExportJob,
  reportExportOf,
  exportedFile,
  type ExportedReportFile,
  type ExportTable,
  type ReportExportPayload,
  type ReportExportResult,
} from './reports/report-export.job.ts';
export {
  MAX_PDF_ROWS,
  MAX_XLSX_ROWS,
  REPORT_CONTENT_TYPES,
  reportFileName,
  writeReport,
} from './reports/write-report.ts';
export {
  DEFAULT_SIGNATURE_TOLERANCE_SECONDS,
  signWebhook,
  verifyWebhook,
  WEBHOOK_HEADERS,
  type WebhookHeaders,
  type WebhookVerification,
} from './webhooks/webhook-signature.ts';
