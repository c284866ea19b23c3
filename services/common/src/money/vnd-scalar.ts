import { GraphQLError, GraphQLScalarType, Kind } from 'graphql';

function toVnd(value: unknown): number {
  const number = typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isSafeInteger(number)) {
    throw new GraphQLError('Số tiền phải là số nguyên đồng (VND).', {
      extensions: { code: 'BAD_USER_INPUT' },
    });
  }
  return number;
}

/** Whole Vietnamese đồng. PostgreSQL bigint arrives as a string; amounts stay exact below 2^53. */
export const VndScalar = new GraphQLScalarType({
  name: 'VND',
  description: 'Số tiền, đồng Việt Nam (integer VND).',
  serialize: toVnd,
  parseValue: toVnd,
  parseLiteral(ast) {
    if (ast.kind !== Kind.INT) throw new GraphQLError('Số tiền phải là số nguyên đồng (VND).');
    return toVnd(Number(ast.value));
  },
});
