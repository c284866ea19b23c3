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
