import { GraphQLError } from 'graphql';

export type ErrorCode =
  | 'BAD_USER_INPUT'
  | 'FORBIDDEN'
  | 'UNAUTHENTICATED'
  | 'CONFLICT'
  | 'NOT_FOUND'
  /** Too many attempts from one client or at one key: `details.retryAfterSeconds` says when to try again (as the gateway's own limit). */
  | 'RATE_LIMITED';

/**
 * An expected refusal the user can act on. `message` is written for officials (Vietnamese);
 * `field` names the input that is wrong, when there is one.
 */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly field: string | undefined;
  /** What the caller needs to act on the refusal (a CONFLICT's current state), as `extensions.details`. */
  readonly details: Readonly<Record<string, unknown>> | undefined;
  constructor(
    code: ErrorCode,
    message: string,
    options: { field?: string; details?: Readonly<Record<string, unknown>> } = {},
  ) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    this.field = options.field;
    this.details = options.details;
  }
}

export const unauthenticated = (message = 'Bạn cần đăng nhập để xem thông tin này.') =>
  new AppError('UNAUTHENTICATED', message);
export const forbidden = (message = 'Bạn không có quyền truy cập dữ liệu của đơn vị này.') =>
  new AppError('FORBIDDEN', message);
export const notFound = (message: string) => new AppError('NOT_FOUND', message);
export const badInput = (field: string, message: string) =>
  new AppError('BAD_USER_INPUT', message, { field });
/** Someone else changed the record first (or it is in a state that refuses the change): `details` says what it is now. */
export const conflict = (field: string, message: string, details?: Readonly<Record<string, unknown>>) =>
  new AppError('CONFLICT', message, { field, ...(details ? { details } : {}) });

const HTTP_STATUS: Partial<Record<ErrorCode, number>> = { UNAUTHENTICATED: 401 };

export function toGraphQLError(error: AppError, options: { httpStatus?: boolean } = {}): GraphQLError {
  const status = options.httpStatus ? HTTP_STATUS[error.code] : undefined;
  return new GraphQLError(error.message, {
    extensions: {
      code: error.code,
      ...(error.field ? { field: error.field } : {}),
      ...(error.details ? { details: error.details } : {}),
      ...(status ? { http: { status } } : {}),
    },
  });
}
