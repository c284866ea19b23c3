import { GraphQLError, type ASTNode } from 'graphql';

/** Which bound an operation broke; named in `extensions.limit` so a client team can tell them apart. */
export type OperationLimit =
  'tokens' | 'depth' | 'aliases' | 'directives' | 'cost' | 'representations' | 'responseSize';

/** The one code of every "this request asks too much" refusal (HTTP 400). */
export const QUERY_TOO_COMPLEX = 'QUERY_TOO_COMPLEX';

/**
 * An operation refused for its size or shape, before anything is resolved. Apollo wraps validation
 * errors as GRAPHQL_VALIDATION_FAILED; `formatLimitError` gives them their own code back.
 */
export class OperationLimitError extends GraphQLError {
  readonly limit: OperationLimit;
  constructor(
    limit: OperationLimit,
    message: string,
    details: { max: number; found?: number; nodes?: ASTNode },
  ) {
    super(message, {
      ...(details.nodes ? { nodes: details.nodes } : {}),
      extensions: {
        code: QUERY_TOO_COMPLEX,
        limit,
        max: details.max,
        ...(details.found !== undefined ? { found: details.found } : {}),
        http: { status: 400 },
      },
    });
    this.name = 'OperationLimitError';
    this.limit = limit;
  }
}

const MESSAGES: Record<OperationLimit, (max: number, found: number | undefined) => string> = {
  tokens: (max) =>
    `Truy vấn quá dài (quá ${max} ký hiệu). Hãy chia thành nhiều truy vấn nhỏ hơn. Query has too many tokens.`,
  depth: (max, found) => `Truy vấn lồng quá sâu (${found} cấp, tối đa ${max}). Query is too deep.`,
  aliases: (max, found) =>
    `Truy vấn dùng quá nhiều bí danh (alias) (${found}, tối đa ${max}). Too many aliases.`,
  directives: (max, found) =>
    `Truy vấn dùng quá nhiều chỉ thị (directive) (${found}, tối đa ${max}). Too many directives.`,
  cost: (max, found) =>
    `Truy vấn yêu cầu quá nhiều dữ liệu một lần (chi phí ước tính ${found}, tối đa ${max}). ` +
    'Hãy giảm số bản ghi mỗi trang (first) hoặc bớt trường lồng nhau. Query is too complex.',
  representations: (max, found) =>
    `Yêu cầu _entities có quá nhiều đối tượng (${found}, tối đa ${max}). Too many representations.`,
  responseSize: (max) =>
    `Kết quả quá lớn (trên ${Math.round(max / 1024 / 1024)} MB). Hãy thu hẹp truy vấn hoặc lấy theo trang. Response too large.`,
};

export function limitError(
  limit: OperationLimit,
  max: number,
  found?: number,
  nodes?: ASTNode,
): OperationLimitError {
  return new OperationLimitError(limit, MESSAGES[limit](max, found), {
    max,
    ...(found !== undefined ? { found } : {}),
    ...(nodes ? { nodes } : {}),
  });
}

const TOKEN_LIMIT = /Document contains more that (\d+) tokens/;

/**
 * For an Apollo `formatError`: a limit refusal keeps its own code and details even when Apollo
 * wrapped it as a validation error; anything else is left to the caller (undefined).
 */
export function formatLimitError(
  error: unknown,
): { message: string; extensions: Record<string, unknown> } | undefined {
  let current = error;
  for (let depth = 0; depth < 4 && current; depth += 1) {
    if (current instanceof OperationLimitError) {
      const { http: _http, ...extensions } = current.extensions as Record<string, unknown>;
      return { message: current.message, extensions };
    }
    // graphql-js's own token limit (parser option maxLexicalTokens), a syntax error in English.
    const tokens = current instanceof GraphQLError && TOKEN_LIMIT.exec(current.message);
    if (tokens) return formatLimitError(limitError('tokens', Number(tokens[1])));
    current = (current as { originalError?: unknown }).originalError;
  }
  return undefined;
}
