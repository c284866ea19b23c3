import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startSubgraph, todayInVietnam, type RunningSubgraph } from '@ansinh/common';
import { createTestDatabase, type TestDatabase } from '@ansinh/common/testing';
import { seedDemoData, SUBGRAPHS } from '@ansinh/infra';
import {
  currentUnitId,
  graphql,
  provinceSystemToken,
  sqlRows,
  syncClientToken,
  testEnv,
  tokenFor,
} from '@ansinh/tests/support';
import { randomUUID } from 'node:crypto';
import { approvalsSubgraph } from '../src/index.ts';

/**
 * The sync intake (submitApplication, submitApplications) on PostgreSQL with real Keycloak tokens of
 * the provinces' sync clients: the approvals subgraph asks a real registry subgraph (REGISTRY_URL) to
 * find or register each applicant with the caller's token. Covers new and existing applicants,
 * idempotent retries, conflicts that name the fields, the completion of a returned dossier, communes
 * of either era, sync modes, other provinces' clients, batches, and refusals that write nothing in
 * either subgraph.
 */
let database: TestDatabase;
let registry: RunningSubgraph;
let approvals: RunningSubgraph;
const today = todayInVietnam();
const run = randomUUID().slice(0, 8);

const sql = (text: string, params: unknown[] = []) => sqlRows(database.url, text, params);

const RESULT = `index externalCode created resubmitted error { code field message fields }
  application { id state unitCode source externalDossierCode filedOn memberCount person { id } currentStep { code } }`;
const SUBMIT = `mutation ($input: IntakeDossierInput!) { submitApplication(input: $input) { ${RESULT} } }`;
const SUBMIT_MANY = `mutation ($inputs: [IntakeDossierInput!]!) { submitApplications(inputs: $inputs) { ${RESULT} } }`;

type Result = {
  index: number;
  externalCode: string;
  created: boolean;
  resubmitted: boolean;
  error: { code: string; field: string | null; message: string; fields: string[] | null } | null;
  application: {
    id: string;
    state: string;
    unitCode: string;
    source: string;
    externalDossierCode: string;
    filedOn: string;
    memberCount: number;
    person: { id: string };
    currentStep: { code: string } | null;
  } | null;
};
type Refusal = { code?: string; field?: string; details?: { fields?: string[]; successors?: string[] } };

let serial = 0;
/** A dossier of Hà Tĩnh's system for a new applicant (a woman born in 1950 no one has registered) at 18073. */
function dossier(overrides: Record<string, unknown> = {}, applicant: Record<string, unknown> = {}) {
  serial += 1;
  return {
    source: 'ansinh-sync-42',
    externalCode: `HT-${run}-${serial}`,
    communeCode: '18073',
    applicant: {
      citizenId: `0421508${String(10_000 + serial).slice(-5)}`,
      fullName: `Nguyễn Thị Hồ Sơ ${String.fromCharCode(65 + (serial % 26))}`,
      birthDate: '05/03/1950',
      ...applicant,
    },
    categoryCode: '5.5.a',
    filedOn: today,
    documents: [{ kind: 'DECLARATION', name: 'Tờ khai Mẫu số 1a' }],
    ...overrides,
  };
}

async function submit(input: Record<string, unknown>, token?: string, url = approvals.url) {
  const answer = await graphql<{ submitApplication: Result }>(url, SUBMIT, {
    token: token ?? (await syncClientToken('42')),
    variables: { input },
  });
  return {
    result: answer.data?.submitApplication ?? null,
    refusal: answer.errors?.[0]?.extensions as Refusal | undefined,
    message: answer.errors?.[0]?.message,
  };
}

async function submitMany(inputs: Record<string, unknown>[], token?: string) {
  return graphql<{ submitApplications: Result[] }>(approvals.url, SUBMIT_MANY, {
    token: token ?? (await syncClientToken('42')),
    variables: { inputs },
  });
}

/** What an intake can write, in both subgraphs: a refusal leaves every count as it was. */
async function counts() {
  const [row] = await sql(
    `select (select count(*)::int from registry.persons) as persons,
            (select count(*)::int from registry.change_history) as "personHistory",
            (select count(*)::int from approvals.applications) as applications,
            (select count(*)::int from approvals.application_events) as events,
            (select count(*)::int from approvals.intake_submissions) as submissions`,
  );
  return row!;
}

async function setMode(provinceCode: string, mode: string | null) {
  if (mode === null)
    await sql('delete from approvals.sync_provinces where province_code = $1', [provinceCode]);
  else
    await sql(
      `insert into approvals.sync_provinces (province_code, mode) values ($1, $2)
       on conflict (province_code) do update set mode = excluded.mode`,
      [provinceCode, mode],
    );
}

/** A living person registered in a current commune, as the commune's officer would have. */
async function registeredPerson(citizenId: string, communeCode = '18073', fullName = 'Lê Thị Đã Có') {
  const id = randomUUID();
  await sql(
    `insert into registry.persons (id, full_name, name_folded, birth_year, birth_date, gender, citizen_id, residence_unit_id, status, created_at, updated_at)
     values ($1, $2, registry.fold_name($2), 1950, '1950-03-05', 'female', $3, ${currentUnitId('$4')}, 'living', now(), now())`,
    [id, fullName, citizenId, communeCode],
  );
  return id;
}

beforeAll(async () => {
  database = await createTestDatabase();
  await seedDemoData(database.url, { personsPerCommune: 5 });
  const env = testEnv(database.url);
  registry = await startSubgraph(
    SUBGRAPHS.find((subgraph) => subgraph.name === 'registry')!,
    env,
  );
  approvals = await startSubgraph(approvalsSubgraph, { ...env, REGISTRY_URL: registry.url });
  await setMode('42', 'two-way');
});

afterAll(async () => {
  await approvals?.stop();
  await registry?.stop();
  await database?.drop();
});

describe('submitApplication', () => {
  it('registers a new applicant and files the dossier at the commune, recording what was submitted', async () => {
    const before = await counts();
    const input = dossier();
    const { result, refusal } = await submit(input);
    expect(refusal).toBeUndefined();
    expect(result).toMatchObject({
      index: 0,
      externalCode: input.externalCode,
      created: true,
      resubmitted: false,
      error: null,
      application: {
        state: 'IN_PROGRESS',
        unitCode: '18073',
        source: 'INTEGRATION',
        externalDossierCode: input.externalCode,
        filedOn: today,
        memberCount: 1,
        currentStep: { code: 'commune-verification' },
      },
    });
    const [person] = await sql(
      `select p.full_name, p.gender, p.birth_date::text as birth_date, u.code, u.valid_to
         from registry.persons p join registry.administrative_units u on u.id = p.residence_unit_id
        where p.citizen_id = $1`,
      [input.applicant.citizenId],
    );
    expect(person).toEqual({
      full_name: input.applicant.fullName,
      gender: 'female',
      birth_date: '1950-03-05',
      code: '18073',
      valid_to: null,
    });
    const [filed] = await sql(
      `select a.person_id, a.source_system, a.documents, c.code as category, s.content, s.province_code
         from approvals.applications a join approvals.categories c on c.id = a.category_id
         join approvals.intake_submissions s on s.application_id = a.id where a.id = $1`,
      [result!.application!.id],
    );
    expect(filed).toMatchObject({
      person_id: result!.application!.person.id,
      source_system: 'ansinh-sync-42',
      documents: [{ kind: 'declaration', name: 'Tờ khai Mẫu số 1a', number: null, issuedOn: null }],
      category: '5.5.a',
      province_code: '42',
      content: {
        communeCode: '18073',
        categoryCode: '5.5.a',
        applicant: { citizenId: input.applicant.citizenId, birthDate: '1950-03-05' },
      },
    });
    expect(await counts()).toEqual({
      ...before,
      persons: before.persons + 1,
      personHistory: before.personHistory + 1,
      applications: before.applications + 1,
      events: before.events + 1,
      submissions: before.submissions + 1,
    });
  });

  it('files for the person the register already holds under the CCCD, registering no one', async () => {
    const input = dossier();
    const personId = await registeredPerson(input.applicant.citizenId, '18073', input.applicant.fullName);
    const before = await counts();
    const { result, refusal } = await submit(input);
    expect(refusal).toBeUndefined();
    expect(result).toMatchObject({ created: true, application: { person: { id: personId } } });
    expect((await counts()).persons).toBe(before.persons);
  });

  it('answers a retry with the same dossier, and the same code with other content with a CONFLICT naming the fields', async () => {
    const input = dossier();
    const first = await submit(input);
    const before = await counts();
    // Written another way, in another order: the same content.
    const again = await submit({
      ...input,
      applicant: {
        ...input.applicant,
        citizenId: `${input.applicant.citizenId.slice(0, 3)} ${input.applicant.citizenId.slice(3)}`,
      },
      documents: [...input.documents],
    });
    expect(again.refusal).toBeUndefined();
    expect(again.result).toMatchObject({
      created: false,
      resubmitted: false,
      application: { id: first.result!.application!.id },
    });
    const changed = await submit({
      ...input,
      categoryCode: '5.6.a',
      applicant: { ...input.applicant, fullName: 'Nguyễn Thị Khác' },
    });
    expect(changed.result).toBeNull();
    expect(changed.refusal).toMatchObject({
      code: 'CONFLICT',
      field: 'externalCode',
      details: { fields: ['categoryCode', 'applicant.fullName'] },
    });
    expect(await counts()).toEqual(before);
  });

  it('takes new documents of a dossier returned for completion as its resubmission, and refuses them otherwise', async () => {
    const input = dossier();
    const filed = (await submit(input)).result!.application!;
    const documents = [
      ...input.documents,
      { kind: 'HEALTH_CONFIRMATION', name: 'Giấy xác nhận của trạm y tế' },
    ];
    // Still in progress: documents cannot change.
    const early = await submit({ ...input, documents });
    expect(early.refusal).toMatchObject({
      code: 'CONFLICT',
      field: 'documents',
      details: { fields: ['documents'] },
    });

    const returned = await graphql(
      approvals.url,
      `
        mutation ($id: ID!) {
          returnApplication(
            id: $id
            reason: "Thiếu giấy xác nhận của trạm y tế"
            expectedStep: "commune-verification"
          ) {
            state
          }
        }
      `,
      { token: await tokenFor('xa.18073'), variables: { id: filed.id } },
    );
    expect(returned.errors).toBeUndefined();
    // A retry of the original is still a retry.
    expect((await submit(input)).result).toMatchObject({
      created: false,
      resubmitted: false,
      application: { state: 'RETURNED' },
    });
    // Other changes with the documents are not a completion.
    const mixed = await submit({ ...input, documents, filedOn: '2025-12-01' });
    expect(mixed.refusal).toMatchObject({ code: 'CONFLICT', details: { fields: ['filedOn', 'documents'] } });

    const before = await counts();
    const completed = await submit({ ...input, documents });
    expect(completed.refusal).toBeUndefined();
    expect(completed.result).toMatchObject({
      created: false,
      resubmitted: true,
      application: { id: filed.id, state: 'IN_PROGRESS', currentStep: { code: 'commune-verification' } },
    });
    const [row] = await sql(
      `select a.documents, s.content -> 'documents' as submitted
         from approvals.applications a join approvals.intake_submissions s on s.application_id = a.id where a.id = $1`,
      [filed.id],
    );
    expect(row!.documents).toHaveLength(2);
    expect(row!.submitted).toHaveLength(2);
    expect(await counts()).toEqual({ ...before, events: before.events + 1 });
    // The completion sent again is a retry.
    expect((await submit({ ...input, documents })).result).toMatchObject({
      created: false,
      resubmitted: false,
    });
  });

  it('resolves a commune code of before the reform to the commune that took it over whole', async () => {
    const { result, refusal } = await submit(dossier({ communeCode: '18077' }));
    expect(refusal).toBeUndefined();
    expect(result).toMatchObject({ created: true, application: { unitCode: '18073' } });
  });

  it.each<[string, Record<string, unknown>, Record<string, unknown>, Refusal, RegExp | null]>([
    // Every row has its five values: jest passes `done` to a test declaring more parameters than a row has.
    [
      'an unknown category',
      { categoryCode: 'X.9' },
      {},
      { code: 'BAD_USER_INPUT', field: 'categoryCode' },
      null,
    ],
    [
      'a category closed to new dossiers',
      { categoryCode: '5.5.b' },
      {},
      { code: 'BAD_USER_INPUT', field: 'categoryCode' },
      /06\/2025/,
    ],
    [
      'a malformed CCCD',
      {},
      { citizenId: '04215012' },
      { code: 'BAD_USER_INPUT', field: 'applicant.citizenId' },
      null,
    ],
    [
      'a CCCD that contradicts the birth year (the registry’s rule)',
      {},
      { birthDate: '05/03/1960' },
      { code: 'BAD_USER_INPUT', field: 'applicant.citizenId' },
      /1960/,
    ],
    [
      'a commune of another province',
      { communeCode: '00004' },
      {},
      { code: 'FORBIDDEN', field: 'communeCode' },
      /không thuộc tỉnh/,
    ],
    [
      'a split commune',
      { communeCode: '18082' },
      {},
      { code: 'BAD_USER_INPUT', field: 'communeCode', details: { successors: ['18073', '18652'] } },
      /18073 .*; 18652 /,
    ],
    [
      'an unknown commune',
      { communeCode: '99999' },
      {},
      { code: 'BAD_USER_INPUT', field: 'communeCode' },
      null,
    ],
    [
      'a filing day in the future',
      { filedOn: '2999-01-01' },
      {},
      { code: 'BAD_USER_INPUT', field: 'filedOn' },
      null,
    ],
    [
      'a filing day before the commune existed',
      { filedOn: '2025-06-30' },
      {},
      { code: 'BAD_USER_INPUT', field: 'filedOn' },
      /01\/07\/2025/,
    ],
    [
      'a malformed dossier code',
      { externalCode: '<script>' },
      {},
      { code: 'BAD_USER_INPUT', field: 'externalCode' },
      null,
    ],
    [
      'a source that is not the caller',
      { source: 'ansinh-sync-01' },
      {},
      { code: 'BAD_USER_INPUT', field: 'source' },
      null,
    ],
    [
      'a document dated in the future',
      { documents: [{ kind: 'OTHER', name: 'Giấy', issuedOn: '2999-01-01' }] },
      {},
      { code: 'BAD_USER_INPUT', field: 'documents[0].issuedOn' },
      null,
    ],
    [
      'members for a category not counted by member',
      { memberCount: 2 },
      {},
      { code: 'BAD_USER_INPUT', field: 'memberCount' },
      null,
    ],
  ])(
    'refuses %s, naming the field, and writes nothing',
    async (_case, overrides, applicant, refusal, message) => {
      const before = await counts();
      const answer = await submit(dossier(overrides, applicant));
      expect(answer.result).toBeNull();
      expect(answer.refusal).toMatchObject(refusal);
      // Every refusal says something an official can read; some cases also pin its words.
      expect(answer.message).toEqual(expect.stringMatching(/\p{L}{2,}/u));
      if (message) expect(answer.message).toMatch(message);
      expect(await counts()).toEqual(before);
    },
  );

  it('refuses an applicant the register holds with other details, or at another commune, and writes nothing', async () => {
    const named = dossier();
    await registeredPerson(named.applicant.citizenId, '18073', 'Lê Thị Tên Khác');
    const moved = dossier();
    await registeredPerson(moved.applicant.citizenId, '18652', moved.applicant.fullName);
    const before = await counts();
    expect((await submit(named)).refusal).toMatchObject({
      code: 'CONFLICT',
      field: 'applicant.citizenId',
      details: { fields: ['applicant.fullName'] },
    });
    expect((await submit(moved)).refusal).toMatchObject({
      code: 'CONFLICT',
      field: 'communeCode',
      details: { fields: ['communeCode'] },
    });
    expect(await counts()).toEqual(before);
  });

  it('refuses a second open dossier of the person for the category under another code', async () => {
    const first = dossier();
    await submit(first);
    const before = await counts();
    const second = await submit({ ...first, externalCode: `${first.externalCode}-b` });
    expect(second.refusal).toMatchObject({ code: 'CONFLICT', field: 'categoryCode' });
    expect(await counts()).toEqual(before);
  });
});

describe('who may submit', () => {
  it('takes dossiers of a province in mode two-way or inbound only', async () => {
    try {
      await setMode('42', 'inbound');
      expect((await submit(dossier())).result).toMatchObject({ created: true });
      for (const mode of ['outbound', 'none', null]) {
        await setMode('42', mode);
        const before = await counts();
        const { refusal, message } = await submit(dossier());
        expect(refusal).toMatchObject({ code: 'FORBIDDEN' });
        expect(message).toMatch(/chế độ đồng bộ/);
        expect(await counts()).toEqual(before);
      }
    } finally {
      await setMode('42', 'two-way');
    }
  });

  it('refuses a client of another province acting on a Hà Tĩnh commune, and writes nothing', async () => {
    await setMode('01', 'two-way');
    const token = await syncClientToken('01');
    const before = await counts();
    const { refusal } = await submit(dossier({ source: 'ansinh-sync-01' }), token);
    expect(refusal).toMatchObject({ code: 'FORBIDDEN', field: 'communeCode' });
    // Its own province not connected: refused whole.
    await setMode('01', null);
    expect((await submit(dossier({ source: 'ansinh-sync-01' }), token)).refusal).toMatchObject({
      code: 'FORBIDDEN',
    });
    expect(await counts()).toEqual(before);
  });

  it('takes Hà Tĩnh’s second system under its own source, and refuses officials', async () => {
    const second = await submit(dossier({ source: 'ansinh-province-system' }), await provinceSystemToken());
    expect(second.result).toMatchObject({ created: true });
    const before = await counts();
    expect((await submit(dossier(), await tokenFor('xa.18073'))).refusal).toMatchObject({
      code: 'FORBIDDEN',
    });
    expect((await submit(dossier(), await tokenFor('tinh.42'))).refusal).toMatchObject({ code: 'FORBIDDEN' });
    expect(await counts()).toEqual(before);
  });
});

describe('submitApplications', () => {
  it('files each good dossier and refuses each bad one on its own, with field paths in the batch', async () => {
    const good = dossier();
    const before = await counts();
    const answer = await submitMany([
      good,
      dossier({}, { citizenId: '0421' }),
      dossier({ communeCode: '18077' }),
      dossier({ categoryCode: 'X.9' }),
      good,
      { ...good, categoryCode: '5.6.a' },
      dossier({ communeCode: '18082' }),
      dossier({ communeCode: '00004' }),
      dossier({}, { birthDate: '1960' }),
      dossier({ documents: [{ kind: 'OTHER', name: '' }] }),
    ]);
    expect(answer.errors).toBeUndefined();
    const results = answer.data!.submitApplications;
    expect(results.map((result) => result.index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(
      results.map((result) => [result.created, result.error?.code ?? null, result.error?.field ?? null]),
    ).toEqual([
      [true, null, null],
      [false, 'BAD_USER_INPUT', 'inputs[1].applicant.citizenId'],
      [true, null, null],
      [false, 'BAD_USER_INPUT', 'inputs[3].categoryCode'],
      [false, null, null],
      [false, 'CONFLICT', 'inputs[5].externalCode'],
      [false, 'BAD_USER_INPUT', 'inputs[6].communeCode'],
      [false, 'FORBIDDEN', 'inputs[7].communeCode'],
      [false, 'BAD_USER_INPUT', 'inputs[8].applicant.citizenId'],
      [false, 'BAD_USER_INPUT', 'inputs[9].documents[0].name'],
    ]);
    expect(results[4]!.application!.id).toBe(results[0]!.application!.id);
    expect(results[5]!.error!.fields).toEqual(['inputs[5].categoryCode']);
    expect(results[2]!.application!.unitCode).toBe('18073');
    expect(results.filter((result) => result.error).every((result) => result.application === null)).toBe(
      true,
    );
    expect(await counts()).toEqual({
      persons: before.persons + 2,
      personHistory: before.personHistory + 2,
      applications: before.applications + 2,
      events: before.events + 2,
      submissions: before.submissions + 2,
    });
  });

  it('takes 1,000 dossiers in one call', async () => {
    const inputs = Array.from({ length: 1000 }, () => dossier());
    const started = Date.now();
    const answer = await submitMany(inputs);
    expect(answer.errors).toBeUndefined();
    const results = answer.data!.submitApplications;
    expect(results.filter((result) => result.created)).toHaveLength(1000);
    process.stderr.write(`[sync-intake] 1,000 new dossiers and applicants in ${Date.now() - started} ms\n`);
    // Sent again: every one a retry.
    const again = await submitMany(inputs);
    expect(again.data!.submitApplications.every((result) => !result.created && !result.error)).toBe(true);
  });

  it('refuses a batch of 1,001 (or none) whole, writing nothing', async () => {
    const before = await counts();
    const tooMany = await submitMany(Array.from({ length: 1001 }, () => dossier()));
    expect(tooMany.data).toBeNull();
    expect(tooMany.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'inputs' });
    const none = await submitMany([]);
    expect(none.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'inputs' });
    expect(await counts()).toEqual(before);
  });
});

describe('when the registry does not answer', () => {
  it('is SERVICE_UNAVAILABLE and files nothing', async () => {
    const cut = await startSubgraph(approvalsSubgraph, {
      ...testEnv(database.url),
      // Nothing listens on the discard port.
      REGISTRY_URL: 'http://127.0.0.1:9/graphql',
      REGISTRY_TIMEOUT_MS: '2000',
    });
    try {
      const before = await counts();
      const { refusal, message } = await submit(dossier(), undefined, cut.url);
      expect(refusal).toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
      expect(message).toMatch(/registry/);
      expect(await counts()).toEqual(before);
    } finally {
      await cut.stop();
    }
  });
});
