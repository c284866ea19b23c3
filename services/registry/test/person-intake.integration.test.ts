import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  currentUnitId,
  graphql,
  provinceSystemToken,
  sqlRows,
  startSeededSubgraph,
  syncClientToken,
  tokenFor,
  type SeededSubgraph,
} from '@ansinh/tests/support';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { registrySubgraph } from '../src/index.ts';

/**
 * The registry's internal `intakePersons` (what the approvals intake calls with a provincial system's
 * token) on PostgreSQL with real tokens: a person found by CCCD in the caller's scope or registered by
 * the person rules, conflicts that name the differing fields and never overwrite, a CCCD held outside
 * the scope refused without saying by whom, and refusals that write nothing.
 */
let seeded: SeededSubgraph;

const INTAKE = `mutation ($inputs: [IntakePersonInput!]!) {
  intakePersons(inputs: $inputs) { index personId created error { code field message fields } }
}`;

const sql = (text: string, params: unknown[] = []) => sqlRows(seeded.database.url, text, params);

type Result = {
  index: number;
  personId: string | null;
  created: boolean;
  error: { code: string; field: string | null; message: string; fields: string[] | null } | null;
};

async function intake(token: string, inputs: Record<string, unknown>[]) {
  return graphql<{ intakePersons: Result[] }>(seeded.subgraph.url, INTAKE, { token, variables: { inputs } });
}

let serial = 0;
/** A woman born in 1950 with a CCCD no one holds, living in today's 18073 Phường Thành Sen. */
function applicant(overrides: Record<string, unknown> = {}) {
  serial += 1;
  return {
    citizenId: `0421508${String(10_000 + serial).slice(-5)}`,
    fullName: `Nguyễn Thị Tiếp Nhận ${String.fromCharCode(65 + (serial % 26))}`,
    birthDate: '05/03/1950',
    residenceUnitCode: '18073',
    ...overrides,
  };
}

/** Rows a registration could write, to prove that a refusal wrote nothing. */
async function written(): Promise<number> {
  const [row] = await sql(
    `select (select count(*) from registry.persons) + (select count(*) from registry.change_history)
          + (select count(*) from registry.duplicate_warnings) as count`,
  );
  return Number(row!.count);
}

beforeAll(async () => {
  seeded = await startSeededSubgraph(registrySubgraph);
});

afterAll(() => seeded?.stop());

describe('intakePersons', () => {
  it('registers a new applicant at the commune by the person rules (gender from the CCCD), then finds them', async () => {
    const token = await syncClientToken('42');
    const person = applicant();
    const first = await intake(token, [person]);
    expect(first.errors).toBeUndefined();
    const [created] = first.data!.intakePersons;
    expect(created).toMatchObject({ index: 0, created: true, error: null });
    const [row] = await sql(
      `select p.full_name, p.birth_date::text as birth_date, p.gender, p.status, u.code, u.valid_to
         from registry.persons p join registry.administrative_units u on u.id = p.residence_unit_id where p.id = $1`,
      [created!.personId],
    );
    expect(row).toEqual({
      full_name: person.fullName,
      birth_date: '1950-03-05',
      gender: 'female',
      status: 'living',
      code: '18073',
      valid_to: null,
    });
    const [history] = await sql(
      `select count(*)::int as count from registry.change_history where person_id = $1 and action = 'create'`,
      [created!.personId],
    );
    expect(history!.count).toBe(1);

    // The same applicant again (another dossier, or a retry), written as another system writes it.
    const before = await written();
    const again = await intake(token, [
      { ...person, fullName: person.fullName.toUpperCase(), birthDate: '1950-03-05', gender: 'FEMALE' },
    ]);
    expect(again.data!.intakePersons[0]).toEqual({
      index: 0,
      personId: created!.personId,
      created: false,
      error: null,
    });
    expect(await written()).toBe(before);
  });

  it('never overwrites the register: different details are a CONFLICT naming each field', async () => {
    const token = await provinceSystemToken();
    const person = applicant();
    const [created] = (await intake(token, [person])).data!.intakePersons;
    const before = await written();
    const answer = await intake(token, [
      { ...person, fullName: 'Người Khác Hẳn', birthDate: '06/03/1950' },
      { ...person, gender: 'MALE' },
      { ...person, residenceUnitCode: '18652' },
      { ...person, birthDate: '1950' },
    ]);
    expect(answer.errors).toBeUndefined();
    const [names, gender, commune, yearOnly] = answer.data!.intakePersons;
    expect(names).toMatchObject({
      index: 0,
      personId: null,
      created: false,
      error: { code: 'CONFLICT', field: 'citizenId', fields: ['fullName', 'birthDate'] },
    });
    expect(names!.error!.message).toContain('họ tên, ngày sinh');
    // A gender the CCCD contradicts is refused by the CCCD's own rule before any comparison.
    expect(gender!.error).toMatchObject({ code: 'BAD_USER_INPUT', field: 'citizenId' });
    expect(commune!.error).toMatchObject({
      code: 'CONFLICT',
      field: 'residenceUnitCode',
      fields: ['residenceUnitCode'],
    });
    // A year alone agrees with the day the register holds.
    expect(yearOnly).toMatchObject({ personId: created!.personId, created: false, error: null });
    expect(await written()).toBe(before);
    const [row] = await sql(
      'select full_name, birth_date::text as birth_date from registry.persons where id = $1',
      [created!.personId],
    );
    expect(row).toEqual({ full_name: person.fullName, birth_date: '1950-03-05' });
  });

  it('refuses a CCCD a living person outside the scope holds, without saying who', async () => {
    const person = applicant();
    const outsider = randomUUID();
    await sql(
      `insert into registry.persons (id, full_name, name_folded, birth_year, birth_date, gender, citizen_id, residence_unit_id, status, created_at, updated_at)
       values ($1, 'Phạm Văn Hà Nội', registry.fold_name('Phạm Văn Hà Nội'), 1950, '1950-03-05', 'female', $2, ${currentUnitId('$3')}, 'living', now(), now())`,
      [outsider, person.citizenId, '00004'],
    );
    const before = await written();
    const answer = await intake(await syncClientToken('42'), [person]);
    const [refused] = answer.data!.intakePersons;
    expect(refused).toMatchObject({
      personId: null,
      created: false,
      error: { code: 'CONFLICT', field: 'citizenId' },
    });
    expect(refused!.error!.message).not.toMatch(/Phạm|Hà Nội|00004|Ba Đình/);
    expect(await written()).toBe(before);
  });

  it('refuses each bad applicant on its own, naming the field, and registers the others', async () => {
    const token = await syncClientToken('42');
    const good = applicant();
    const before = await written();
    const answer = await intake(token, [
      applicant({ citizenId: '04215000123' }),
      good,
      applicant({ citizenId: '042250001234' }),
      applicant({ fullName: '' }),
      applicant({ birthDate: '31/02/1950' }),
      applicant({ residenceUnitCode: '00004' }),
      applicant({ residenceUnitCode: '18077' }),
      good,
    ]);
    expect(answer.errors).toBeUndefined();
    const results = answer.data!.intakePersons;
    expect(results.map((result) => [result.error?.code ?? null, result.error?.field ?? null])).toEqual([
      ['BAD_USER_INPUT', 'citizenId'],
      [null, null],
      ['BAD_USER_INPUT', 'citizenId'],
      ['BAD_USER_INPUT', 'fullName'],
      ['BAD_USER_INPUT', 'birthDate'],
      ['FORBIDDEN', null],
      ['BAD_USER_INPUT', 'residenceUnitCode'],
      [null, null],
    ]);
    expect(results[1]).toMatchObject({ created: true });
    // Two dossiers of one new applicant in a batch register them once.
    expect(results[7]).toMatchObject({ personId: results[1]!.personId, created: false });
    const [person] = await sql('select count(*)::int as count from registry.persons where citizen_id = $1', [
      good.citizenId,
    ]);
    expect(person!.count).toBe(1);
    expect(await written()).toBeGreaterThan(before);
  });

  it('settles a mixed batch in order: a new CCCD sent twice, one held outside the scope, a refusal, a person the register holds', async () => {
    const token = await syncClientToken('42');
    const known = applicant();
    const [registered] = (await intake(token, [known])).data!.intakePersons;
    const fresh = applicant();
    const outside = applicant();
    await sql(
      `insert into registry.persons (id, full_name, name_folded, birth_year, birth_date, gender, citizen_id, residence_unit_id, status, created_at, updated_at)
       values ($1, 'Phạm Văn Hà Nội', registry.fold_name('Phạm Văn Hà Nội'), 1950, '1950-03-05', 'female', $2, ${currentUnitId('$3')}, 'living', now(), now())`,
      [randomUUID(), outside.citizenId, '00004'],
    );
    // A person of the commune without a CCCD, whom a new applicant of the same name and birth may be.
    const namesake = randomUUID();
    const twin = applicant();
    await sql(
      `insert into registry.persons (id, full_name, name_folded, birth_year, birth_date, gender, residence_unit_id, status, created_at, updated_at)
       values ($1, $2, registry.fold_name($2), 1950, '1950-03-05', 'female', ${currentUnitId('$3')}, 'living', now(), now())`,
      [namesake, twin.fullName, '18073'],
    );
    const answer = await intake(token, [
      // Refused at its commune: the next dossier of the same applicant registers them.
      { ...fresh, residenceUnitCode: '00004' },
      fresh,
      outside,
      applicant({ birthDate: '31/02/1950' }),
      { ...known, fullName: known.fullName.toUpperCase() },
      { ...fresh, birthDate: '1950-03-05', gender: 'FEMALE' },
      { ...fresh, fullName: 'Người Khác Hẳn' },
      twin,
    ]);
    expect(answer.errors).toBeUndefined();
    const results = answer.data!.intakePersons;
    expect(results.map((result) => result.index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(results[0]!.error).toMatchObject({ code: 'FORBIDDEN' });
    expect(results[1]).toMatchObject({ created: true, error: null });
    expect(results[2]).toMatchObject({ personId: null, error: { code: 'CONFLICT', field: 'citizenId' } });
    expect(results[2]!.error!.message).not.toMatch(/Phạm|Hà Nội|00004/);
    expect(results[3]).toMatchObject({
      personId: null,
      error: { code: 'BAD_USER_INPUT', field: 'birthDate' },
    });
    expect(results[4]).toEqual({ index: 4, personId: registered!.personId, created: false, error: null });
    // Later dossiers of the applicant registered in this batch are compared with that person.
    expect(results[5]).toEqual({ index: 5, personId: results[1]!.personId, created: false, error: null });
    expect(results[6]).toMatchObject({
      personId: null,
      error: { code: 'CONFLICT', field: 'citizenId', fields: ['fullName'] },
    });
    expect(results[7]).toMatchObject({ created: true, error: null });

    const rows = await sql(
      `select citizen_id, count(*)::int as persons from registry.persons
        where citizen_id = any($1::text[]) group by citizen_id order by citizen_id`,
      [[fresh.citizenId, outside.citizenId, twin.citizenId]],
    );
    expect(rows).toEqual([
      { citizen_id: fresh.citizenId, persons: 1 },
      { citizen_id: outside.citizenId, persons: 1 },
      { citizen_id: twin.citizenId, persons: 1 },
    ]);
    const [history] = await sql(
      `select count(*)::int as count from registry.change_history where person_id = any($1::uuid[]) and action = 'create'`,
      [[results[1]!.personId, results[7]!.personId]],
    );
    expect(history!.count).toBe(2);
    const warnings = await sql(
      `select person_id, matched_person_id, reason from registry.duplicate_warnings where $1 in (person_id, matched_person_id)`,
      [namesake],
    );
    expect(warnings).toEqual([
      { person_id: results[7]!.personId, matched_person_id: namesake, reason: 'name_and_birth' },
    ]);
  });

  it('takes 1,000 new applicants in one call, and finds them all when sent again', async () => {
    const token = await syncClientToken('42');
    const inputs = Array.from({ length: 1000 }, () => applicant());
    let started = Date.now();
    const first = await intake(token, inputs);
    const registering = Date.now() - started;
    expect(first.errors).toBeUndefined();
    const results = first.data!.intakePersons;
    expect(results.filter((result) => result.created && !result.error)).toHaveLength(1000);
    const [row] = await sql(
      `select count(*)::int as persons,
              (select count(*)::int from registry.change_history h where h.person_id = any(array_agg(p.id)) and h.action = 'create') as created
         from registry.persons p where p.citizen_id = any($1::text[])`,
      [inputs.map((input) => input.citizenId)],
    );
    expect(row).toEqual({ persons: 1000, created: 1000 });

    started = Date.now();
    const again = await intake(token, inputs);
    const finding = Date.now() - started;
    expect(again.data!.intakePersons.map((result) => result.personId)).toEqual(
      results.map((result) => result.personId),
    );
    expect(again.data!.intakePersons.every((result) => !result.created && !result.error)).toBe(true);
    process.stderr.write(
      `[person-intake] 1,000 new applicants registered in ${registering} ms, found again in ${finding} ms\n`,
    );
  });

  it('registers each new applicant once when two calls send them at once, in any order', async () => {
    const token = await syncClientToken('42');
    const inputs = Array.from({ length: 200 }, () => applicant());
    const [forward, backward] = await Promise.all([
      intake(token, inputs),
      intake(token, [...inputs].reverse()),
    ]);
    expect(forward.errors).toBeUndefined();
    expect(backward.errors).toBeUndefined();
    const one = forward.data!.intakePersons;
    const other = backward.data!.intakePersons.reverse();
    expect([...one, ...other].filter((result) => !result.personId || result.error)).toEqual([]);
    expect(other.map((result) => result.personId)).toEqual(one.map((result) => result.personId));
    expect(one.every((result, index) => result.created !== other[index]!.created)).toBe(true);
    const [row] = await sql(
      'select count(*)::int as count from registry.persons where citizen_id = any($1::text[])',
      [inputs.map((input) => input.citizenId)],
    );
    expect(row!.count).toBe(200);
  });

  it('is for integration clients only, 1 to 1,000 applicants a call', async () => {
    const before = await written();
    const officer = await intake(await tokenFor('xa.18073'), [applicant()]);
    expect(officer.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const token = await syncClientToken('42');
    const none = await intake(token, []);
    expect(none.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'inputs' });
    const tooMany = await intake(
      token,
      Array.from({ length: 1001 }, () => applicant()),
    );
    expect(tooMany.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'inputs' });
    expect(await written()).toBe(before);
  });

  it('is not part of the public graph', () => {
    const api = readFileSync(new URL('../../../schema/api.graphql', import.meta.url), 'utf8');
    expect(api).not.toContain('intakePersons');
    expect(api).not.toContain('IntakePersonInput');
  });
});
