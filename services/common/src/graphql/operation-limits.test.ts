import { describe, expect, it } from '@jest/globals';
import {
  buildSchema,
  getIntrospectionQuery,
  GraphQLError,
  parse,
  specifiedRules,
  validate,
  type OperationDefinitionNode,
} from 'graphql';
import { formatLimitError, OperationLimitError } from './limit-error.ts';
import {
  assertCostLimit,
  operationLimitRules,
  representationCount,
  tokenLimitParseOptions,
} from './operation-limits.ts';

const schema = buildSchema(`
  scalar _Any
  union _Entity = Person
  type Entitlement { id: ID! amount: Int! }
  type Payment { month: String! total: Int! }
  type Person { id: ID! fullName: String! entitlements: [Entitlement!]! payments(month: String): [Payment!]! tags: [String!]! }
  type PersonEdge { cursor: String! node: Person! }
  type PersonConnection { edges: [PersonEdge!]! totalCount: Int! }
  type Unit { code: ID! children: [Unit!]! }
  type Query {
    persons(first: Int = 50, after: String): PersonConnection!
    person(id: ID!): Person
    units: [Unit!]!
    _entities(representations: [_Any!]!): [_Entity]!
  }
`);

const limits = { maxCost: 100_000, defaultListSize: 10, listSizes: { 'Query.units': 100 } };
const costOf = (query: string, variables: Record<string, unknown> = {}) =>
  assertCostLimit(schema, parse(query), undefined, variables, {
    ...limits,
    maxCost: Number.MAX_SAFE_INTEGER,
  });

const refusal = (action: () => unknown): OperationLimitError => {
  try {
    action();
  } catch (error) {
    if (error instanceof OperationLimitError) return error;
    throw error;
  }
  throw new Error('not refused');
};

describe('operation cost with list multipliers', () => {
  it('multiplies a page by its first argument, with defaults and variables applied', () => {
    // persons: 1 + 200 × (edges 1 + 1 × (node 1 + id 1 + fullName 1))
    expect(costOf('{ persons(first: 200) { edges { node { id fullName } } } }')).toBe(1 + 200 * 4);
    expect(costOf('{ persons { edges { node { id fullName } } } }')).toBe(1 + 50 * 4);
    expect(costOf('query ($n: Int) { persons(first: $n) { edges { node { id } } } }', { n: 7 })).toBe(
      1 + 7 * 3,
    );
  });

  it('counts nested lists without a size argument with the default size, and known sizes from the table', () => {
    // person 1 + (entitlements 1 + 10 × 2) + (payments 1 + 10 × 1)
    expect(costOf('{ person(id: "1") { entitlements { id amount } payments { total } } }')).toBe(1 + 21 + 11);
    expect(costOf('{ units { code children { code } } }')).toBe(1 + 100 * (1 + (1 + 10 * 1)));
    expect(costOf('{ person(id: "1") { tags } }')).toBe(1 + 10);
  });

  it('multiplies _entities by the number of representations', () => {
    const representations = Array.from({ length: 300 }, (_, index) => ({
      __typename: 'Person',
      id: `${index}`,
    }));
    expect(
      costOf(
        'query ($representations: [_Any!]!) { _entities(representations: $representations) { ... on Person { id entitlements { id } } } }',
        { representations },
      ),
    ).toBe(1 + 300 * (1 + (1 + 10 * 1)));
  });

  it('accepts a province official’s page of 200 persons with entitlements and payments under the default limit', () => {
    const query = `{ persons(first: 200) { totalCount edges { cursor node { id fullName
      entitlements { id amount } payments { month total } } } } }`;
    expect(assertCostLimit(schema, parse(query), undefined, {}, limits)).toBeLessThan(limits.maxCost / 2);
  });

  it('refuses 1,000 aliases of persons(first: 200), with the estimate in the error', () => {
    const aliases = Array.from(
      { length: 1000 },
      (_, index) => `p${index}: persons(first: 200) { edges { node { fullName entitlements { amount } } } }`,
    ).join('\n');
    const error = refusal(() => assertCostLimit(schema, parse(`{ ${aliases} }`), undefined, {}, limits));
    expect(error.extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', limit: 'cost', max: 100_000 });
    expect(error.extensions.found).toBeGreaterThan(1_000_000);
    expect(error.message).toMatch(/chi phí ước tính/);
  });

  it('refuses a huge first given through a variable', () => {
    const error = refusal(() =>
      assertCostLimit(
        schema,
        parse('query ($n: Int) { persons(first: $n) { edges { node { id } } } }'),
        undefined,
        { n: 1_000_000_000 },
        limits,
      ),
    );
    expect(error.extensions.limit).toBe('cost');
  });

  it('refuses variables that do not fit their types as bad input (400), not as an internal error', () => {
    expect(() =>
      assertCostLimit(
        schema,
        parse('query ($n: Int) { persons(first: $n) { totalCount } }'),
        undefined,
        { n: 'x' },
        limits,
      ),
    ).toThrow(expect.objectContaining({ extensions: expect.objectContaining({ code: 'BAD_USER_INPUT' }) }));
  });

  it('stops walking layered fragments instead of letting the estimate be the attack', () => {
    // 2^18 spreads of F0: walked in full the estimate would finish with a figure (`found`); the
    // node bound refuses the operation before that, without a figure.
    const layers = Array.from({ length: 19 }, (_, index) =>
      index === 0
        ? 'fragment F0 on Query { units { code } }'
        : `fragment F${index} on Query { ...F${index - 1} ...F${index - 1} }`,
    );
    const error = refusal(() =>
      assertCostLimit(schema, parse(`{ ...F18 } ${layers.join(' ')}`), undefined, {}, limits),
    );
    expect(error.extensions.limit).toBe('cost');
    expect(error.extensions).not.toHaveProperty('found');
  });
});

describe('token limit', () => {
  const parseLimited = (source: string, maxTokens: number) =>
    parse(source, tokenLimitParseOptions(maxTokens));

  it('accepts a document within the limit and refuses a longer one while lexing, as QUERY_TOO_COMPLEX', () => {
    expect(() => parseLimited('{ person(id: "1") { id fullName } }', 100)).not.toThrow();
    const huge = `{ person(id: "1") { ${'fullName '.repeat(100_000)} } }`;
    const started = performance.now();
    let thrown: unknown;
    try {
      parseLimited(huge, 3000);
    } catch (error) {
      thrown = error;
    }
    expect(performance.now() - started).toBeLessThan(500);
    expect(formatLimitError(thrown)).toEqual({
      message: expect.stringMatching(/Truy vấn quá dài \(quá 3000 ký hiệu\)/),
      extensions: { code: 'QUERY_TOO_COMPLEX', limit: 'tokens', max: 3000 },
    });
  });

  it('leaves ordinary syntax errors alone', () => {
    let thrown: unknown;
    try {
      parseLimited('{ person(id: ', 100);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(GraphQLError);
    expect(formatLimitError(thrown)).toBeUndefined();
  });
});

describe('depth, alias and directive rules (GraphQL Armor)', () => {
  const rules = operationLimitRules({ maxDepth: 4, maxAliases: 3, maxDirectives: 2 });
  const check = (query: string) => validate(schema, parse(query), [...specifiedRules, ...rules]);

  it('accept an operation within every limit', () => {
    expect(check('{ a: person(id: "1") { id } b: person(id: "2") { id @include(if: true) } }')).toEqual([]);
  });

  it('refuse too many aliases, counted through fragments, with the count found', () => {
    const errors = check(
      `{ ...F } fragment F on Query { a: person(id: "1") { id } b: person(id: "2") { x: id y: id } }`,
    );
    expect(errors).toHaveLength(1);
    expect(errors[0]!.extensions).toMatchObject({
      code: 'QUERY_TOO_COMPLEX',
      limit: 'aliases',
      max: 3,
      found: 4,
    });
    expect(errors[0]!.message).toMatch(/bí danh/);
  });

  it('refuse too many directives', () => {
    const errors = check(
      '{ person(id: "1") { id @skip(if: false) fullName @skip(if: false) tags @skip(if: false) } }',
    );
    expect(errors.map((error) => error.extensions.limit)).toEqual(['directives']);
  });

  it('bound introspection too, above the depth of the standard introspection query', () => {
    const defaults = operationLimitRules({ maxDepth: 12, maxAliases: 30, maxDirectives: 20 });
    const checkDefaults = (query: string) => validate(schema, parse(query), [...specifiedRules, ...defaults]);
    expect(checkDefaults(getIntrospectionQuery())).toEqual([]);
    const nested = `{ __schema { types { fields { type { ${'ofType { '.repeat(60)}name${' }'.repeat(60)} } } } } }`;
    expect(checkDefaults(nested).map((error) => error.extensions)).toEqual([
      expect.objectContaining({ code: 'QUERY_TOO_COMPLEX', limit: 'depth', max: 20 }),
    ]);
  });

  it('refuse an operation nested too deep', () => {
    const errors = check('{ units { children { children { children { children { code } } } } } }');
    expect(errors.map((error) => error.extensions)).toEqual([
      expect.objectContaining({ code: 'QUERY_TOO_COMPLEX', limit: 'depth', max: 4, found: 6 }),
    ]);
  });
});

describe('representationCount', () => {
  it('counts the representations of every _entities field, from variables or literals', () => {
    const document = parse(`query ($r: [_Any!]!) {
      a: _entities(representations: $r) { __typename }
      b: _entities(representations: [{ __typename: "Person", id: "1" }]) { __typename }
    }`);
    const operation = document.definitions[0] as OperationDefinitionNode;
    expect(representationCount(schema, document, operation, { r: [{}, {}, {}] })).toBe(4);
  });
});
