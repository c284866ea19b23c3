import { describe, expect, it } from '@jest/globals';
import { buildSchema, parse, specifiedRules, validate } from 'graphql';
import { depthLimit } from './depth-limit.ts';

const schema = buildSchema(`
  type Unit { code: ID! parent: Unit children: [Unit!]! }
  type Query { unit(code: ID!): Unit }
`);
const check = (query: string, max = 3) =>
  validate(schema, parse(query), [...specifiedRules, depthLimit(max)]);

describe('depthLimit', () => {
  it('accepts operations within the limit, introspection not counted', () => {
    expect(check('{ unit(code: "42") { code parent { code __typename } } }')).toEqual([]);
  });

  it('refuses deeper operations, following fragments, with a Vietnamese message', () => {
    const errors = check(`
      query { unit(code: "42") { ...deep } }
      fragment deep on Unit { children { parent { code } } }
    `);
    expect(errors).toHaveLength(1);
    expect(errors[0]!.message).toContain('4 cấp, tối đa 3');
    expect(errors[0]!.extensions.code).toBe('QUERY_TOO_COMPLEX');
  });

  // 2^39 walks without memoisation: this would not finish within the test timeout.
  it('checks layered fragment spreads once each', () => {
    const layers = Array.from({ length: 40 }, (_, index) =>
      index === 0
        ? 'fragment F0 on Query { __typename }'
        : `fragment F${index} on Query { ...F${index - 1} ...F${index - 1} }`,
    );
    const errors = check(`query { ...F39 } ${layers.join(' ')}`);
    expect(errors.filter((error) => error.message.includes('cấp'))).toEqual([]);
  });
});
