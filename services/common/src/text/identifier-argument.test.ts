import { describe, expect, it } from '@jest/globals';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { graphql, parse } from 'graphql';
import { AppError } from '../errors/app-error.ts';
import { entityKey, identifierArgument, refuseMalformedRepresentations } from './identifier-argument.ts';
import { UNIT_CODE_FORMAT, UUID_FORMAT } from './text-policy.ts';

const ID = '6f1c2a8e-1b2c-4d5e-8f90-1234567890ab';

const thrown = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('nothing thrown');
};

describe('identifierArgument and entityKey', () => {
  it('pass well-formed identifiers through', () => {
    expect(identifierArgument(ID, UUID_FORMAT, 'id', 'Mã đối tượng')).toBe(ID);
    expect(entityKey({ __typename: 'AdministrativeUnit', code: '42' }, 'code', UNIT_CODE_FORMAT)).toBe('42');
  });

  it('refuse malformed ones as bad input on the field, without repeating them', () => {
    for (const bad of ['x'.repeat(100_000), `${ID}\u0000`, 42, null, undefined]) {
      expect(thrown(() => identifierArgument(bad, UUID_FORMAT, 'personId', 'Mã đối tượng'))).toMatchObject({
        code: 'BAD_USER_INPUT',
        field: 'personId',
        message: 'Mã đối tượng không hợp lệ.',
      });
    }
    for (const reference of [{}, { id: 5 }, { id: 'abc' }, null, 'x', [ID]]) {
      const error = thrown(() => entityKey(reference, 'id', UUID_FORMAT));
      expect(error).toBeInstanceOf(AppError);
      expect(error).toMatchObject({ code: 'BAD_USER_INPUT', field: 'representations' });
    }
  });
});

describe('refuseMalformedRepresentations', () => {
  const schema = refuseMalformedRepresentations(
    buildSubgraphSchema([
      {
        typeDefs: parse(`
          extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key"])
          type Thing @key(fields: "id") { id: ID! }
          type Plain { id: ID! }
          type Query { plain: Plain }
        `),
        resolvers: {
          Thing: { __resolveReference: (reference: { id: string }) => ({ id: reference.id }) },
        } as never,
      },
    ]),
  );
  const entities = (representations: unknown) =>
    graphql({
      schema,
      source: 'query ($r: [_Any!]!) { _entities(representations: $r) { ... on Thing { id } } }',
      variableValues: { r: representations },
    });

  it('resolves representations of entity types', async () => {
    expect(await entities([{ __typename: 'Thing', id: '1' }])).toEqual({
      data: { _entities: [{ id: '1' }] },
    });
  });

  it.each([
    ['an unknown type', [{ __typename: 'Nope', id: '1' }]],
    ['a type without @key', [{ __typename: 'Plain', id: '1' }]],
    ['no __typename', [{ id: '1' }]],
    ['a number as __typename', [{ __typename: 7 }]],
    ['a string', ['Thing']],
    ['an array', [[{ __typename: 'Thing', id: '1' }]]],
  ])('refuses %s as bad input on representations', async (_label, representations) => {
    const answer = await entities(representations);
    expect(answer.errors).toHaveLength(1);
    const original = answer.errors![0]!.originalError;
    expect(original).toBeInstanceOf(AppError);
    expect(original).toMatchObject({ code: 'BAD_USER_INPUT', field: 'representations' });
  });
});
