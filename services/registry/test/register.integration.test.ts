import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { graphql, sqlRows, startSeededSubgraph, tokenFor, type SeededSubgraph } from '@ansinh/tests/support';
import { registrySubgraph } from '../src/index.ts';

let seeded: SeededSubgraph;

const fold = (name: string) =>
  name
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/gi, 'd')
    .toLowerCase();

const run = async (username: string, query: string, variables: Record<string, unknown> = {}) =>
  graphql(seeded.subgraph.url, query, { token: await tokenFor(username), variables });

async function count(sql: string, params: unknown[] = []): Promise<number> {
  const [row] = await sqlRows(seeded.database.url, sql, params);
  return Number(row!.count);
}

/** Rows of every table an official's change could touch, to prove that a refusal wrote nothing. */
const allRows = () =>
  count(`select (select count(*) from registry.persons) + (select count(*) from registry.households)
    + (select count(*) from registry.payment_accounts) + (select count(*) from registry.change_history)
    + (select count(*) from registry.duplicate_warnings) as count`);

const CREATE = `mutation ($input: CreatePersonInput!) {
  createPerson(input: $input) { id fullName birthDate ethnicity { code name } phone oldIdNumber duplicateWarnings { id reason } }
}`;

let serial = 0;
/** A valid new person of commune 18073 with a CCCD no one holds. */
function newPerson(overrides: Record<string, unknown> = {}) {
  serial += 1;
  return {
    fullName: `Lê Văn Thử ${String.fromCharCode(65 + (serial % 26))}${serial}`,
    birthDate: '15/08/1952',
    gender: 'MALE',
    citizenId: `042052${String(900000 + serial)}`,
    residenceUnitCode: '18073',
    ...overrides,
  };
}

async function create(overrides: Record<string, unknown> = {}, username = 'xa.18073') {
  const answer = await run(username, CREATE, { input: newPerson(overrides) });
  expect(answer.errors).toBeUndefined();
  return answer.data!.createPerson as { id: string; duplicateWarnings: { id: string; reason: string }[] };
}

beforeAll(async () => {
  seeded = await startSeededSubgraph(registrySubgraph);
});

afterAll(() => seeded?.stop());

describe('persons', () => {
  it('registers ethnicity, phone and old ID, normalised', async () => {
    const answer = await run('xa.18073', CREATE, {
      input: newPerson({ ethnicityCode: '08', phone: '+84 912 345 678', oldIdNumber: '183 456 789' }),
    });
    expect(answer.errors).toBeUndefined();
    expect(answer.data!.createPerson).toMatchObject({
      ethnicity: { code: '08', name: 'HMông' },
      phone: '0912345678',
      oldIdNumber: '183456789',
    });
  });

  it.each([
    ['a bad CCCD', { citizenId: '042152000001' }, 'citizenId'],
    ['an unknown ethnicity code', { ethnicityCode: '77' }, 'ethnicityCode'],
    ['a date of birth in the future', { birthDate: '01/01/2099' }, 'birthDate'],
    ['a phone number that is not Vietnamese', { phone: '12345' }, 'phone'],
    ['an old ID of 7 digits', { oldIdNumber: '1234567' }, 'oldIdNumber'],
  ])('refuses %s, naming the field, and writes nothing', async (_label, change, field) => {
    const before = await allRows();
    const answer = await run('xa.18073', CREATE, { input: newPerson(change) });
    expect(answer.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    expect(await allRows()).toBe(before);
  });

  it('updates details, records status changes, and refuses bad changes', async () => {
    const { id } = await create();
    const UPDATE = `mutation ($id: ID!, $input: UpdatePersonInput!) { updatePerson(id: $id, input: $input) { fullName address ethnicity { code } } }`;
    const updated = await run('xa.18073', UPDATE, {
      id,
      input: { fullName: '  Lê   Văn Đổi ', address: 'Tổ dân phố 3', ethnicityCode: '01' },
    });
    expect(updated.data!.updatePerson).toEqual({
      fullName: 'Lê Văn Đổi',
      address: 'Tổ dân phố 3',
      ethnicity: { code: '01' },
    });
    const before = await allRows();
    const bad = await run('xa.18073', UPDATE, { id, input: { gender: 'FEMALE' } });
    expect(bad.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'citizenId' });
    const moved = await run('xa.18073', UPDATE, { id, input: { residenceUnitCode: '18229' } });
    expect(moved.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(await allRows()).toBe(before);

    const STATUS = `mutation ($id: ID!, $status: PersonStatus!, $date: String) { setPersonStatus(id: $id, status: $status, date: $date) { status statusDate } }`;
    const noDate = await run('xa.18073', STATUS, { id, status: 'DECEASED' });
    expect(noDate.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'date' });
    const died = await run('xa.18073', STATUS, { id, status: 'DECEASED', date: '02/11/2026' });
    expect(died.data!.setPersonStatus).toEqual({ status: 'DECEASED', statusDate: '2026-11-02' });
  });

  it('keeps the history of every change with who made it, before and after', async () => {
    const { id } = await create();
    await run(
      'xa.18073',
      `mutation ($id: ID!) { updatePerson(id: $id, input: { address: "Thôn Mới" }) { id } }`,
      {
        id,
      },
    );
    const answer = await run(
      'xa.18073',
      `query ($id: ID!) { history(personId: $id) { entity action changedBy changedByUnitCode before after } }`,
      { id },
    );
    const [update, creation] = answer.data!.history;
    expect(creation).toMatchObject({
      entity: 'persons',
      action: 'CREATE',
      changedBy: 'xa.18073',
      before: null,
    });
    expect(update).toMatchObject({ action: 'UPDATE', changedBy: 'xa.18073', changedByUnitCode: '18073' });
    expect(JSON.parse(update.before).address).toBeNull();
    expect(JSON.parse(update.after).address).toBe('Thôn Mới');
    const other = await run('xa.18229', `query ($id: ID!) { history(personId: $id) { action } }`, { id });
    expect(other.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });

  it('deletes a record entered by mistake, keeping its history', async () => {
    const { id } = await create();
    const refused = await run('xa.18229', `mutation ($id: ID!) { deletePerson(id: $id) }`, { id });
    expect(refused.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const deleted = await run('xa.18073', `mutation ($id: ID!) { deletePerson(id: $id) }`, { id });
    expect(deleted.data!.deletePerson).toBe(id);
    expect(await count('select count(*) from registry.persons where id = $1', [id])).toBe(0);
    const [row] = await sqlRows(
      seeded.database.url,
      `select actor_name, before->>'full_name' as name from registry.change_history where row_id = $1 and action = 'delete'`,
      [id],
    );
    expect(row).toMatchObject({ actor_name: 'xa.18073', name: expect.stringContaining('Lê Văn Thử') });
  });
});

describe('search', () => {
  const SEARCH = `query ($filter: PersonFilter, $first: Int, $after: String, $unitCode: ID) {
    persons(filter: $filter, first: $first, after: $after, unitCode: $unitCode) { totalCount edges { node { id fullName citizenId status } } pageInfo { hasNextPage endCursor } }
  }`;

  it('finds names without accents, word by word, in the caller scope only', async () => {
    const { id } = await create({ fullName: 'Nguyễn Văn Án', citizenId: null });
    const byName = await run('xa.18073', SEARCH, { filter: { name: 'nguyen van an' } });
    expect(byName.data!.persons.edges.map((edge: any) => edge.node.id)).toContain(id);
    const reordered = await run('xa.18073', SEARCH, { filter: { name: 'AN nguyễn' } });
    expect(reordered.data!.persons.edges.map((edge: any) => edge.node.id)).toContain(id);
    // "an" begins a word: Lan or Toàn do not match.
    for (const edge of reordered.data!.persons.edges) expect(fold(edge.node.fullName)).toMatch(/(^| )an/);
    const elsewhere = await run('xa.18229', SEARCH, { filter: { name: 'nguyen van an' } });
    expect(elsewhere.data!.persons.edges.map((edge: any) => edge.node.id)).not.toContain(id);
  });

  it('finds by CCCD and by status, with total counts', async () => {
    const person = newPerson();
    await run('xa.18073', CREATE, { input: person });
    const byId = await run('tinh.42', SEARCH, { filter: { idNumber: person.citizenId } });
    expect(byId.data!.persons).toMatchObject({
      totalCount: 1,
      edges: [{ node: { citizenId: person.citizenId } }],
    });
    // The former district reads only its own records from before the reform, not today's.
    const formerDistrict = await run('huyen.436', SEARCH, { filter: { idNumber: person.citizenId } });
    expect(formerDistrict.errors).toBeUndefined();
    expect(formerDistrict.data!.persons.totalCount).toBe(0);
    const deceased = await run('tinh.42', SEARCH, { filter: { status: 'DECEASED' } });
    const expected = await count(`select count(*) from registry.persons where status = 'deceased'`);
    expect(deceased.data!.persons.totalCount).toBe(expected);
    const bad = await run('xa.18073', SEARCH, { filter: { idNumber: '12ab' } });
    expect(bad.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'filter.idNumber' });
  });

  it('pages through all matches in name order with the cursor', async () => {
    const seen: string[] = [];
    let after: string | undefined;
    let total: number;
    do {
      const answer = await run('huyen.436', SEARCH, { first: 7, after });
      total = answer.data!.persons.totalCount;
      seen.push(...answer.data!.persons.edges.map((edge: any) => edge.node.fullName));
      after = answer.data!.persons.pageInfo.hasNextPage ? answer.data!.persons.pageInfo.endCursor : undefined;
    } while (after);
    expect(total).toBeGreaterThan(7);
    expect(seen).toHaveLength(total);
    const folded = seen.map(fold);
    expect(folded).toEqual([...folded].sort());
  });
});

describe('households', () => {
  it('creates a household, sets its head and members, and refuses another commune', async () => {
    const created = await run(
      'xa.18073',
      `mutation { createHousehold(input: { code: "NH-001", residenceUnitCode: "18073", povertyStatus: POOR, povertyYear: 2025 }) { id code povertyStatus povertyYear } }`,
    );
    expect(created.errors).toBeUndefined();
    const householdId = created.data!.createHousehold.id;
    const head = await create();
    const child = await create({ birthDate: '2012', citizenId: null });
    const SET = `mutation ($person: ID!, $household: ID, $relation: RelationToHead) { setHouseholdMember(personId: $person, householdId: $household, relationToHead: $relation) { id relationToHead household { id } } }`;
    await run('xa.18073', SET, { person: head.id, household: householdId, relation: 'HEAD' });
    await run('xa.18073', SET, { person: child.id, household: householdId, relation: 'CHILD' });
    const household = await run(
      'xa.18073',
      `query ($id: ID!) { household(id: $id) { head { id } members { id relationToHead } povertyStatus } }`,
      { id: householdId },
    );
    expect(household.data!.household).toEqual({
      head: { id: head.id },
      members: [
        { id: head.id, relationToHead: 'HEAD' },
        { id: child.id, relationToHead: 'CHILD' },
      ],
      povertyStatus: 'POOR',
    });
    const duplicate = await run(
      'xa.18073',
      `mutation { createHousehold(input: { code: "NH-001", residenceUnitCode: "18073" }) { id } }`,
    );
    expect(duplicate.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', field: 'code' });
    const noYear = await run(
      'xa.18073',
      `mutation { createHousehold(input: { code: "NH-002", residenceUnitCode: "18073", povertyStatus: NEAR_POOR }) { id } }`,
    );
    expect(noYear.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'povertyYear' });
    const outside = await run('xa.18229', `query ($id: ID!) { household(id: $id) { id } }`, {
      id: householdId,
    });
    expect(outside.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const foreignMember = await run('xa.18229', SET, {
      person: head.id,
      household: householdId,
      relation: 'HEAD',
    });
    expect(foreignMember.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });
});

describe('payment accounts', () => {
  const ADD = `mutation ($person: ID!, $input: PaymentAccountInput!) { addPaymentAccount(personId: $person, input: $input) { id kind provider { code kind } accountNumber holderName holderNameMatches isDefault } }`;

  it('adds accounts, keeps one default, and flags a holder who is someone else', async () => {
    const person = await create({ fullName: 'Phạm Thị Hoà', gender: 'FEMALE', citizenId: '042152123456' });
    const bank = await run('xa.18073', ADD, {
      person: person.id,
      input: { providerCode: 'Agribank', accountNumber: '3700 205 123456', holderName: 'PHAM THI HOA' },
    });
    expect(bank.data!.addPaymentAccount).toMatchObject({
      kind: 'BANK',
      provider: { code: 'VBA' },
      accountNumber: '3700205123456',
      holderNameMatches: true,
      isDefault: true,
    });
    const wallet = await run('xa.18073', ADD, {
      person: person.id,
      input: {
        providerCode: 'VIETTELMONEY',
        accountNumber: '0987654321',
        holderName: 'Trần Văn Giám Hộ',
        isDefault: true,
      },
    });
    expect(wallet.data!.addPaymentAccount).toMatchObject({
      kind: 'MOBILE_MONEY',
      holderNameMatches: false,
      isDefault: true,
    });
    const accounts = await run(
      'xa.18073',
      `query ($id: ID!) { person(id: $id) { paymentAccounts { provider { code } isDefault } } }`,
      { id: person.id },
    );
    expect(accounts.data!.person.paymentAccounts).toEqual([
      { provider: { code: 'VIETTELMONEY' }, isDefault: true },
      { provider: { code: 'VBA' }, isDefault: false },
    ]);
    const before = await allRows();
    for (const [input, field] of [
      [{ providerCode: 'NGANHANGMA', accountNumber: '123456789' }, 'providerCode'],
      [{ providerCode: 'VCB', accountNumber: '12ab' }, 'accountNumber'],
      [{ providerCode: 'MOMO', accountNumber: '12345' }, 'accountNumber'],
    ] as const) {
      const bad = await run('xa.18073', ADD, { person: person.id, input });
      expect(bad.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    }
    const again = await run('xa.18073', ADD, {
      person: person.id,
      input: { providerCode: 'VBA', accountNumber: '3700205123456' },
    });
    expect(again.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT' });
    const outside = await run('xa.18229', ADD, {
      person: person.id,
      input: { providerCode: 'VBA', accountNumber: '111111111' },
    });
    expect(outside.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect(await allRows()).toBe(before);
    const history = await count(
      `select count(*) from registry.change_history where table_name = 'payment_accounts' and person_id = $1`,
      [person.id],
    );
    expect(history).toBeGreaterThanOrEqual(3); // two creations and the default moving
  });
});

describe('duplicate warnings', () => {
  it('warns about the same name and birth in the same former district, and records the merge', async () => {
    const older = await create({
      fullName: 'Võ Thị Trùng',
      gender: 'FEMALE',
      birthDate: '1941',
      citizenId: null,
    });
    expect(older.duplicateWarnings).toEqual([]);
    // Another current commune over the same former district 436 (Phường Hà Huy Tập), written without the
    // same accents and spacing.
    const newer = await create(
      {
        fullName: 'VÕ  THỊ TRÙNG',
        gender: 'FEMALE',
        birthDate: '03/02/1941',
        citizenId: null,
        residenceUnitCode: '18652',
      },
      'xa.18652',
    );
    expect(newer.duplicateWarnings).toEqual([{ id: expect.any(String), reason: 'NAME_AND_BIRTH' }]);
    // The commune cannot merge a record it cannot see; the province can.
    const refused = await run('xa.18652', `mutation ($id: ID!) { mergeDuplicate(id: $id) { status } }`, {
      id: newer.duplicateWarnings[0]!.id,
    });
    expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    // The former district, which reads only its records from before the reform, does not see it.
    const formerDistrict = await run('huyen.436', `{ duplicateWarnings { nodes { id } } }`);
    expect(formerDistrict.errors).toBeUndefined();
    expect(formerDistrict.data!.duplicateWarnings.nodes).not.toContainEqual({
      id: newer.duplicateWarnings[0]!.id,
    });
    const listed = await run(
      'tinh.42',
      `{ duplicateWarnings { totalCount nodes { id person { id } matchedPerson { id } } } }`,
    );
    expect(listed.data!.duplicateWarnings.nodes).toContainEqual({
      id: newer.duplicateWarnings[0]!.id,
      person: { id: newer.id },
      matchedPerson: { id: older.id },
    });
    const merged = await run(
      'tinh.42',
      `mutation ($id: ID!) { mergeDuplicate(id: $id, note: "Cùng một người") { status decidedBy decisionNote } }`,
      { id: newer.duplicateWarnings[0]!.id },
    );
    expect(merged.data!.mergeDuplicate).toEqual({
      status: 'MERGED',
      decidedBy: 'tinh.42',
      decisionNote: 'Cùng một người',
    });
    const kept = await sqlRows(
      seeded.database.url,
      'select birth_date::text from registry.persons where id = $1',
      [older.id],
    );
    expect(kept[0]!.birth_date).toBe('1941-02-03');
    expect(await count('select count(*) from registry.persons where id = $1', [newer.id])).toBe(0);
    const again = await run('tinh.42', `mutation ($id: ID!) { dismissDuplicate(id: $id) { status } }`, {
      id: newer.duplicateWarnings[0]!.id,
    });
    expect(again.errors?.[0]?.extensions?.code).toBe('CONFLICT');
  });

  it('does not warn across former districts, and dismissing records the decision', async () => {
    await create({ fullName: 'Đinh Văn Xa', birthDate: '1950', citizenId: null });
    const otherDistrict = await create(
      { fullName: 'Đinh Văn Xa', birthDate: '1950', citizenId: null, residenceUnitCode: '18229' },
      'xa.18229',
    );
    expect(otherDistrict.duplicateWarnings).toEqual([]);
    const same = await create({ fullName: 'Đinh Văn Xa', birthDate: '1950', citizenId: null });
    const dismissed = await run(
      'xa.18073',
      `mutation ($id: ID!) { dismissDuplicate(id: $id, note: "Hai anh em sinh đôi") { status decidedBy } }`,
      { id: same.duplicateWarnings[0]!.id },
    );
    expect(dismissed.data!.dismissDuplicate).toEqual({ status: 'DISMISSED', decidedBy: 'xa.18073' });
  });
});

describe('data gaps', () => {
  const DATA_GAPS = `query ($unitCode: ID) { dataGaps(unitCode: $unitCode) { total { unit { code } persons gaps { field missing persons { id citizenId } } } byUnit { unit { code validTo } persons gaps { field missing } } } }`;
  /** Living persons on units under any of `paths`, with an extra condition. */
  const livingUnder = (paths: string[], condition = 'true') =>
    count(
      `select count(*) from registry.persons p join registry.administrative_units u on u.id = p.residence_unit_id
        where p.status = 'living' and u.path <@ $1::ltree[] and ${condition}`,
      [paths],
    );

  it('counts, per unit and field, the living persons lacking it, and lists them', async () => {
    // The province reads both eras: Hà Tĩnh since 1 July 2025 and the old province it took over whole.
    const answer = await run('tinh.42', DATA_GAPS);
    expect(answer.errors).toBeUndefined();
    const { total, byUnit } = answer.data!.dataGaps;
    expect(total.unit.code).toBe('42');
    const paths = ['42_20250701', '42'];
    expect(total.persons).toBe(await livingUnder(paths));
    expect(total.persons).toBeGreaterThan(0);
    const noCitizenId = total.gaps.find((gap: any) => gap.field === 'CITIZEN_ID');
    expect(noCitizenId.missing).toBe(await livingUnder(paths, 'p.citizen_id is null'));
    expect(noCitizenId.missing).toBeGreaterThan(0);
    expect(noCitizenId.persons.every((person: any) => person.citizenId === null)).toBe(true);
    // Today's communes, and the former district 436 whose split 18082 still holds persons under review.
    const units = byUnit.map((unit: any) => `${unit.unit.code} ${unit.unit.validTo}`);
    expect(units).toEqual(
      expect.arrayContaining(['18073 null', '18652 null', '18229 null', '436 2025-06-30']),
    );
    const sum = byUnit.reduce((all: number, unit: any) => all + unit.persons, 0);
    expect(sum).toBe(total.persons);
    const outside = await run('xa.18073', DATA_GAPS, { unitCode: '436' });
    expect(outside.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('gives a former district the gaps of its own old communes only', async () => {
    const answer = await run('huyen.436', DATA_GAPS);
    expect(answer.errors).toBeUndefined();
    const { total, byUnit } = answer.data!.dataGaps;
    expect(total.unit.code).toBe('436');
    expect(total.persons).toBe(await livingUnder(['42.436']));
    // Its communes that merged whole took their persons along: only the split 18082 Đại Nài is left.
    expect(byUnit.map((unit: any) => `${unit.unit.code} ${unit.unit.validTo}`)).toEqual(['18082 2025-06-30']);
    expect(byUnit[0].persons).toBe(total.persons);
  });
});

describe('code lists', () => {
  it('lists the 54 ethnic groups and the payment providers without logging in', async () => {
    const answer = await graphql(
      seeded.subgraph.url,
      `
        {
          ethnicities {
            code
            name
          }
          paymentProviders {
            code
            kind
          }
        }
      `,
    );
    expect(answer.errors).toBeUndefined();
    expect(answer.data!.ethnicities).toHaveLength(55);
    expect(answer.data!.paymentProviders).toContainEqual({ code: 'VBSP', kind: 'BANK' });
  });
});

describe('administrative units across the 2025 reform', () => {
  it('answers successors, predecessors and the unit in force on a date', async () => {
    // Two old communes of district 436 merged on 1 July 2025 into a new commune under the province, whose
    // code reuses one of theirs for the new territory.
    await sqlRows(
      seeded.database.url,
      `insert into registry.administrative_units (id, code, name, full_name, level, kind, parent_code, path, valid_from, valid_to, successor_codes) values
        (gen_random_uuid(), '99001', 'Cũ Một', 'Xã Cũ Một', 'commune', 'Xã', '436', '42.436.99001', null, '2025-06-30', '{99001}'),
        (gen_random_uuid(), '99002', 'Cũ Hai', 'Xã Cũ Hai', 'commune', 'Xã', '436', '42.436.99002', null, '2025-06-30', '{99001}'),
        (gen_random_uuid(), '99001', 'Mới', 'Phường Mới', 'commune', 'Phường', '42', '42.99001', '2025-07-01', null, '{}')`,
    );
    // As every units import does: paths, parents and successors by unit version.
    await sqlRows(seeded.database.url, 'select registry.refresh_unit_lineage()');
    const answer = await graphql(
      seeded.subgraph.url,
      `
        {
          old: administrativeUnit(code: "99002", on: "2025-06-30") {
            fullName
            isCurrent
            validTo
            successor {
              fullName
              validFrom
              isCurrent
              parent {
                code
              }
            }
          }
          now: administrativeUnit(code: "99001") {
            fullName
            isCurrent
            predecessors {
              code
              fullName
            }
            successor {
              code
            }
          }
          before: administrativeUnit(code: "99001", on: "2024-01-01") {
            fullName
            successors {
              fullName
            }
          }
        }
      `,
    );
    expect(answer.errors).toBeUndefined();
    expect(answer.data).toEqual({
      old: {
        fullName: 'Xã Cũ Hai',
        isCurrent: false,
        validTo: '2025-06-30',
        successor: {
          fullName: 'Phường Mới',
          validFrom: '2025-07-01',
          isCurrent: true,
          parent: { code: '42' },
        },
      },
      now: {
        fullName: 'Phường Mới',
        isCurrent: true,
        predecessors: [
          { code: '99001', fullName: 'Xã Cũ Một' },
          { code: '99002', fullName: 'Xã Cũ Hai' },
        ],
        successor: null,
      },
      before: { fullName: 'Xã Cũ Một', successors: [{ fullName: 'Phường Mới' }] },
    });
    const bad = await graphql(
      seeded.subgraph.url,
      `
        {
          administrativeUnit(code: "42", on: "30/06/2025") {
            code
          }
        }
      `,
    );
    expect(bad.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'on' });
  });
});

describe('scope of every change', () => {
  it("refuses another commune's person, household, account and warning, writing nothing", async () => {
    const person = await create({
      fullName: 'Vương Thị Phạm Vi',
      gender: 'FEMALE',
      citizenId: null,
      birthDate: '1939',
    });
    const twin = await create({
      fullName: 'Vương Thị Phạm Vi',
      gender: 'FEMALE',
      citizenId: null,
      birthDate: '1939',
    });
    const household = await run(
      'xa.18073',
      `mutation { createHousehold(input: { code: "PV-01", residenceUnitCode: "18073" }) { id } }`,
    );
    const account = await run(
      'xa.18073',
      `mutation ($id: ID!) { addPaymentAccount(personId: $id, input: { providerCode: "VBA", accountNumber: "99887766" }) { id } }`,
      { id: person.id },
    );
    const ids = {
      person: person.id,
      household: household.data!.createHousehold.id,
      account: account.data!.addPaymentAccount.id,
      warning: twin.duplicateWarnings[0]!.id,
    };
    const before = await allRows();
    const refusals: [string, Record<string, unknown>][] = [
      [
        `mutation ($person: ID!) { setPersonStatus(id: $person, status: MOVED_AWAY, date: "01/11/2026") { id } }`,
        ids,
      ],
      [`mutation ($person: ID!) { updatePerson(id: $person, input: { phone: "0912000111" }) { id } }`, ids],
      [
        `mutation ($household: ID!) { updateHousehold(id: $household, input: { address: "Khác" }) { id } }`,
        ids,
      ],
      [`mutation ($account: ID!) { setDefaultPaymentAccount(id: $account) { id } }`, ids],
      [`mutation ($account: ID!) { removePaymentAccount(id: $account) }`, ids],
      [`mutation ($warning: ID!) { dismissDuplicate(id: $warning) { id } }`, ids],
      [`mutation ($warning: ID!) { mergeDuplicate(id: $warning) { id } }`, ids],
    ];
    for (const [mutation, variables] of refusals) {
      const used = Object.fromEntries(
        Object.entries(variables).filter(([name]) => mutation.includes(`$${name}`)),
      );
      const answer = await run('xa.18229', mutation, used);
      expect({ mutation, code: answer.errors?.[0]?.extensions?.code }).toEqual({
        mutation,
        code: 'NOT_FOUND',
      });
    }
    const listed = await run('xa.18229', `{ duplicateWarnings(unitCode: "18073") { totalCount } }`);
    expect(listed.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const own = await run('xa.18229', `{ duplicateWarnings { nodes { id } } }`);
    expect(own.data!.duplicateWarnings.nodes).not.toContainEqual({ id: ids.warning });
    expect(await allRows()).toBe(before);
  });

  it.each([
    [`mutation { setDefaultPaymentAccount(id: "not-an-id") { id } }`, 'BAD_USER_INPUT'],
    [
      `mutation { setPersonStatus(id: "00000000-0000-4000-8000-000000000000", status: DECEASED, date: "2026-01-01") { id } }`,
      'NOT_FOUND',
    ],
    [`{ history(personId: "00000000-0000-4000-8000-000000000000") { id } }`, 'NOT_FOUND'],
  ])('answers %s with %s', async (query, code) => {
    const answer = await run('xa.18073', query);
    expect(answer.errors?.[0]?.extensions?.code).toBe(code);
  });
});

describe('ids that are not ids', () => {
  it.each([
    `mutation { removePaymentAccount(id: "x") }`,
    `mutation { addPaymentAccount(personId: "x", input: { providerCode: "VBA", accountNumber: "123456" }) { id } }`,
    `mutation { dismissDuplicate(id: "x") { id } }`,
    `mutation { mergeDuplicate(id: "x") { id } }`,
    `mutation { updateHousehold(id: "x", input: { address: "A" }) { id } }`,
    `mutation { setHouseholdMember(personId: "x", householdId: "y", relationToHead: HEAD) { id } }`,
    `{ household(id: "x") { id } }`,
  ])('refuses %s as bad input', async (query) => {
    const answer = await run('xa.18073', query);
    expect(answer.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});
