import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { graphql, startStack, tokenFor, type Stack } from '../support/stack.ts';

let stack: Stack;

beforeAll(async () => {
  stack = await startStack();
});

afterAll(async () => {
  await stack?.stop();
});

const run = async (username: string, query: string, variables: Record<string, unknown> = {}) =>
  graphql(stack.gateway.url, query, { token: await tokenFor(username), variables });

describe('the register through the gateway, with real Keycloak tokens', () => {
  it('registers a person with an account, finds them without accents, and shows their history', async () => {
    const created = await run(
      'xa.18229',
      `mutation { createPerson(input: { fullName: "Phan Thị Gateway", birthDate: "1944", gender: FEMALE, ethnicityCode: "01", residenceUnitCode: "18229" }) { id } }`,
    );
    expect(created.errors).toBeUndefined();
    const id = created.data!.createPerson.id;
    const account = await run(
      'xa.18229',
      `mutation ($id: ID!) { addPaymentAccount(personId: $id, input: { providerCode: "VBSP", accountNumber: "123456789", holderName: "PHAN THI GATEWAY" }) { isDefault holderNameMatches } }`,
      { id },
    );
    expect(account.data!.addPaymentAccount).toEqual({ isDefault: true, holderNameMatches: true });

    const found = await run(
      'tinh.42',
      `{ persons(filter: { name: "phan thi gateway" }) { totalCount totalCountIsExact edges { node { id ethnicity { name } paymentAccounts { provider { name } } residenceUnit { parent { code } } entitlements { status } } } } }`,
    );
    expect(found.errors).toBeUndefined();
    expect(found.data!.persons).toMatchObject({
      totalCount: 1,
      totalCountIsExact: true,
      edges: [
        {
          node: {
            id,
            ethnicity: { name: 'Kinh' },
            paymentAccounts: [{ provider: { name: 'Ngân hàng Chính sách xã hội' } }],
            residenceUnit: { parent: { code: '42' } },
            entitlements: [],
          },
        },
      ],
    });
    const elsewhere = await run(
      'huyen.436',
      `{ persons(filter: { name: "phan thi gateway" }) { totalCount } }`,
    );
    expect(elsewhere.data!.persons.totalCount).toBe(0);

    const history = await run(
      'tinh.42',
      `query ($id: ID!) { history(personId: $id) { entity action changedBy } }`,
      {
        id,
      },
    );
    expect(history.data!.history).toEqual([
      { entity: 'payment_accounts', action: 'CREATE', changedBy: 'xa.18229' },
      { entity: 'persons', action: 'CREATE', changedBy: 'xa.18229' },
    ]);
  });

  it('lists data gaps by commune for the province, and refuses them to a commune for its province', async () => {
    const gaps = await run(
      'tinh.42',
      `{ dataGaps { total { persons gaps { field missing } } byUnit { unit { code } } } }`,
    );
    expect(gaps.errors).toBeUndefined();
    expect(gaps.data!.dataGaps.total.gaps.map((gap: { field: string }) => gap.field)).toEqual([
      'CITIZEN_ID',
      'GENDER',
      'ETHNICITY',
      'BANK_ACCOUNT',
      'DECISION_NUMBER',
      'DECISION_DATE',
    ]);
    expect(gaps.data!.dataGaps.byUnit.map((unit: { unit: { code: string } }) => unit.unit.code)).toEqual(
      expect.arrayContaining(['18229', '18262']),
    );
    const refused = await run('xa.18229', `{ dataGaps(unitCode: "42") { total { persons } } }`);
    expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('answers the code lists and the units of the reform without a token', async () => {
    const answer = await graphql(
      stack.gateway.url,
      `
        {
          ethnicities {
            code
          }
          paymentProviders {
            code
          }
          administrativeUnit(code: "18073") {
            isCurrent
            successor {
              code
            }
          }
        }
      `,
    );
    expect(answer.errors).toBeUndefined();
    expect(answer.data!.ethnicities).toHaveLength(55);
    expect(answer.data!.administrativeUnit).toEqual({ isCurrent: true, successor: null });
  });
});
