import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Session, startSubgraph, type RunningSubgraph } from '@ansinh/common';
import { createTestDatabase, type TestDatabase } from '@ansinh/common/testing';
import { graphql, sqlRows, testEnv, tokenFor } from '@ansinh/tests/support';
import { registrySubgraph } from '../src/index.ts';
import { createPerson } from '../src/persons/person.service.ts';

// Units by identity (issue 10): a reused GSO code names two units, one before the 1 July 2025 reform
// and one after; persons refer to the unit version, so neither is ever taken for the other. Built on
// a few units of Hà Tĩnh of both national lists (facts: services/registry/data/admin-units/), not the demo.

let database: TestDatabase;
let subgraph: RunningSubgraph;

type UnitRow = [
  code: string,
  name: string,
  level: string,
  parent: string | null,
  from: string | null,
  to: string | null,
  successors: string[],
];
const UNITS: UnitRow[] = [
  ['42', 'Hà Tĩnh', 'province', null, null, '2025-06-30', ['42']],
  ['436', 'Thành phố Hà Tĩnh', 'district', '42', null, '2025-06-30', []],
  ['440', 'Huyện Đức Thọ', 'district', '42', null, '2025-06-30', []],
  ['18073', 'Phường Nam Hà', 'commune', '436', null, '2025-06-30', ['18073']],
  ['18077', 'Phường Bắc Hà', 'commune', '436', null, '2025-06-30', ['18073']],
  ['18082', 'Phường Đại Nài', 'commune', '436', null, '2025-06-30', ['18073', '18652']],
  ['18229', 'Thị trấn Đức Thọ', 'commune', '440', null, '2025-06-30', ['18229']],
  ['42', 'Hà Tĩnh', 'province', null, '2025-07-01', null, []],
  ['18073', 'Phường Thành Sen', 'commune', '42', '2025-07-01', null, []],
  ['18652', 'Phường Hà Huy Tập', 'commune', '42', '2025-07-01', null, []],
  ['18229', 'Xã Đức Thọ', 'commune', '42', '2025-07-01', null, []],
];

/** The unit with this code that ended with the reform (old) or is in force (new). */
async function unitId(code: string, era: 'old' | 'new'): Promise<string> {
  const [row] = await sqlRows(
    database.url,
    `select id from registry.administrative_units where code = $1 and (valid_to is null) = $2`,
    [code, era === 'new'],
  );
  return row!.id;
}

async function insertPerson(fullName: string, birthDate: string, unit: string): Promise<string> {
  const [row] = await sqlRows(
    database.url,
    `insert into registry.persons (id, full_name, name_folded, birth_year, birth_date, gender, residence_unit_id, status, created_at, updated_at)
     values (gen_random_uuid(), $1, registry.fold_name($1), $2, $3, 'female', $4, 'living', now(), now()) returning id`,
    [fullName, Number(birthDate.slice(0, 4)), birthDate, unit],
  );
  return row!.id;
}

let oldPerson: string;
let newPerson: string;
let oldNeighbour: string;

beforeAll(async () => {
  database = await createTestDatabase();
  for (const [code, name, level, parent, from, to, successors] of UNITS) {
    await sqlRows(
      database.url,
      `insert into registry.administrative_units (id, code, name, full_name, level, kind, parent_code, path, valid_from, valid_to, successor_codes)
       values (gen_random_uuid(), $1::text, $2, $2, $3, 'x', $4, text2ltree($1::text), $5, $6, $7)`,
      [code, name, level, parent, from, to, successors],
    );
  }
  await sqlRows(database.url, 'select registry.refresh_unit_lineage()');
  oldPerson = await insertPerson('Lê Thị Nam Hà', '1948-05-06', await unitId('18073', 'old'));
  newPerson = await insertPerson('Lê Thị Thành Sen', '1949-07-08', await unitId('18073', 'new'));
  // Of old 18077 Bắc Hà (district 436), merged whole into the new 18073.
  oldNeighbour = await insertPerson('Trần Thị Trùng Tên', '1950-03-02', await unitId('18077', 'old'));
  subgraph = await startSubgraph(registrySubgraph, testEnv(database.url));
});

afterAll(async () => {
  await subgraph?.stop();
  await database?.drop();
});

const PERSONS = `{ persons(first: 50) { totalCount edges { node { id residenceUnitCode residenceUnit { code name validTo } } } } }`;

type Seen = {
  id: string;
  residenceUnitCode: string;
  residenceUnit: { code: string; name: string; validTo: string | null };
};
async function personsSeenBy(username: string): Promise<Map<string, Seen>> {
  const answer = await graphql(subgraph.url, PERSONS, { token: await tokenFor(username) });
  expect(answer.errors).toBeUndefined();
  return new Map(answer.data!.persons.edges.map(({ node }: { node: Seen }) => [node.id, node] as const));
}

describe('a reused code: old 18073 Phường Nam Hà and new 18073 Phường Thành Sen side by side', () => {
  it('gives each person their own unit, never the other one with the same code', async () => {
    const seen = await personsSeenBy('tinh.42');
    expect(seen.get(oldPerson)).toEqual({
      id: oldPerson,
      residenceUnitCode: '18073',
      residenceUnit: { code: '18073', name: 'Phường Nam Hà', validTo: '2025-06-30' },
    });
    expect(seen.get(newPerson)).toEqual({
      id: newPerson,
      residenceUnitCode: '18073',
      residenceUnit: { code: '18073', name: 'Phường Thành Sen', validTo: null },
    });
  });

  it('lets the new commune read its own person and those of the communes merged whole into it', async () => {
    const seen = await personsSeenBy('xa.18073');
    expect([...seen.keys()].sort()).toEqual([newPerson, oldPerson, oldNeighbour].sort());
  });

  it('lets the former district 436 read its old person but not the new 18073 person of other territory', async () => {
    const seen = await personsSeenBy('huyen.436');
    expect(seen.has(oldPerson)).toBe(true);
    expect(seen.has(oldNeighbour)).toBe(true);
    expect(seen.has(newPerson)).toBe(false);
    const byId = await graphql(
      subgraph.url,
      `
        query ($id: ID!) {
          person(id: $id) {
            id
          }
        }
      `,
      {
        token: await tokenFor('huyen.436'),
        variables: { id: newPerson },
      },
    );
    expect(byId.data?.person ?? null).toBeNull();
    expect(byId.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });

  it('registers a person given the code 18073 in the commune in force, not in the old one', async () => {
    const created = await graphql(
      subgraph.url,
      `
        mutation {
          createPerson(
            input: {
              fullName: "Phạm Văn Mới Đăng Ký"
              birthDate: "1960"
              gender: MALE
              residenceUnitCode: "18073"
            }
          ) {
            id
            residenceUnit {
              name
              validTo
            }
          }
        }
      `,
      { token: await tokenFor('xa.18073') },
    );
    expect(created.errors).toBeUndefined();
    expect(created.data!.createPerson.residenceUnit).toEqual({ name: 'Phường Thành Sen', validTo: null });
    const [row] = await sqlRows(
      database.url,
      'select residence_unit_id from registry.persons where id = $1',
      [created.data!.createPerson.id],
    );
    expect(row!.residence_unit_id).toBe(await unitId('18073', 'new'));
  });

  it('refuses to change a person still on the old unit, and writes nothing', async () => {
    const changed = await graphql(
      subgraph.url,
      `
        mutation ($id: ID!) {
          updatePerson(id: $id, input: { address: "Tổ 5" }) {
            id
          }
        }
      `,
      { token: await tokenFor('xa.18073'), variables: { id: oldPerson } },
    );
    expect(changed.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(changed.errors?.[0]?.message).toMatch(/đã chấm dứt hoạt động từ sau ngày 30\/06\/2025/);
    const [row] = await sqlRows(database.url, 'select address from registry.persons where id = $1', [
      oldPerson,
    ]);
    expect(row!.address).toBeNull();
  });

  it('moves a person of the old unit into the commune in force when the change names it', async () => {
    const moved = await graphql(
      subgraph.url,
      `
        mutation ($id: ID!) {
          updatePerson(id: $id, input: { residenceUnitCode: "18073", address: "Tổ 5" }) {
            address
            residenceUnit {
              name
            }
          }
        }
      `,
      { token: await tokenFor('xa.18073'), variables: { id: oldNeighbour } },
    );
    expect(moved.errors).toBeUndefined();
    expect(moved.data!.updatePerson).toEqual({
      address: 'Tổ 5',
      residenceUnit: { name: 'Phường Thành Sen' },
    });
    const [history] = await sqlRows(
      database.url,
      `select unit_id from registry.change_history where person_id = $1 and action = 'update' order by id desc limit 1`,
      [oldNeighbour],
    );
    expect(history!.unit_id).toBe(await unitId('18073', 'new'));
  });

  it('refuses any write of a former district, and writes nothing', async () => {
    const before = await sqlRows(database.url, 'select count(*)::int as n from registry.persons');
    const created = await graphql(
      subgraph.url,
      `
        mutation {
          createPerson(
            input: { fullName: "Hồ Văn Cấm", birthDate: "1970", gender: MALE, residenceUnitCode: "18073" }
          ) {
            id
          }
        }
      `,
      { token: await tokenFor('huyen.436') },
    );
    expect(created.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    // The demo account of the former district holds reading roles only; an officer of it is refused
    // too, for the unit has ended, before anything is read or written.
    const officer = Session.of(
      {
        subject: 'x',
        username: 'huyen.436',
        unitCode: '436',
        unitLevel: 'district',
        roles: ['officer'],
        clientId: undefined,
      },
      {
        unitId: await unitId('436', 'old'),
        code: '436',
        level: 'district',
        path: '42.436',
        readPaths: ['42.436'],
        validTo: '2025-06-30',
      },
    );
    await expect(
      createPerson(null as never, officer, {
        fullName: 'Hồ Văn Cấm',
        birthDate: '1970',
        gender: 'male',
        residenceUnitCode: '18073',
      } as never),
    ).rejects.toMatchObject({
      code: 'FORBIDDEN',
      message: expect.stringContaining('Đơn vị 436 đã chấm dứt hoạt động từ sau ngày 30/06/2025'),
    });
    const after = await sqlRows(database.url, 'select count(*)::int as n from registry.persons');
    expect(after[0]!.n).toBe(before[0]!.n);
  });
});

describe('the duplicate check after the reform', () => {
  const create = async (username: string, communeCode: string) =>
    graphql(
      subgraph.url,
      `
        mutation ($code: ID!) {
          createPerson(
            input: {
              fullName: "Trần Thị Trùng Tên"
              birthDate: "02/03/1950"
              gender: FEMALE
              residenceUnitCode: $code
            }
          ) {
            id
            duplicateWarnings {
              reason
              matchedPerson {
                id
              }
            }
          }
        }
      `,
      { token: await tokenFor(username), variables: { code: communeCode } },
    );

  it("looks in the new commune's former district: a person of old 18077 (district 436) is matched", async () => {
    // The neighbour moved into the new commune above; another person of old district 436 remains.
    const other = await insertPerson('Trần Thị Trùng Tên', '1950-03-02', await unitId('18082', 'old'));
    const answer = await create('xa.18073', '18073');
    expect(answer.errors).toBeUndefined();
    const matched = answer.data!.createPerson.duplicateWarnings.map(
      (warning: { reason: string; matchedPerson: { id: string } | null }) =>
        warning.matchedPerson?.id ?? null,
    );
    expect(
      answer.data!.createPerson.duplicateWarnings.every(
        (w: { reason: string }) => w.reason === 'NAME_AND_BIRTH',
      ),
    ).toBe(true);
    // The one of the new commune itself is read; the one of split 18082 is matched but not readable here.
    expect(matched).toContain(oldNeighbour);
    const [raised] = await sqlRows(
      database.url,
      `select count(*)::int as n from registry.duplicate_warnings where person_id = $1 and matched_person_id = any($2::uuid[])`,
      [answer.data!.createPerson.id, [oldNeighbour, other]],
    );
    expect(raised!.n).toBe(2);
  });

  it('does not widen to the province: the same name in Xã Đức Thọ (former district 440) raises nothing', async () => {
    const answer = await create('xa.18229', '18229');
    expect(answer.errors).toBeUndefined();
    expect(answer.data!.createPerson.duplicateWarnings).toEqual([]);
    const [raised] = await sqlRows(
      database.url,
      'select count(*)::int as n from registry.duplicate_warnings where person_id = $1 or matched_person_id = $1',
      [answer.data!.createPerson.id],
    );
    expect(raised!.n).toBe(0);
  });
});
