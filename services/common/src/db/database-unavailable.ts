import { GraphQLError } from 'graphql';

// Connection failures (Node's socket errors) and PostgreSQL's own: admin shutdown, crash shutdown,
// cannot connect now, too many connections, and the whole connection-exception class 08.
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  '57P01',
  '57P02',
  '57P03',
  '53300',
]);
const UNAVAILABLE_MESSAGE = /Connection terminated|connection error|timeout exceeded when trying to connect/i;

/** True when `error`, or any error it wraps, says the database cannot be reached right now. */
export function databaseUnavailable(error: unknown, depth = 0): boolean {
  if (!(error instanceof Error) || depth > 8) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && (UNAVAILABLE_CODES.has(code) || code.startsWith('08'))) return true;
  if (UNAVAILABLE_MESSAGE.test(error.message)) return true;
  if (error instanceof AggregateError && error.errors.some((inner) => databaseUnavailable(inner, depth + 1)))
    return true;
  return databaseUnavailable(error.cause, depth + 1);
}

export const DATABASE_UNAVAILABLE_MESSAGE =
  'Cơ sở dữ liệu tạm thời không truy cập được. Vui lòng thử lại sau.';

/** The answer to a request that needed the database while it was down: 503, in words an official reads. */
export function databaseUnavailableError(): GraphQLError {
  return new GraphQLError(DATABASE_UNAVAILABLE_MESSAGE, {
    extensions: { code: 'SERVICE_UNAVAILABLE', http: { status: 503 } },
  });
}
