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
  // Read by shape, not `instanceof Error`: a socket error made by Node's own modules belongs to another
  // realm than code run in a VM context (as under the test runner).
  if (typeof error !== 'object' || error === null || depth > 8) return false;
  const { code, message, errors, cause } = error as {
    code?: unknown;
    message?: unknown;
    errors?: unknown;
    cause?: unknown;
  };
  if (typeof code === 'string' && (UNAVAILABLE_CODES.has(code) || code.startsWith('08'))) return true;
  if (typeof message === 'string' && UNAVAILABLE_MESSAGE.test(message)) return true;
  if (Array.isArray(errors) && errors.some((inner) => databaseUnavailable(inner, depth + 1))) return true;
  return databaseUnavailable(cause, depth + 1);
}

export const DATABASE_UNAVAILABLE_MESSAGE =
  'Cơ sở dữ liệu tạm thời không truy cập được. Vui lòng thử lại sau.';

/** The answer to a request that needed the database while it was down: 503, in words an official reads. */
export function databaseUnavailableError(): GraphQLError {
  return new GraphQLError(DATABASE_UNAVAILABLE_MESSAGE, {
    extensions: { code: 'SERVICE_UNAVAILABLE', http: { status: 503 } },
  });
}
