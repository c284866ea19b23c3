import { describe, expect, it } from '@jest/globals';
import { ApolloServer } from '@apollo/server';
import fc from 'fast-check';
import { parse } from 'graphql';
import { argumentTextPlugin, findBadArgumentText } from './argument-text.ts';

// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;

describe('findBadArgumentText', () => {
  it('finds a control character or lone surrogate at any depth of the variables, with its path', () => {
    expect(findBadArgumentText({ input: { fullName: 'An\u0000' } })).toEqual({
      path: 'input.fullName',
      message: 'Giá trị "input.fullName" chứa ký tự điều khiển không hợp lệ.',
    });
    expect(
      findBadArgumentText({ representations: [{ __typename: 'Person' }, { id: 'x\u0085' }] }),
    ).toMatchObject({
      path: 'representations.1.id',
    });
    expect(findBadArgumentText({ a: { ['k\u0001']: 1 } })).toMatchObject({ path: 'a.?' });
    expect(findBadArgumentText({ name: 'An\ud800' })).toMatchObject({
      message: expect.stringContaining('Unicode'),
    });
  });

  it('finds them in strings written in the operation', () => {
    expect(findBadArgumentText({}, parse('{ persons(unitCode: "4\\u00002") { totalCount } }'))).toMatchObject(
      {
        path: 'unitCode',
      },
    );
    expect(
      findBadArgumentText({}, parse('mutation { createPerson(input: { address: "Thôn\\u00071" }) { id } }')),
    ).toMatchObject({ path: 'input' });
  });

  it('accepts tabs, line breaks and every other text', () => {
    expect(
      findBadArgumentText({ note: 'Dòng 1\r\n\tDòng 2', name: 'Nguyễn \u202eVăn', n: 5, b: null }),
    ).toBeUndefined();
    const strings = (value: unknown): string[] =>
      typeof value === 'string'
        ? [value]
        : Array.isArray(value)
          ? value.flatMap(strings)
          : typeof value === 'object' && value !== null
            ? Object.entries(value).flatMap(([key, item]) => [key, ...strings(item)])
            : [];
    fc.assert(
      fc.property(fc.jsonValue({ stringUnit: 'binary', maxDepth: 4 }), (value) => {
        const clean = strings(value).every((text) => !CONTROL.test(text) && text.isWellFormed());
        expect(findBadArgumentText({ value }) === undefined).toBe(clean);
      }),
      { numRuns: 1000 },
    );
  });

  it('walks deeply nested variables without exhausting the stack', () => {
    let deep: unknown = 'x\u0000';
    for (let i = 0; i < 200_000; i++) deep = [deep];
    expect(findBadArgumentText({ deep })).toMatchObject({ message: expect.stringContaining('điều khiển') });
  });
});

describe('argumentTextPlugin', () => {
  it('refuses the request with 400 BAD_USER_INPUT before any resolver runs', async () => {
    let resolved = 0;
    const server = new ApolloServer({
      typeDefs: 'type Query { echo(text: String): String }',
      resolvers: { Query: { echo: (_: unknown, args: { text: string }) => (resolved++, args.text) } },
      plugins: [argumentTextPlugin()],
    });
    await server.start();
    try {
      const refused = await server.executeOperation({
        query: 'query ($t: String) { echo(text: $t) }',
        variables: { t: 'a\u0000b' },
      });
      expect(refused.http.status).toBe(400);
      expect(refused.body).toMatchObject({
        kind: 'single',
        singleResult: { errors: [{ extensions: { code: 'BAD_USER_INPUT', field: 't' } }] },
      });
      expect(resolved).toBe(0);
      const accepted = await server.executeOperation({ query: '{ echo(text: "Nguyễn Văn An") }' });
      expect(accepted.body).toMatchObject({ singleResult: { data: { echo: 'Nguyễn Văn An' } } });
    } finally {
      await server.stop();
    }
  });
});
