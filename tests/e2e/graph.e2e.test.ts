import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { currentMonth } from '@ansinh/common';
import { gatewayCredentialHeaders } from '@ansinh/common/graphql';
import { DEMO_PASSWORD, passwordGrant } from '@ansinh/infra';
import {
  currentUnitId,
  graphql,
  provinceSystemToken,
  sqlRows,
  startStack,
  tokenFor,
  type Stack,
} from '../support/stack.ts';

let stack: Stack;

/** A beneficiary living today in the current commune `communeCode`. */
async function personIdIn(communeCode: string): Promise<string> {
  const [row] = await sqlRows(
    stack.database.url,
    // A beneficiary since before the reform, paid today, with that one entitlement (the demo also
    // suspends one and gives two others a second, conflicting one).
    `select p.id from registry.persons p join approvals.entitlements e on e.person_id = p.id
     where p.residence_unit_id = ${currentUnitId('$1')} and e.status = 'active' and e.start_month < '2025-07'
       and (select count(*) from approvals.entitlements o where o.person_id = p.id) = 1
     order by p.id limit 1`,
    [communeCode],
  );
  return row!.id;
}

/** The admin console's origin when served on its own (infra/keycloak/realm-ansinh.json lists it too). */
const CONSOLE_ORIGIN = 'http://localhost:4100';

beforeAll(async () => {
  stack = await startStack({ env: { CORS_ORIGINS: CONSOLE_ORIGIN } });
});

afterAll(async () => {
  await stack?.stop();
});

const PERSON_ACROSS_ALL = `query ($id: ID!) {
  person(id: $id) {
    fullName
    residenceUnit { code name parent { name } }
    entitlements { policyGroup coefficient monthlyAmount standardLevel startMonth status }
    payments { month total status channel unit { code validTo } }
  }
}`;

describe('the graph through the gateway, with real Keycloak tokens', () => {
  it('answers a commune user one query that crosses all four subgraphs', async () => {
    const token = await tokenFor('xa.18073');
    const id = await personIdIn('18073');
    const answer = await graphql(
      stack.gateway.url,
      `${PERSON_ACROSS_ALL.slice(0, -2)}
      unitSummary(code: "18073") { unit { code } personCount beneficiaryCount monthlyEntitlementTotal paidTotal unpaidTotal }
    }`,
      { token, variables: { id } },
    );
    expect(answer.errors).toBeUndefined();
    const person = answer.data!.person;
    expect(person.residenceUnit).toMatchObject({
      code: '18073',
      name: 'Thành Sen',
      parent: { name: 'Hà Tĩnh' },
    });
    expect(person.entitlements.length).toBeGreaterThan(0);
    const [entitlement] = person.entitlements;
    expect(entitlement.standardLevel).toBe(500_000);
    expect(entitlement.monthlyAmount).toBe(Math.round(500_000 * entitlement.coefficient));
    // A line a month: by the old commune before the reform, by Phường Thành Sen since.
    const lines = person.payments as { month: string; unit: { code: string; validTo: string | null } }[];
    expect(new Set(lines.map((line) => line.month)).size).toBe(lines.length);
    for (const line of lines) {
      expect([line.month, line.unit.validTo]).toEqual([
        line.month,
        line.month < '2025-07' ? '2025-06-30' : null,
      ]);
    }
    expect(lines.some((line) => line.month < '2025-07')).toBe(true);
    expect(lines.some((line) => line.month >= '2025-07' && line.unit.code === '18073')).toBe(true);
    // Old 18073 Nam Hà and 18077 Bắc Hà merged whole into Phường Thành Sen: 15 demo persons each, one
    // of whom has died since (the demo's death stopped from the month after, with funeral support).
    expect(answer.data!.unitSummary).toMatchObject({ unit: { code: '18073' }, personCount: 29 });
    expect(answer.data!.unitSummary.beneficiaryCount).toBeGreaterThan(0);
    expect(answer.data!.unitSummary.monthlyEntitlementTotal).toBeGreaterThan(0);
  });

  it('answers a provincial system (client credentials) across the province', async () => {
    const token = await provinceSystemToken();
    const answer = await graphql(
      stack.gateway.url,
      `
        {
          persons(first: 1) {
            totalCount
          }
        }
      `,
      { token },
    );
    expect(answer.errors).toBeUndefined();
    // Seven old communes of 15 demo persons each, in every era.
    expect(answer.data!.persons.totalCount).toBe(105);
  });

  describe('scope', () => {
    it("refuses a commune user another commune's person and summary", async () => {
      const token = await tokenFor('xa.18073');
      const otherId = await personIdIn('18229');
      const person = await graphql(stack.gateway.url, PERSON_ACROSS_ALL, {
        token,
        variables: { id: otherId },
      });
      expect(person.data?.person ?? null).toBeNull();
      expect(person.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
      const summary = await graphql(
        stack.gateway.url,
        `
          {
            unitSummary(code: "18229") {
              personCount
            }
          }
        `,
        { token },
      );
      expect(summary.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    });

    it('gives the former district only what still lies in its old communes, and nothing of another', async () => {
      const token = await tokenFor('huyen.436');
      const own = await graphql(
        stack.gateway.url,
        `
          {
            persons(first: 1) {
              totalCount
            }
            unitSummary(code: "436") {
              personCount
            }
          }
        `,
        { token },
      );
      expect(own.errors).toBeUndefined();
      // The 15 persons of the split 18082 Đại Nài stay on it until assigned; the others were carried away.
      expect(own.data).toMatchObject({ persons: { totalCount: 15 }, unitSummary: { personCount: 15 } });
      const other = await graphql(stack.gateway.url, PERSON_ACROSS_ALL, {
        token,
        variables: { id: await personIdIn('18262') },
      });
      expect(other.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    });

    it("gives no entitlements or payments of another commune's person through the other subgraphs' _entities", async () => {
      const token = await tokenFor('xa.18073');
      const otherId = await personIdIn('18229');
      for (const [subgraph, field] of [
        ['approvals', 'entitlements { id }'],
        ['payments', 'payments { id }'],
      ] as const) {
        const answer = await graphql(
          stack.subgraphs[subgraph]!.url,
          `query ($representations: [_Any!]!) { _entities(representations: $representations) { ... on Person { ${field} } } }`,
          {
            token,
            variables: { representations: [{ __typename: 'Person', id: otherId }] },
            headers: gatewayCredentialHeaders(),
          },
        );
        expect(answer.errors).toBeUndefined();
        expect(answer.data!._entities).toEqual([{ [field.split(' ')[0]!]: [] }]);
      }
    });
  });

  describe('authentication', () => {
    it('answers public fields without a token and refuses the rest', async () => {
      const publicAnswer = await graphql(
        stack.gateway.url,
        `
          {
            administrativeUnit(code: "42") {
              fullName
              children {
                code
              }
            }
            publicFigures(provinceCode: "42", fromMonth: "${currentMonth()}", toMonth: "${currentMonth()}") {
              provinceName
              cells {
                beneficiaries
                suppressed
              }
            }
          }
        `,
      );
      expect(publicAnswer.errors).toBeUndefined();
      expect(publicAnswer.data!.administrativeUnit.fullName).toBe('Tỉnh Hà Tĩnh');
      expect(publicAnswer.data!.publicFigures.provinceName).toBe('Tỉnh Hà Tĩnh');
      expect(publicAnswer.data!.publicFigures.cells.length).toBeGreaterThan(0);

      const privateAnswer = await graphql(
        stack.gateway.url,
        `
          {
            persons(first: 1) {
              totalCount
            }
          }
        `,
      );
      expect(privateAnswer.status).toBe(200);
      expect(privateAnswer.data?.persons ?? null).toBeNull();
      expect(privateAnswer.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    });

    it.each([
      ['a malformed token', 'Bearer not-a-jwt'],
      ['a token with a forged signature', null],
      ['a header that is not a bearer token', 'Basic eGE6MTIz'],
    ])('answers 401 to %s', async (_label, header) => {
      const authorization = header ?? (await forgedToken());
      const answer = await graphql(
        stack.gateway.url,
        `
          {
            persons(first: 1) {
              totalCount
            }
          }
        `,
        { authorization },
      );
      expect(answer.status).toBe(401);
      expect(answer.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
      expect(answer.data).toBeUndefined();
    });

    it('answers 401 with "expired" to an expired token', async () => {
      const token = await passwordGrant({
        keycloakUrl: process.env.KEYCLOAK_URL!,
        username: 'xa.18073',
        password: DEMO_PASSWORD,
        clientId: 'ansinh-test-short-lived',
      });
      const { exp } = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as {
        exp: number;
      };
      // the verifier allows 5 s of clock skew
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, exp * 1000 + 6_000 - Date.now())));
      const answer = await graphql(
        stack.gateway.url,
        `
          {
            persons(first: 1) {
              totalCount
            }
          }
        `,
        { token },
      );
      expect(answer.status).toBe(401);
      expect(answer.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
      expect(answer.errors?.[0]?.message).toContain('hết hạn');
    }, 30_000);

    it('answers 401 to a real token of this realm that was not issued for the graph (audience check)', async () => {
      const token = await passwordGrant({
        keycloakUrl: process.env.KEYCLOAK_URL!,
        username: 'xa.18073',
        password: DEMO_PASSWORD,
        clientId: 'admin-cli',
      });
      const answer = await graphql(
        stack.gateway.url,
        `
          {
            persons(first: 1) {
              totalCount
            }
          }
        `,
        { token },
      );
      expect(answer.status).toBe(401);
      expect(answer.errors?.[0]?.message).toContain('aud');
    });

    it('gives the subgraphs the same refusal when called directly with a bad token', async () => {
      const answer = await graphql(
        stack.subgraphs.payments!.url,
        `
          {
            paymentLines(month: "2026-01") {
              id
            }
          }
        `,
        { authorization: 'Bearer x.y.z' },
      );
      expect(answer.status).toBe(401);
    });
  });

  it('refuses a query nested deeper than the gateway allows, before asking any subgraph', async () => {
    const nested = Array.from({ length: 13 }).reduce<string>((inner) => `children { code ${inner} }`, 'code');
    const answer = await graphql(stack.gateway.url, `{ administrativeUnit(code: "42") { ${nested} } }`);
    expect(answer.status).toBe(400);
    expect(answer.errors?.[0]?.extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', limit: 'depth' });
    expect(answer.errors?.[0]?.message).toContain('tối đa 12');
  });

  it('reports health and readiness', async () => {
    const base = stack.gateway.url.replace('/graphql', '');
    expect((await fetch(`${base}/health`)).status).toBe(200);
    const ready = await fetch(`${base}/ready`);
    expect(await ready.json()).toEqual({
      jwks: true,
      registry: true,
      approvals: true,
      payments: true,
      reporting: true,
    });
  });
});

/** A real token with its signature replaced: signature checks must catch it. */
async function forgedToken(): Promise<string> {
  const [header, payload] = (await tokenFor('xa.18073')).split('.');
  const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString());
  const widened = Buffer.from(
    JSON.stringify({ ...claims, unit_code: '42', unit_level: 'province' }),
  ).toString('base64url');
  return `Bearer ${header}.${widened}.${Buffer.from('forged').toString('base64url')}`;
}

describe('browser pages of the console (CORS)', () => {
  const preflight = (path: string, origin: string) =>
    fetch(new URL(path, stack.gateway.url), {
      method: 'OPTIONS',
      headers: {
        origin,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization, content-type',
      },
    });

  it('lets the console’s pages ask the graph and fetch files, and no other origin', async () => {
    for (const path of ['/graphql', '/files/registry/00000000-0000-4000-8000-000000000000']) {
      const allowed = await preflight(path, CONSOLE_ORIGIN);
      expect([path, allowed.status, allowed.headers.get('access-control-allow-origin')]).toEqual([
        path,
        204,
        CONSOLE_ORIGIN,
      ]);
      const other = await preflight(path, 'http://localhost:4101');
      expect([path, other.status, other.headers.get('access-control-allow-origin')]).toEqual([
        path,
        403,
        null,
      ]);
    }
  });

  it('makes the answers readable by the console’s pages, refusals included', async () => {
    const token = await tokenFor('xa.18073');
    const answer = await fetch(stack.gateway.url, {
      method: 'POST',
      headers: {
        origin: CONSOLE_ORIGIN,
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ query: '{ unitSummary(code: "18073") { personCount } }' }),
    });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('access-control-allow-origin')).toBe(CONSOLE_ORIGIN);
    const refused = await fetch(
      new URL('/files/registry/00000000-0000-4000-8000-000000000000', stack.gateway.url),
      {
        headers: { origin: CONSOLE_ORIGIN },
      },
    );
    expect(refused.status).toBe(401);
    expect(refused.headers.get('access-control-allow-origin')).toBe(CONSOLE_ORIGIN);
  });
});
