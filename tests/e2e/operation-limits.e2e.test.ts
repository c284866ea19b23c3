import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { gatewayCredentialHeaders } from '@ansinh/common/graphql';
import { startGateway, type RunningGateway } from '@ansinh/gateway';
import { graphql, startStack, testEnv, tokenFor, type Stack } from '../support/stack.ts';

let stack: Stack;
/** A second gateway over the same subgraphs, with tiny budgets and answer sizes. */
let tight: RunningGateway;

const subgraphUrls = () => ({
  REGISTRY_URL: stack.subgraphs.registry!.url,
  APPROVALS_URL: stack.subgraphs.approvals!.url,
  PAYMENTS_URL: stack.subgraphs.payments!.url,
  REPORTING_URL: stack.subgraphs.reporting!.url,
});

beforeAll(async () => {
  stack = await startStack();
  tight = await startGateway({
    ...testEnv(stack.database.url),
    ...subgraphUrls(),
    MAX_QUERY_COST: '500',
    RATE_LIMIT_USER_COST_PER_MINUTE: '1000',
    RATE_LIMIT_CLIENT_COST_PER_MINUTE: '1450',
    RATE_LIMIT_ANONYMOUS_COST_PER_MINUTE: '1000',
  });
});

afterAll(async () => {
  await tight?.stop();
  await stack?.stop();
});

/** POSTs a query and says how long the answer took. */
async function timed(url: string, query: string, token?: string, headers: Record<string, string> = {}) {
  const started = performance.now();
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...headers,
    },
    body: JSON.stringify({ query }),
  });
  const body = (await response.json()) as {
    data?: unknown;
    errors?: { message: string; extensions?: Record<string, unknown> }[];
  };
  return { status: response.status, body, ms: performance.now() - started, headers: response.headers };
}

const ALIASES_ATTACK = `{ ${Array.from(
  { length: 1000 },
  (_, index) =>
    `p${index}: persons(first: 200) { edges { node { fullName entitlements { monthlyAmount } payments { total } } } }`,
).join('\n')} }`;

describe('bounded operations at the gateway', () => {
  it("passes a province official's real page: 200 persons with entitlements and payments", async () => {
    const token = await tokenFor('tinh.42');
    const answer = await graphql(
      stack.gateway.url,
      `
        query ($first: Int) {
          persons(first: $first) {
            totalCount
            pageInfo {
              hasNextPage
              endCursor
            }
            edges {
              cursor
              node {
                id
                fullName
                birthDate
                gender
                residenceUnit {
                  code
                  name
                  parent {
                    code
                    name
                  }
                }
                entitlements {
                  policyGroup
                  coefficient
                  monthlyAmount
                  standardLevel
                  startMonth
                  status
                }
                payments {
                  month
                  total
                  status
                  channel
                }
              }
            }
          }
        }
      `,
      { token, variables: { first: 200 } },
    );
    expect(answer.errors).toBeUndefined();
    expect(answer.data!.persons.edges.length).toBeGreaterThan(50);
  });

  it('refuses 1,000 aliases of persons(first: 200) in milliseconds, before any subgraph is called', async () => {
    const token = await tokenFor('tinh.42');
    const answer = await timed(stack.gateway.url, ALIASES_ATTACK, token);
    expect(answer.status).toBe(400);
    expect(answer.ms).toBeLessThan(1000);
    expect(answer.body.data).toBeUndefined();
    expect(answer.body.errors).toHaveLength(1);
    expect(answer.body.errors![0]!.extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', limit: 'tokens' });
    expect(answer.body.errors![0]!.message).toMatch(/Truy vấn quá dài/);
  });

  it('refuses an operation whose estimated cost is over the limit, with variables applied', async () => {
    const token = await tokenFor('tinh.42');
    // 30 aliases fit the alias and token limits; 30 pages of 200 persons with their entitlements,
    // payments and history do not fit the cost: 30 × (1 + 200 × (1 + 1 + 1 + 11 + 11 + 11)) = 216,030.
    const query = `query ($n: Int) { ${Array.from(
      { length: 30 },
      (_, index) =>
        `p${index}: persons(first: $n) { edges { node { fullName entitlements { monthlyAmount } payments { total } history { id } } } }`,
    ).join(' ')} }`;
    const started = performance.now();
    const answer = await graphql(stack.gateway.url, query, { token, variables: { n: 200 } });
    // Milliseconds on a quiet machine; the bound leaves room for a loaded CI (the unbounded request took 24–122 s).
    expect(performance.now() - started).toBeLessThan(2000);
    expect(answer.status).toBe(400);
    expect(answer.errors?.[0]?.extensions).toMatchObject({
      code: 'QUERY_TOO_COMPLEX',
      limit: 'cost',
      max: 100_000,
    });
    expect(answer.errors?.[0]?.message).toMatch(/chi phí ước tính \d+, tối đa 100000/);
    // The same operation with small pages passes: the variable is what made it expensive.
    const small = await graphql(stack.gateway.url, query, { token, variables: { n: 2 } });
    expect(small.errors).toBeUndefined();
  });

  it('refuses too many aliases, too many directives and too deep an operation, each with its limit named', async () => {
    const aliases = await graphql(
      stack.gateway.url,
      `{ ${Array.from({ length: 31 }, (_, index) => `u${index}: publicFigures(provinceCode: "42", fromMonth: "2026-01", toMonth: "2026-01") { minimumCount }`).join(' ')} }`,
    );
    expect(aliases.status).toBe(400);
    expect(aliases.errors?.[0]?.extensions).toMatchObject({
      code: 'QUERY_TOO_COMPLEX',
      limit: 'aliases',
      max: 30,
    });

    const directives = await graphql(
      stack.gateway.url,
      `{ publicFigures(provinceCode: "42", fromMonth: "2026-01", toMonth: "2026-01") { ${Array.from({ length: 21 }, () => 'minimumCount @include(if: true)').join(' ')} } }`,
    );
    expect(directives.status).toBe(400);
    expect(directives.errors?.[0]?.extensions).toMatchObject({
      code: 'QUERY_TOO_COMPLEX',
      limit: 'directives',
    });

    const nested = 'parent { '.repeat(12) + 'code' + ' }'.repeat(12);
    const deep = await graphql(stack.gateway.url, `{ administrativeUnit(code: "42") { ${nested} } }`);
    expect(deep.status).toBe(400);
    expect(deep.errors?.[0]?.extensions).toMatchObject({
      code: 'QUERY_TOO_COMPLEX',
      limit: 'depth',
      max: 12,
    });
    expect(deep.errors?.[0]?.message).toContain('tối đa 12');
  });

  // Before these limits: 100,000 aliases of __typename were answered 200 after 9–10 s by the
  // gateway and by a subgraph; 100,000 repeated fields got an English "Validation aborted.".
  it('refuses 100,000-selection requests at the gateway and at a subgraph with 400 QUERY_TOO_COMPLEX, quickly', async () => {
    const token = await tokenFor('tinh.42');
    const shapes = [
      `{ persons(first: 1) { ${'totalCount '.repeat(100_000)} } }`,
      `{ ${Array.from({ length: 100_000 }, (_, index) => `a${index}: __typename`).join(' ')} }`,
    ];
    for (const url of [stack.gateway.url, stack.subgraphs.registry!.url]) {
      for (const query of shapes) {
        const answer = await timed(url, query, token);
        expect(answer.status).toBe(400);
        expect(answer.ms).toBeLessThan(3000);
        expect(answer.body.errors?.[0]?.extensions).toMatchObject({
          code: 'QUERY_TOO_COMPLEX',
          limit: 'tokens',
        });
        expect(answer.body.errors?.[0]?.message).toMatch(/Truy vấn quá dài/);
      }
    }
  });
});

describe('operations the gateway cannot pick', () => {
  it.each([
    [
      'an operationName that names no operation',
      { query: '{ ethnicities { code } }', operationName: 'X'.repeat(10_000) },
    ],
    [
      'two operations without an operationName',
      { query: 'query A { ethnicities { code } } query B { paymentProviders { code } }' },
    ],
  ])('answers %s with 400 BAD_USER_INPUT on operationName, not an internal error', async (_label, body) => {
    const response = await fetch(stack.gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const answer = (await response.json()) as {
      errors?: { message: string; extensions?: Record<string, unknown> }[];
    };
    expect(response.status).toBe(400);
    expect(answer.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'operationName' });
    expect(answer.errors?.[0]?.message).toMatch(/operationName/);
    expect(answer.errors?.[0]?.message.length).toBeLessThan(300);
  });
});

describe('response size limits at the gateway', () => {
  const PERSONS = '{ persons(first: 40) { edges { node { id fullName } } } }';
  const ENTITLEMENTS = '{ entitlements { id policyGroup monthlyAmount startMonth status } }';
  const BOTH = `{ ${PERSONS.slice(1, -1)} ${ENTITLEMENTS.slice(1, -1)} }`;
  /** One registry answer: three pages of persons. */
  const BIG = `{ ${['a', 'b', 'c'].map((alias) => `${alias}: persons(first: 200) { edges { node { id fullName birthDate } } }`).join(' ')} }`;
  const sizeOf = async (url: string, query: string, token: string) => {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query }),
    });
    return (await response.arrayBuffer()).byteLength;
  };

  it('cuts a subgraph answer over its limit with a clear error, and refuses a merged answer over the final limit', async () => {
    const token = await tokenFor('tinh.42');
    const [persons, entitlements, both, big] = (await Promise.all(
      [PERSONS, ENTITLEMENTS, BOTH, BIG].map((query) => sizeOf(stack.gateway.url, query, token)),
    )) as [number, number, number, number];
    const perSubgraph = Math.max(persons, entitlements) + 512;
    // Each subgraph's answer fits its limit, the two merged do not fit the final one; BIG's does not fit.
    expect(both).toBeGreaterThan(perSubgraph + 512);
    expect(big).toBeGreaterThan(perSubgraph + 512);
    const small = await startGateway({
      ...testEnv(stack.database.url),
      ...subgraphUrls(),
      MAX_SUBGRAPH_RESPONSE_BYTES: String(perSubgraph),
      MAX_RESPONSE_BYTES: String(both - 256),
    });
    try {
      const merged = await graphql(small.url, BOTH, { token });
      expect(merged.data ?? undefined).toBeUndefined();
      expect(merged.errors).toEqual([
        {
          message: expect.stringMatching(/Kết quả quá lớn/),
          extensions: { code: 'QUERY_TOO_COMPLEX', limit: 'responseSize', max: both - 256 },
        },
      ]);
      const alone = await graphql(small.url, PERSONS, { token });
      expect(alone.errors).toBeUndefined();

      const tooBig = await graphql(small.url, BIG, { token });
      expect(tooBig.data).toBeNull();
      expect(tooBig.errors?.[0]?.message).toMatch(/Kết quả quá lớn/);
      expect(tooBig.errors?.[0]?.extensions).toMatchObject({
        code: 'QUERY_TOO_COMPLEX',
        limit: 'responseSize',
        max: perSubgraph,
      });
    } finally {
      await small.stop();
    }
  });
});

describe('the second wall in the subgraphs', () => {
  it('answers _entities of a Household with 100,000 selections with 400 QUERY_TOO_COMPLEX and a Vietnamese message', async () => {
    const token = await tokenFor('tinh.42');
    const query = `{ _entities(representations: [{ __typename: "Household", id: "${randomUUID()}" }]) { ... on Household { ${'code '.repeat(100_000)} } } }`;
    const answer = await timed(stack.subgraphs.registry!.url, query, token, gatewayCredentialHeaders());
    expect(answer.status).toBe(400);
    expect(answer.body.errors?.[0]?.extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', limit: 'tokens' });
    expect(answer.body.errors?.[0]?.message).toMatch(/Truy vấn quá dài/);
  });

  it('refuses too many _entities representations, and too costly an operation sent to a subgraph directly', async () => {
    const token = await tokenFor('tinh.42');
    const representations = Array.from({ length: 10_001 }, (_, index) => ({
      __typename: 'Person',
      id: `00000000-0000-0000-0000-${String(index).padStart(12, '0')}`,
    }));
    const many = await fetch(stack.subgraphs.approvals!.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${token}`,
        ...gatewayCredentialHeaders(),
      },
      body: JSON.stringify({
        query:
          'query ($r: [_Any!]!) { _entities(representations: $r) { ... on Person { entitlements { id } } } }',
        variables: { r: representations },
      }),
    });
    expect(many.status).toBe(400);
    const body = (await many.json()) as { errors: { extensions: Record<string, unknown> }[] };
    expect(body.errors[0]!.extensions).toMatchObject({
      code: 'QUERY_TOO_COMPLEX',
      limit: 'representations',
      max: 10_000,
      found: 10_001,
    });

    const costly = await graphql(
      stack.subgraphs.registry!.url,
      `{ ${Array.from({ length: 200 }, (_, index) => `p${index}: persons(first: 200) { edges { node { fullName history { id entity action changedAt } } } }`).join(' ')} }`,
      { token },
    );
    expect(costly.status).toBe(400);
    expect(costly.errors?.[0]?.extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', limit: 'cost' });
  });

  it("passes the gateway's query plans: a page of 200 persons resolved through every subgraph's _entities", async () => {
    const token = await tokenFor('tinh.42');
    const answer = await graphql(
      stack.gateway.url,
      `
        {
          persons(first: 200) {
            edges {
              node {
                fullName
                entitlements {
                  monthlyAmount
                }
                payments {
                  total
                }
              }
            }
          }
        }
      `,
      { token },
    );
    expect(answer.errors).toBeUndefined();
  });
});

describe('rate limits per user, per client and per address', () => {
  // Cost 301 each: 1 + 100 × (edges 1 + node 1 + id 1).
  const PAGE = '{ persons(first: 100) { edges { node { id } } } }';

  it('answers 429 with Retry-After once a user has spent its budget, then the shared client budget stops another user', async () => {
    const [first, second] = await Promise.all([tokenFor('xa.18073'), tokenFor('xa.18652')]);
    for (let index = 0; index < 3; index += 1) {
      const answer = await timed(tight.url, PAGE, first);
      expect(answer.status).toBe(200);
      expect(answer.body.errors).toBeUndefined();
    }
    const refused = await timed(tight.url, PAGE, first);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(refused.body.errors?.[0]?.extensions).toMatchObject({ code: 'RATE_LIMITED' });
    expect(refused.body.errors?.[0]?.message).toMatch(/quá nhiều yêu cầu.*thử lại sau \d+ giây/);

    // Another user of the same client: its own budget is full, the client's (1,450) has 246 left.
    const other = await timed(tight.url, PAGE, second);
    expect(other.status).toBe(200);
    const byClient = await timed(tight.url, PAGE, second);
    expect(byClient.status).toBe(429);
    expect(byClient.body.errors?.[0]?.extensions).toMatchObject({ code: 'RATE_LIMITED' });
  });

  it('keys anonymous callers by address', async () => {
    // Cost 201 each: 1 + 100 (known size of administrativeUnits) × (code 1 + name 1).
    const units = '{ administrativeUnits { code name } }';
    for (let index = 0; index < 4; index += 1) expect((await timed(tight.url, units)).status).toBe(200);
    const refused = await timed(tight.url, units);
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toMatch(/^\d+$/);
  });
});

describe('memory stays bounded under the attacks', () => {
  it('refuses 20 rounds of the 1,000-alias and the 100,000-selection requests in milliseconds, RSS barely moving', async () => {
    const token = await tokenFor('tinh.42');
    const selections = `{ persons(first: 200) { edges { node { ${'fullName '.repeat(100_000)} } } } }`;
    for (let round = 0; round < 5; round += 1) {
      await timed(stack.gateway.url, ALIASES_ATTACK, token); // warm-up: code paths compiled, heap grown to its working size
      await timed(stack.gateway.url, selections, token);
    }
    const before = process.memoryUsage().rss;
    const durations: number[] = [];
    for (let round = 0; round < 20; round += 1) {
      for (const query of [ALIASES_ATTACK, selections]) {
        const answer = await timed(stack.gateway.url, query, token);
        expect(answer.status).toBe(400);
        expect(answer.body.errors?.[0]?.extensions?.code).toBe('QUERY_TOO_COMPLEX');
        durations.push(answer.ms);
      }
    }
    const growthMb = (process.memoryUsage().rss - before) / 1024 / 1024;
    durations.sort((a, b) => a - b);
    // Typically 5–40 ms for the aliases and 60–250 ms for the 900 KB body on a quiet machine;
    // the bounds leave room for a loaded CI (unbounded, one such request took 24–122 s).
    expect(durations[Math.floor(durations.length / 2)]).toBeLessThan(500);
    expect(durations.at(-1)).toBeLessThan(3000);
    // The whole stack (gateway and four subgraphs) runs in this process; 40 MB of request bodies
    // went through it. Unbounded, the registry alone grew to 3 GB on one aliases request.
    expect(growthMb).toBeLessThan(200);
  });
});
