import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DEVELOPMENT_SUBGRAPH_SECRET, gatewayCredentialHeaders } from '@ansinh/common/graphql';
import { loadGatewayConfig, startGatewayWith, type RunningGateway } from '@ansinh/gateway';
import { graphql, sqlRows, startStack, testEnv, tokenFor, type Stack } from '../support/stack.ts';

let stack: Stack;
/** A gateway parsed from a production environment, pointed at this local stack. */
let production: RunningGateway;

beforeAll(async () => {
  stack = await startStack();
  const config = loadGatewayConfig({
    ...testEnv(stack.database.url),
    NODE_ENV: 'production',
    SUBGRAPH_SECRET: DEVELOPMENT_SUBGRAPH_SECRET,
    REGISTRY_URL: 'http://registry.internal:4001/graphql',
    APPROVALS_URL: 'http://approvals.internal:4002/graphql',
    PAYMENTS_URL: 'http://payments.internal:4003/graphql',
    REPORTING_URL: 'http://reporting.internal:4004/graphql',
  });
  expect(config.INTROSPECTION).toBe('signed-in');
  // Only the addresses change: production refuses loopback ones, and this stack runs on loopback.
  production = await startGatewayWith({
    ...config,
    REGISTRY_URL: stack.subgraphs.registry!.url,
    APPROVALS_URL: stack.subgraphs.approvals!.url,
    PAYMENTS_URL: stack.subgraphs.payments!.url,
    REPORTING_URL: stack.subgraphs.reporting!.url,
  });
});

afterAll(async () => {
  await production?.stop();
  await stack?.stop();
});

async function post(
  url: string,
  query: string,
  options: { token?: string; headers?: Record<string, string>; variables?: unknown } = {},
) {
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      ...options.headers,
    },
    body: JSON.stringify({ query, variables: options.variables ?? {} }),
  });
  const body = (await response.json()) as {
    data?: Record<string, any> | null;
    errors?: { message: string; extensions?: Record<string, unknown> }[];
  };
  return { status: response.status, ...body };
}

const ENTITIES = `query ($representations: [_Any!]!) {
  _entities(representations: $representations) { ... on Person { entitlements { id } } }
}`;

describe('_service and _entities answer only the gateway', () => {
  it('refuses _service { sdl } on every subgraph without the gateway credential, signed in or not', async () => {
    const token = await tokenFor('tinh.42');
    for (const subgraph of Object.values(stack.subgraphs)) {
      for (const options of [{}, { token }, { token, headers: { 'x-ansinh-gateway-secret': 'a guess' } }]) {
        const answer = await post(subgraph.url, '{ _service { sdl } }', options);
        expect(answer.status).toBe(403);
        expect(answer.data ?? undefined).toBeUndefined();
        expect(answer.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
        expect(answer.errors?.[0]?.message).toMatch(/Chỉ cổng API/);
      }
      const gateway = await post(subgraph.url, '{ _service { sdl } }', {
        headers: gatewayCredentialHeaders(),
      });
      expect(gateway.status).toBe(200);
      expect(gateway.data!._service.sdl).toContain('type Query');
    }
  });

  it('refuses _entities without the credential, also hidden in a fragment, and answers it with the credential', async () => {
    const token = await tokenFor('tinh.42');
    const [row] = await sqlRows(stack.database.url, 'select person_id from approvals.entitlements limit 1');
    const variables = { representations: [{ __typename: 'Person', id: row!.person_id }] };
    const direct = await post(stack.subgraphs.approvals!.url, ENTITIES, { token, variables });
    expect(direct.status).toBe(403);
    expect(direct.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');

    const hidden = await post(
      stack.subgraphs.approvals!.url,
      `query ($representations: [_Any!]!) { ...F } fragment F on Query { e: _entities(representations: $representations) { __typename } }`,
      { token, variables },
    );
    expect(hidden.status).toBe(403);

    const asGateway = await post(stack.subgraphs.approvals!.url, ENTITIES, {
      token,
      variables,
      headers: gatewayCredentialHeaders(),
    });
    expect(asGateway.errors).toBeUndefined();
    expect(asGateway.data!._entities[0].entitlements.length).toBeGreaterThan(0);
  });

  it('still resolves entities across subgraphs through the gateway, which presents the credential', async () => {
    const token = await tokenFor('tinh.42');
    const answer = await graphql(
      stack.gateway.url,
      '{ persons(first: 5) { edges { node { fullName entitlements { monthlyAmount } payments { total } } } } }',
      { token },
    );
    expect(answer.errors).toBeUndefined();
    expect(answer.data!.persons.edges).toHaveLength(5);
  });

  it('lets ordinary queries reach a subgraph directly with a token, as before', async () => {
    const token = await tokenFor('xa.18073');
    const answer = await graphql(stack.subgraphs.registry!.url, '{ persons(first: 1) { totalCount } }', {
      token,
    });
    expect(answer.errors).toBeUndefined();
  });
});

describe('introspection and field suggestions in production', () => {
  const INTROSPECTION = '{ __schema { queryType { name } types { name } } }';

  it('refuses introspection to anonymous callers, through fragments and __type too', async () => {
    for (const query of [
      INTROSPECTION,
      '{ __type(name: "Person") { fields { name } } }',
      '{ ...F } fragment F on Query { s: __schema { types { name } } }',
    ]) {
      const answer = await post(production.url, query);
      expect(answer.status).toBe(401);
      expect(answer.data ?? undefined).toBeUndefined();
      expect(answer.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
      expect(answer.errors?.[0]?.message).toMatch(/Cần đăng nhập để xem lược đồ/);
    }
  });

  it('lets a signed-in official introspect (GraphiQL, code generation)', async () => {
    const token = await tokenFor('xa.18073');
    const answer = await post(production.url, INTROSPECTION, { token });
    expect(answer.status).toBe(200);
    expect(answer.data!.__schema.queryType.name).toBe('Query');
  });

  it('still answers public fields and __typename to anonymous callers', async () => {
    const answer = await post(
      production.url,
      '{ __typename publicFigures(provinceCode: "42", fromMonth: "2026-01", toMonth: "2026-01") { provinceCode } }',
    );
    expect(answer.errors).toBeUndefined();
    expect(answer.data!.__typename).toBe('Query');
  });

  it('hides field suggestions from anonymous callers, and keeps them for signed-in ones', async () => {
    const anonymous = await post(production.url, '{ publicFigure(provinceCode: "42") { provinceCode } }');
    expect(anonymous.status).toBe(400);
    expect(anonymous.errors?.[0]?.message).toContain('Cannot query field "publicFigure"');
    expect(anonymous.errors?.[0]?.message).not.toMatch(/Did you mean|publicFigures/);

    const token = await tokenFor('xa.18073');
    const signedIn = await post(production.url, '{ publicFigure(provinceCode: "42") { provinceCode } }', {
      token,
    });
    expect(signedIn.errors?.[0]?.message).toMatch(/Did you mean "publicFigures"/);
  });

  it('hides suggestions in variable errors too', async () => {
    const answer = await post(
      production.url,
      'query ($level: UnitLevel) { administrativeUnits(level: $level) { code } }',
      { variables: { level: 'PROVINC' } },
    );
    expect(answer.status).toBe(400);
    expect(answer.errors?.[0]?.message).not.toMatch(/Did you mean/);
  });

  it('allows introspection to everyone outside production (development default)', async () => {
    const answer = await post(stack.gateway.url, INTROSPECTION);
    expect(answer.status).toBe(200);
    expect(answer.data!.__schema.queryType.name).toBe('Query');
  });
});
