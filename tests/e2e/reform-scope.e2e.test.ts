import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { currentMonth } from '@ansinh/common';
import { DEMO_PASSWORD, passwordGrant } from '@ansinh/infra';
import { graphql, sqlRows, startStack, tokenFor, type Stack } from '../support/stack.ts';

/**
 * Scope across eras through the gateway, with real Keycloak tokens, on the demo: Hà Tĩnh's persons
 * registered in the old communes before 1 July 2025 and carried across the reform by the reform tool
 * (demo-data.ts). Who reads what: the current commune its people's pre-reform records, the former
 * district its own pre-reform records and nothing new (and writes nothing), the province every era;
 * a reused code (18073 Nam Hà, then 18073 Thành Sen) names two units that are never confused.
 */
let stack: Stack;
const thisMonth = currentMonth(new Date());
const VIETNAMESE = /[ăâđêôơưàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ]/i;

beforeAll(async () => {
  stack = await startStack();
});

afterAll(async () => {
  await stack?.stop();
});

const run = async (username: string, query: string, variables: Record<string, unknown> = {}) =>
  graphql(stack.gateway.url, query, { token: await tokenFor(username), variables });

const rows = (text: string, params: unknown[] = []) => sqlRows(stack.database.url, text, params);

/** A person whose payment lines of June 2025 were made by the old commune `oldCode` (ended 2025-06-30). */
async function personPaidBy(oldCode: string): Promise<string> {
  const [row] = await rows(
    `select l.person_id from payments.payment_lines l join registry.administrative_units u on u.id = l.unit_id
      where u.code = $1 and u.valid_to = '2025-06-30' and l.month = '2025-06'
        -- still living where the reform carried them (the demo relocates one person of 18229 since)
        and not exists (select 1 from approvals.decisions d where d.person_id = l.person_id and d.kind = 'relocate-out')
      order by l.person_id limit 1`,
    [oldCode],
  );
  if (!row) throw new Error(`the demo has no payment line of the old ${oldCode} in 2025-06`);
  return row.person_id as string;
}

/** Units of the payment lines of a month, as the database holds them. */
async function lineUnitsOf(month: string): Promise<{ code: string; valid_to: string | null; n: number }[]> {
  return rows(
    `select u.code, u.valid_to::text, count(*)::int as n from payments.payment_lines l
       join registry.administrative_units u on u.id = l.unit_id where l.month = $1
      group by u.code, u.valid_to order by u.code`,
    [month],
  ) as Promise<{ code: string; valid_to: string | null; n: number }[]>;
}

const PERSON_ACROSS_ERAS = `query ($id: ID!) {
  person(id: $id) {
    id
    fullName
    residenceUnit { id code name validFrom isCurrent }
    entitlements { status unitCode unit { id } history { action reason } }
    payments { month total unit { id code name validTo } }
    history { entity action reason }
  }
}`;

describe('a current commune reads the pre-reform records of the persons it took over', () => {
  it('xa.18073 (Phường Thành Sen) reads a person of the abolished 18077 Bắc Hà with the payments the old commune made', async () => {
    const id = await personPaidBy('18077');
    const answer = await run('xa.18073', PERSON_ACROSS_ERAS, { id });
    expect(answer.errors).toBeUndefined();
    const person = answer.data!.person;
    expect(person.fullName).toEqual(expect.any(String));
    expect(person.residenceUnit).toMatchObject({
      code: '18073',
      name: 'Thành Sen',
      validFrom: '2025-07-01',
      isCurrent: true,
    });
    // June 2025 was paid by Phường Bắc Hà, which ended the day before the reform.
    const june = person.payments.filter((line: { month: string }) => line.month === '2025-06');
    expect(june).toEqual([
      expect.objectContaining({
        unit: expect.objectContaining({ code: '18077', name: 'Bắc Hà', validTo: '2025-06-30' }),
      }),
    ]);
    // Since the reform Phường Thành Sen pays it.
    const current = person.payments.filter((line: { month: string }) => line.month === thisMonth);
    expect(current).toEqual([
      expect.objectContaining({
        unit: expect.objectContaining({ id: person.residenceUnit.id, code: '18073' }),
      }),
    ]);
    // The entitlement was carried to the new commune, with the reform in its history.
    expect(person.entitlements).toEqual([
      expect.objectContaining({ status: 'ACTIVE', unitCode: '18073', unit: { id: person.residenceUnit.id } }),
    ]);
    const entitlementHistory = person.entitlements[0].history as { action: string; reason: string | null }[];
    expect(entitlementHistory.map((change) => change.action)).toContain('CREATE');
    expect(entitlementHistory).toContainEqual(
      expect.objectContaining({ action: 'UPDATE', reason: 'reform 2025-07-01' }),
    );
    // The person's own history: registered in the old commune, moved by the reform.
    expect(person.history).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ entity: 'persons', action: 'CREATE' }),
        expect.objectContaining({ entity: 'persons', action: 'UPDATE', reason: 'reform 2025-07-01' }),
      ]),
    );
  });

  it("lists June 2025's payment lines of the old communes merged whole into it, and none of another commune or of the split 18082", async () => {
    const answer = await run('xa.18073', `{ paymentLines(month: "2025-06") { unit { code validTo } } }`);
    expect(answer.errors).toBeUndefined();
    const seen = new Map<string, number>();
    for (const line of answer.data!.paymentLines as { unit: { code: string; validTo: string } }[]) {
      expect(line.unit.validTo).toBe('2025-06-30');
      seen.set(line.unit.code, (seen.get(line.unit.code) ?? 0) + 1);
    }
    const expected = (await lineUnitsOf('2025-06')).filter((row) => ['18073', '18077'].includes(row.code));
    expect(expected.length).toBe(2);
    expect([...seen.entries()].sort()).toEqual(expected.map((row) => [row.code, row.n]));
  });

  it('does not read a person of a commune it did not take over (old 18229 Thị trấn Đức Thọ, now Xã Đức Thọ)', async () => {
    const id = await personPaidBy('18229');
    const answer = await run('xa.18073', PERSON_ACROSS_ERAS, { id });
    expect(answer.data?.person ?? null).toBeNull();
    const own = await run('xa.18229', PERSON_ACROSS_ERAS, { id });
    expect(own.errors).toBeUndefined();
    expect(own.data!.person.residenceUnit).toMatchObject({ code: '18229', name: 'Đức Thọ', isCurrent: true });
    expect(own.data!.person.payments).toContainEqual(
      expect.objectContaining({
        month: '2025-06',
        unit: expect.objectContaining({ code: '18229', name: 'Đức Thọ', validTo: '2025-06-30' }),
      }),
    );
  });

  it('xa.18262 (Xã Đức Quang) reads the persons of the abolished 18235 Quang Vĩnh and their pre-reform payments', async () => {
    const id = await personPaidBy('18235');
    const answer = await run('xa.18262', PERSON_ACROSS_ERAS, { id });
    expect(answer.errors).toBeUndefined();
    expect(answer.data!.person.residenceUnit).toMatchObject({ code: '18262', name: 'Đức Quang' });
    expect(answer.data!.person.payments).toContainEqual(
      expect.objectContaining({
        month: '2025-06',
        unit: expect.objectContaining({ code: '18235', validTo: '2025-06-30' }),
      }),
    );
  });

  it('the persons of the split 18082 Đại Nài stay on the old commune, paid by no new one, until assigned', async () => {
    const waiting = await rows(
      `select r.person_id from registry.reform_reviews r join registry.administrative_units u on u.id = r.from_unit_id
        where u.code = '18082' and r.assigned_unit_id is null order by r.person_id`,
    );
    expect(waiting.length).toBeGreaterThan(0);
    const id = waiting[0]!.person_id as string;
    const province = await run(
      'tinh.42',
      `query ($id: ID!) { person(id: $id) { residenceUnit { code validTo } payments { month unit { code } } } }`,
      { id },
    );
    expect(province.errors).toBeUndefined();
    expect(province.data!.person.residenceUnit).toEqual({ code: '18082', validTo: '2025-06-30' });
    for (const line of province.data!.person.payments)
      expect(line).toMatchObject({ unit: { code: '18082' } });
    expect(province.data!.person.payments.every((line: { month: string }) => line.month < '2025-07')).toBe(
      true,
    );
  });
});

describe('the former district huyen.436 (ended 2025-06-30) reads its own pre-reform records and changes nothing', () => {
  it("reads June 2025's payment lines of its old communes, every one of them, and nothing after the reform", async () => {
    const answer = await run(
      'huyen.436',
      `{ june: paymentLines(month: "2025-06") { unit { code validTo parent { code } } } now: paymentLines(month: "${thisMonth}") { id } }`,
    );
    expect(answer.errors).toBeUndefined();
    const oldCommunesOf436 = await rows(
      `select code from registry.administrative_units where parent_code = '436' and valid_to = '2025-06-30'`,
    );
    const codes436 = new Set(oldCommunesOf436.map((row) => row.code as string));
    const expected = (await lineUnitsOf('2025-06')).filter((row) => codes436.has(row.code));
    expect(expected.map((row) => row.code)).toEqual(
      expect.arrayContaining(['18073', '18077', '18082', '18652']),
    );
    const lines = answer.data!.june as {
      unit: { code: string; validTo: string; parent: { code: string } };
    }[];
    expect(lines.length).toBe(expected.reduce((sum, row) => sum + row.n, 0));
    for (const line of lines)
      expect(line.unit).toMatchObject({ validTo: '2025-06-30', parent: { code: '436' } });
    // The lines since the reform belong to the new communes: not the former district's.
    expect((await lineUnitsOf(thisMonth)).length).toBeGreaterThan(0);
    expect(answer.data!.now).toEqual([]);
  });

  it('reads the history of its old records, not the persons carried to the new communes', async () => {
    const id = await personPaidBy('18077');
    const person = await run('huyen.436', `query ($id: ID!) { person(id: $id) { id } }`, { id });
    expect(person.data?.person ?? null).toBeNull();
    // The split commune's persons still lie in it (on the old 18082) until assigned.
    const persons = await run(
      'huyen.436',
      `{ persons(first: 200) { totalCount edges { node { residenceUnit { code validTo } } } } }`,
    );
    expect(persons.errors).toBeUndefined();
    const [{ n }] = (await rows(
      `select count(*)::int as n from registry.persons p join registry.administrative_units u on u.id = p.residence_unit_id
        where u.parent_code = '436' and u.valid_to = '2025-06-30'`,
    )) as [{ n: number }];
    expect(n).toBeGreaterThan(0);
    expect(persons.data!.persons.totalCount).toBe(n);
    for (const edge of persons.data!.persons.edges)
      expect(edge.node.residenceUnit).toEqual({ code: '18082', validTo: '2025-06-30' });
  });

  it('is refused every change, with a Vietnamese FORBIDDEN and nothing written', async () => {
    const [waiting] = await rows(
      `select r.id, r.person_id from registry.reform_reviews r join registry.administrative_units u on u.id = r.from_unit_id where u.code = '18082' limit 1`,
    );
    const personId = waiting!.person_id as string;
    const before = await rows(
      `select (select count(*) from registry.persons)::int as persons, (select count(*) from registry.change_history)::int as history,
              (select count(*) from registry.payment_accounts)::int as accounts, (select count(*) from registry.households)::int as households`,
    );
    const writes: [string, string, Record<string, unknown>][] = [
      [
        'createPerson',
        `mutation { createPerson(input: { fullName: "Lê Văn Huyện", birthDate: "1950", gender: MALE, residenceUnitCode: "18073" }) { id } }`,
        {},
      ],
      [
        'updatePerson',
        `mutation ($id: ID!) { updatePerson(id: $id, input: { address: "Thôn 1" }) { id } }`,
        { id: personId },
      ],
      [
        'setPersonStatus',
        `mutation ($id: ID!) { setPersonStatus(id: $id, status: DECEASED, date: "2025-06-01") { id } }`,
        { id: personId },
      ],
      ['deletePerson', `mutation ($id: ID!) { deletePerson(id: $id) }`, { id: personId }],
      [
        'createHousehold',
        `mutation { createHousehold(input: { code: "HUYEN-436-01", residenceUnitCode: "18073" }) { id } }`,
        {},
      ],
      [
        'addPaymentAccount',
        `mutation ($id: ID!) { addPaymentAccount(personId: $id, input: { providerCode: "VBSP", accountNumber: "123456789", holderName: "LE VAN" }) { id } }`,
        { id: personId },
      ],
      [
        'assignReformReviews',
        `mutation ($id: ID!) { assignReformReviews(reviewIds: [$id], unitCode: "18073") { assigned } }`,
        { id: waiting!.id },
      ],
      ['carryAcrossReform', `mutation { carryAcrossReform(on: "2025-07-01") { id } }`, {}],
    ];
    for (const [name, query, variables] of writes) {
      const answer = await run('huyen.436', query, variables);
      const error = answer.errors?.[0];
      // A request the schema refuses (a wrong argument) would prove nothing: the refusal must be FORBIDDEN.
      expect([name, error?.extensions?.code]).toEqual([name, 'FORBIDDEN']);
      expect([name, VIETNAMESE.test(error!.message)]).toEqual([name, true]);
    }
    expect(
      await rows(
        `select (select count(*) from registry.persons)::int as persons, (select count(*) from registry.change_history)::int as history,
                (select count(*) from registry.payment_accounts)::int as accounts, (select count(*) from registry.households)::int as households`,
      ),
    ).toEqual(before);
    const [review] = await rows(`select assigned_unit_id from registry.reform_reviews where id = $1`, [
      waiting!.id,
    ]);
    expect(review!.assigned_unit_id).toBeNull();
  });
});

/**
 * The read-only rule itself, not the roles: an account of the ended district 436 that holds the roles
 * that write (created for this test in the realm, removed after) is refused because its unit has ended.
 */
describe('an account of an ended unit with writing roles', () => {
  const keycloakUrl = () => process.env.KEYCLOAK_URL!;
  const username = `test.ended.436.${process.pid}.${randomBytes(3).toString('hex')}`;
  let userId: string | undefined;

  async function admin(method: string, path: string, body?: unknown): Promise<Response> {
    const login = await fetch(`${keycloakUrl()}/realms/master/protocol/openid-connect/token`, {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'password',
        client_id: 'admin-cli',
        username: 'admin',
        password: 'admin',
      }),
    });
    const { access_token: token } = (await login.json()) as { access_token: string };
    return fetch(`${keycloakUrl()}/admin/realms/ansinh${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  }

  beforeAll(async () => {
    const created = await admin('POST', '/users', {
      username,
      enabled: true,
      emailVerified: true,
      email: `${username}@ansinh.example`,
      firstName: 'Thành phố',
      lastName: 'Hà Tĩnh',
      attributes: { unit_code: ['436'], unit_level: ['district'] },
      credentials: [{ type: 'password', value: DEMO_PASSWORD, temporary: false }],
    });
    expect(created.status).toBe(201);
    userId = created.headers.get('location')!.split('/').at(-1)!;
    const roles = await Promise.all(
      ['officer', 'approver'].map(
        async (role) => (await (await admin('GET', `/roles/${role}`)).json()) as unknown,
      ),
    );
    expect((await admin('POST', `/users/${userId}/role-mappings/realm`, roles)).status).toBe(204);
  });

  afterAll(async () => {
    if (userId) await admin('DELETE', `/users/${userId}`);
  });

  it('creates nothing and says the unit has ended, in Vietnamese', async () => {
    const token = await passwordGrant({ keycloakUrl: keycloakUrl(), username, password: DEMO_PASSWORD });
    const [before] = await rows('select count(*)::int as n from registry.persons');
    const answer = await graphql(
      stack.gateway.url,
      `
        mutation {
          createPerson(
            input: { fullName: "Lê Văn Huyện", birthDate: "1950", gender: MALE, residenceUnitCode: "18073" }
          ) {
            id
          }
        }
      `,
      { token },
    );
    expect(answer.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(answer.errors![0]!.message).toMatch(/436.*chấm dứt hoạt động.*30\/06\/2025/);
    expect(await rows('select count(*)::int as n from registry.persons')).toEqual([before]);
    // It still reads its own pre-reform records.
    const june = await graphql(
      stack.gateway.url,
      `
        {
          paymentLines(month: "2025-06") {
            id
          }
        }
      `,
      { token },
    );
    expect(june.errors).toBeUndefined();
    expect(june.data!.paymentLines.length).toBeGreaterThan(0);
  });
});

describe('the province sees every era', () => {
  it('reads every payment line before and after the reform, and every person, those waiting for assignment too', async () => {
    const answer = await run(
      'tinh.42',
      `{ june: paymentLines(month: "2025-06") { id } now: paymentLines(month: "${thisMonth}") { id } persons(first: 1) { totalCount } }`,
    );
    expect(answer.errors).toBeUndefined();
    const sum = (units: { n: number }[]) => units.reduce((total, row) => total + row.n, 0);
    expect(answer.data!.june.length).toBe(sum(await lineUnitsOf('2025-06')));
    expect(answer.data!.now.length).toBe(sum(await lineUnitsOf(thisMonth)));
    expect(answer.data!.june.length).toBeGreaterThan(0);
    expect(answer.data!.now.length).toBeGreaterThan(0);
    const [{ n }] = (await rows('select count(*)::int as n from registry.persons')) as [{ n: number }];
    expect(answer.data!.persons.totalCount).toBe(n);
  });

  it("reads a carried person's whole past, as the commune does", async () => {
    const id = await personPaidBy('18073');
    const answer = await run('tinh.42', PERSON_ACROSS_ERAS, { id });
    expect(answer.errors).toBeUndefined();
    const units = (
      answer.data!.person.payments as { month: string; unit: { code: string; validTo: string | null } }[]
    ).map((line) => [line.month < '2025-07' ? 'before' : 'after', line.unit.code, line.unit.validTo]);
    expect(units).toContainEqual(['before', '18073', '2025-06-30']);
    expect(units).toContainEqual(['after', '18073', null]);
  });
});

describe('the reused code 18073: Phường Nam Hà (until 2025-06-30) and Phường Thành Sen (from 2025-07-01), side by side', () => {
  it('names two units with two ids; today and a day before the reform each code resolves to its own', async () => {
    const answer = await run(
      'tinh.42',
      `{ today: administrativeUnit(code: "18073") { id name fullName validFrom validTo isCurrent predecessors { code name } }
         before: administrativeUnit(code: "18073", on: "2025-06-30") { id name parent { code } validTo isCurrent successor { id code name } } }`,
    );
    expect(answer.errors).toBeUndefined();
    const { today, before } = answer.data!;
    expect(today).toMatchObject({
      name: 'Thành Sen',
      fullName: 'Phường Thành Sen',
      validFrom: '2025-07-01',
      validTo: null,
      isCurrent: true,
    });
    expect(before).toMatchObject({
      name: 'Nam Hà',
      parent: { code: '436' },
      validTo: '2025-06-30',
      isCurrent: false,
    });
    expect(before.id).not.toBe(today.id);
    expect(before.successor).toEqual({ id: today.id, code: '18073', name: 'Thành Sen' });
    expect(today.predecessors).toEqual(
      expect.arrayContaining([
        { code: '18073', name: 'Nam Hà' },
        { code: '18077', name: 'Bắc Hà' },
      ]),
    );
  });

  it('a person registered today in the new 18073 and a pre-reform line of the old 18073 keep their own unit; the former district sees only the old', async () => {
    const created = await run(
      'xa.18073',
      `mutation { createPerson(input: { fullName: "Trần Thị Thành Sen", birthDate: "1948", gender: FEMALE, residenceUnitCode: "18073" }) { id residenceUnit { id code name isCurrent } } }`,
    );
    expect(created.errors).toBeUndefined();
    const fresh = created.data!.createPerson;
    expect(fresh.residenceUnit).toMatchObject({ code: '18073', name: 'Thành Sen', isCurrent: true });
    const [stored] = await rows(
      `select u.valid_from::text from registry.persons p join registry.administrative_units u on u.id = p.residence_unit_id where p.id = $1`,
      [fresh.id],
    );
    expect(stored!.valid_from).toBe('2025-07-01');

    const oldId = await personPaidBy('18073');
    const old = await run('xa.18073', PERSON_ACROSS_ERAS, { id: oldId });
    const oldLine = (
      old.data!.person.payments as { month: string; unit: { id: string; name: string } }[]
    ).find((line) => line.month === '2025-06')!;
    expect(oldLine.unit.name).toBe('Nam Hà');
    expect(oldLine.unit.id).not.toBe(fresh.residenceUnit.id);

    // The former district 436, whose old 18073 was Nam Hà, does not read the new 18073's person.
    const district = await run('huyen.436', `query ($id: ID!) { person(id: $id) { id } }`, { id: fresh.id });
    expect(district.data?.person ?? null).toBeNull();
    const byName = await run(
      'huyen.436',
      `{ persons(filter: { name: "tran thi thanh sen" }) { totalCount } }`,
    );
    expect(byName.data!.persons.totalCount).toBe(0);
    // Nor does Phường Hà Huy Tập, which shares the old district but not this commune.
    const neighbour = await run('xa.18652', `query ($id: ID!) { person(id: $id) { id } }`, { id: fresh.id });
    expect(neighbour.data?.person ?? null).toBeNull();
  });

  it('the old district lists its own old communes, not the new units that reuse their codes', async () => {
    const answer = await run(
      'huyen.436',
      `{ administrativeUnit(code: "436", on: "2025-06-30") { validTo children { code name validTo } } }`,
    );
    expect(answer.errors).toBeUndefined();
    const unit = answer.data!.administrativeUnit;
    expect(unit.validTo).toBe('2025-06-30');
    expect(unit.children).toContainEqual({ code: '18073', name: 'Nam Hà', validTo: '2025-06-30' });
    expect(unit.children).toContainEqual({ code: '18652', name: 'Tân Lâm Hương', validTo: '2025-06-30' });
    for (const child of unit.children) expect(child.validTo).toBe('2025-06-30');
  });
});
