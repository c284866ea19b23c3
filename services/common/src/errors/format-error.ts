import { unwrapResolverError } from '@apollo/server/errors';
import type { GraphQLFormattedError } from 'graphql';
import type { Logger } from 'pino';
import { DATABASE_UNAVAILABLE_MESSAGE, databaseUnavailable } from '../db/database-unavailable.ts';
import { AppError } from './app-error.ts';

const PASSTHROUGH_CODES = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_USER_INPUT',
  'BAD_REQUEST',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'CONFLICT',
  'SERVICE_UNAVAILABLE',
]);

/**
 * The one place where errors become GraphQL answers: domain refusals keep their code, field and
 * message; anything unexpected is logged and answered without internals.
 */
export function createErrorFormatter(logger: Logger) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = unwrapResolverError(error);
    if (original instanceof AppError) {
      return {
        message: original.message,
        ...(formatted.path ? { path: formatted.path } : {}),
        ...(formatted.locations ? { locations: formatted.locations } : {}),
        extensions: {
          code: original.code,
          ...(original.field ? { field: original.field } : {}),
          ...(original.details ? { details: original.details } : {}),
        },
      };
    }
    const code = formatted.extensions?.code;
    if (typeof code === 'string' && PASSTHROUGH_CODES.has(code)) {
      const { stacktrace: _stacktrace, ...extensions } = formatted.extensions ?? {};
      return { ...formatted, extensions };
    }
    if (databaseUnavailable(original)) {
      logger.warn({ error: loggableError(original), path: formatted.path }, 'database unavailable');
      return {
        message: DATABASE_UNAVAILABLE_MESSAGE,
        ...(formatted.path ? { path: formatted.path } : {}),
        extensions: { code: 'SERVICE_UNAVAILABLE' },
      };
    }
    logger.error(
      { error: loggableError(original), path: formatted.path },
      'unexpected error while resolving',
    );
    return {
      message: 'Lỗi hệ thống, vui lòng thử lại sau.',
      ...(formatted.path ? { path: formatted.path } : {}),
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    };
  };
}

/**
 * What of an unexpected error may be logged: its class, database error code and constraint, and
 * stack frames. Not its message or details: database drivers put the failing SQL with its values
 * there, which carry names, ID numbers and accounts.
 */
export function loggableError(error: unknown): Record<string, unknown> {
  if (!(error instanceof Error)) return { type: typeof error };
  const { code, constraint, sqlState } = error as {
    code?: unknown;
    constraint?: unknown;
    sqlState?: unknown;
  };
  return {
    type: error.name,
    ...(code !== undefined ? { code } : {}),
    ...(sqlState !== undefined ? { sqlState } : {}),
    ...(constraint !== undefined ? { constraint } : {}),
    frames: error.stack
      ?.split('\n')
      .filter((line) => line.trimStart().startsWith('at '))
      .slice(0, 12),
  };
}
