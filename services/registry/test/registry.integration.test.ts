import { gatewayCredentialHeaders } from '@ansinh/common/graphql';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  dataStatements,
  graphql,
  sqlRows,
  startSeededSubgraph,
  tokenFor,
  type SeededSubgraph,
} from '@ansinh/tests/support';
import { registrySubgraph } from '../src/index.ts';

let seeded: SeededSubgraph;
const statements: string[] = [];

async function count(sql: string): Promise<number> {
  const [row] = await sqlRows(seeded.database.url, sql);
  return Number(row!.count);
}

async function personIdIn(communeCode: string): Promise<string> {
  const [row] = await sqlRows(
    seeded.database.url,
    'select id from registry.persons where (select u.code from registry.administrative_units u where u.id = residence_unit_id) = $1 limit 1',
    [communeCode],
  );
  return row!.id;
}

beforeAll(async () => {
  seeded = await startSeededSubgraph(registrySubgraph, { onQuery: (sql) => statements.push(sql) });
});

afterAll(() => seeded?.stop());

const PERSONS_PAGE = `query ($first: Int) {
  persons(first: $first) { totalCount edges { node { id fullName birthDate gender residenceUnit { name parent { name } } } } pageInfo { hasNextPage endCursor } }
}`;

describe('registry subgraph on PostgreSQL', () => {
  it('lists a page of 50 persons with their units in a constant number of SQL statements', async () => {
    const token = await tokenFor('tinh.42');
    await graphql(seeded.subgraph.url, PERSONS_PAGE, { token, variables: { first: 1 } }); // warm-up: metadata and pool
    statements.length = 0;
    const small = await graphql(seeded.subgraph.url, PERSONS_PAGE, { token, variables: { first: 5 } });
    const forFive = statements.length;
    statements.length = 0;
    const page = await graphql(seeded.subgraph.url, PERSONS_PAGE, { token, variables: { first: 50 } });
    expect(small.errors).toBeUndefined();
    expect(page.errors).toBeUndefined();
    expect(page.data!.persons.edges).toHaveLength(50);
    // Every demo person of the province, of both eras: 7 old communes × 15 (carried across or waiting in review).
    expect(page.data!.persons.totalCount).toBe(105);
    expect(page.data!.persons.pageInfo.hasNextPage).toBe(true);
    expect(statements.length).toBe(forFive);
    // count, page, the communes, their districts: one statement per level, not per person (the
    // session's unit is kept from the warm-up)
    expect(dataStatements(statements)).toHaveLength(4);
    // One scoped transaction for the whole query (begin, the scope settings with the role, commit), not one per statement.
    expect(statements.filter((sql) => !dataStatements([sql]).length)).toEqual([
      expect.stringMatching(/^begin/i),
      // the scope, the actor, the role and plan_cache_mode, each a set_config of the one statement
      expect.stringMatching(/^select (set_config\(\?, \?, true\)(, |$)){7}/),
      expect.stringMatching(/^commit/i),
    ]);
  });

  it('gives each query’s connection back, whether it answered, was refused or failed in a resolver', async () => {
    const token = await tokenFor('xa.18073');
    // Three times the pool (10 connections): a connection kept by any of them would leave later ones waiting.
    const answers = await Promise.all(
      Array.from({ length: 30 }, (_, index) =>
        graphql(
          seeded.subgraph.url,
          index % 3 === 0
            ? '{ persons(first: 1) { totalCount } }'
            : index % 3 === 1
              ? '{ person(id: "00000000-0000-4000-8000-000000000000") { id } }'
              : '{ persons(unitCode: "01") { totalCount } }',
          { token },
        ),
      ),
    );
    expect(answers.filter((answer) => answer.data?.persons?.totalCount === 30)).toHaveLength(10);
    expect(
      answers
        .map((answer) => answer.errors?.[0]?.extensions?.['code'])
        .filter(Boolean)
        .sort(),
    ).toEqual([...Array<string>(10).fill('FORBIDDEN'), ...Array<string>(10).fill('NOT_FOUND')]);
    const after = await graphql(seeded.subgraph.url, '{ persons(first: 1) { totalCount } }', { token });
    expect(after.data!.persons.totalCount).toBe(30);
  });

  it('pages through with the cursor', async () => {
    // Phường Thành Sen: the persons of old 18073 Nam Hà and 18077 Bắc Hà, merged whole into it (2 × 15).
    const token = await tokenFor('xa.18073');
    const first = await graphql(
      seeded.subgraph.url,
      `
        {
          persons(first: 20) {
            totalCount
            edges {
              node {
                id
              }
            }
            pageInfo {
              endCursor
            }
          }
        }
      `,
      { token },
    );
    const rest = await graphql(
      seeded.subgraph.url,
      `
        query ($after: String) {
          persons(first: 20, after: $after) {
            edges {
              node {
                id
              }
            }
            pageInfo {
              hasNextPage
            }
          }
        }
      `,
      { token, variables: { after: first.data!.persons.pageInfo.endCursor } },
    );
    expect(first.data!.persons.totalCount).toBe(30);
    const ids = [...first.data!.persons.edges, ...rest.data!.persons.edges].map(
      (edge: { node: { id: string } }) => edge.node.id,
    );
    expect(new Set(ids).size).toBe(30);
    expect(rest.data!.persons.pageInfo.hasNextPage).toBe(false);
  });

  it('lets a former district read only the persons still on its old communes, not those carried to new ones', async () => {
    const answer = await graphql(
      seeded.subgraph.url,
      `
        {
          persons(first: 50) {
            totalCount
            edges {
              node {
                id
                residenceUnit {
                  code
                  validTo
                }
              }
            }
          }
        }
      `,
      { token: await tokenFor('huyen.436') },
    );
    expect(answer.errors).toBeUndefined();
    // Of its four demo communes, three merged whole into new communes and took their persons along;
    // the persons of the split 18082 Đại Nài wait in the review queue, still on the old commune.
    expect(answer.data!.persons.totalCount).toBe(15);
    const units = new Set(
      answer.data!.persons.edges.map(
        (edge: { node: { residenceUnit: { code: string; validTo: string | null } } }) =>
          `${edge.node.residenceUnit.code} ${edge.node.residenceUnit.validTo}`,
      ),
    );
    expect([...units]).toEqual(['18082 2025-06-30']);
    const carried = await personIdIn('18073');
    const byId = await graphql(
      seeded.subgraph.url,
      `
        query ($id: ID!) {
          person(id: $id) {
            id
          }
        }
      `,
      {
        token: await tokenFor('huyen.436'),
        variables: { id: carried },
      },
    );
    expect(byId.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });

  it("refuses a commune user another commune's person, by query and through _entities", async () => {
    const token = await tokenFor('xa.18073');
    const otherId = await personIdIn('18229');
    const byQuery = await graphql(
      seeded.subgraph.url,
      `
        query ($id: ID!) {
          person(id: $id) {
            fullName
          }
        }
      `,
      { token, variables: { id: otherId } },
    );
    expect(byQuery.data?.person ?? null).toBeNull();
    expect(byQuery.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');

    const byEntities = await graphql(
      seeded.subgraph.url,
      `
        query ($representations: [_Any!]!) {
          _entities(representations: $representations) {
            ... on Person {
              fullName
              citizenId
            }
          }
        }
      `,
      {
        token,
        variables: { representations: [{ __typename: 'Person', id: otherId }] },
        headers: gatewayCredentialHeaders(),
      },
    );
    expect(byEntities.data?._entities).toEqual([null]);
    expect(byEntities.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');

    const ownId = await personIdIn('18073');
    const own = await graphql(
      seeded.subgraph.url,
      `
        query ($representations: [_Any!]!) {
          _entities(representations: $representations) {
            ... on Person {
              fullName
            }
          }
        }
      `,
      {
        token,
        variables: { representations: [{ __typename: 'Person', id: ownId }] },
        headers: gatewayCredentialHeaders(),
      },
    );
    expect(own.errors).toBeUndefined();
    expect(own.data!._entities[0].fullName).toEqual(expect.any(String));
  });

  it('refuses listing a unit outside the scope', async () => {
    const token = await tokenFor('xa.18073');
    const answer = await graphql(
      seeded.subgraph.url,
      `
        {
          persons(unitCode: "18229") {
            totalCount
          }
        }
      `,
      { token },
    );
    expect(answer.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  describe('createPerson', () => {
    const CREATE = `mutation ($input: CreatePersonInput!) { createPerson(input: $input) { id fullName birthDate citizenId residenceUnit { code } } }`;
    const valid = {
      fullName: 'Trần Thị Bình',
      birthDate: '12/04/1950',
      gender: 'FEMALE',
      citizenId: '042150009876',
      residenceUnitCode: '18073',
    };

    it.each([
      ['a CCCD whose digit 4 disagrees with the gender', { citizenId: '042050009876' }, 'citizenId'],
      ['a CCCD of 11 digits', { citizenId: '04215000987' }, 'citizenId'],
      ['a date of birth in the future', { birthDate: '01/01/2099' }, 'birthDate'],
      ['an unknown commune', { residenceUnitCode: '99999' }, 'residenceUnitCode'],
    ])('refuses %s with a clear error and writes nothing', async (_label, change, field) => {
      const token = await tokenFor('xa.18073');
      const before = await count('select count(*) from registry.persons');
      const answer = await graphql(seeded.subgraph.url, CREATE, {
        token,
        variables: { input: { ...valid, ...change } },
      });
      expect(answer.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
      expect(answer.errors?.[0]?.message).toMatch(/[àáảãạăâđêôơư]/i);
      expect(await count('select count(*) from registry.persons')).toBe(before);
    });

    it('refuses a commune outside the scope and writes nothing', async () => {
      const token = await tokenFor('xa.18073');
      const before = await count('select count(*) from registry.persons');
      const answer = await graphql(seeded.subgraph.url, CREATE, {
        token,
        variables: { input: { ...valid, residenceUnitCode: '18229' } },
      });
      expect(answer.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      expect(await count('select count(*) from registry.persons')).toBe(before);
    });

    it('refuses roles without the right to register persons', async () => {
      const token = await tokenFor('huyen.436');
      const before = await count('select count(*) from registry.persons');
      const answer = await graphql(seeded.subgraph.url, CREATE, { token, variables: { input: valid } });
      expect(answer.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      expect(await count('select count(*) from registry.persons')).toBe(before);
    });

    it('refuses a CCCD held by a living person of another commune, which the caller cannot see', async () => {
      const token = await tokenFor('xa.18073');
      const [other] = await sqlRows(
        seeded.database.url,
        `select citizen_id, birth_year, gender from registry.persons
         where (select u.code from registry.administrative_units u where u.id = residence_unit_id) = '18229' and citizen_id is not null and status = 'living' limit 1`,
      );
      const before = await count('select count(*) from registry.persons');
      const answer = await graphql(seeded.subgraph.url, CREATE, {
        token,
        variables: {
          input: {
            ...valid,
            citizenId: other!.citizen_id,
            birthDate: String(other!.birth_year),
            gender: other!.gender.toUpperCase(),
          },
        },
      });
      expect(answer.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', field: 'citizenId' });
      expect(await count('select count(*) from registry.persons')).toBe(before);
    });

    it('registers a person, then refuses the same CCCD for a second living person', async () => {
      const token = await tokenFor('xa.18073');
      const created = await graphql(seeded.subgraph.url, CREATE, { token, variables: { input: valid } });
      expect(created.errors).toBeUndefined();
      expect(created.data!.createPerson).toMatchObject({
        fullName: 'Trần Thị Bình',
        birthDate: '1950-04-12',
        residenceUnit: { code: '18073' },
      });
      expect(await count(`select count(*) from registry.persons where citizen_id = '042150009876'`)).toBe(1);

      const again = await graphql(seeded.subgraph.url, CREATE, {
        token,
        variables: { input: { ...valid, fullName: 'Người Khác' } },
      });
      expect(again.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', field: 'citizenId' });
      expect(await count(`select count(*) from registry.persons where citizen_id = '042150009876'`)).toBe(1);
    });
  });
});
