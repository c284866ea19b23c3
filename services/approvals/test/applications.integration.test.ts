import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { todayInVietnam } from '@ansinh/common';
import { gatewayCredentialHeaders } from '@ansinh/common/graphql';
import {
  currentUnitId,
  formerUnitId,
  graphql,
  provinceSystemToken,
  sqlRows,
  startSeededSubgraph,
  tokenFor,
  type SeededSubgraph,
} from '@ansinh/tests/support';
import { randomUUID } from 'node:crypto';
import { approvalsSubgraph } from '../src/index.ts';
import { seedDemoApplications } from '../src/applications/applications.module.ts';
import { dueDate, workingDaysBefore } from '../src/applications/working-days.rule.ts';

/**
 * Applications (hồ sơ) on PostgreSQL with real tokens: filing at the commune and by the provincial
 * system (idempotent), each transition allowed and refused by role, unit level and era, the work
 * queues with overdue steps, confidential categories, scope, and bad input that writes nothing.
 * Pre-reform transitions by district accounts are covered on the rule (workflow.rule.test.ts): the
 * districts ended on 30 June 2025, and their accounts read only.
 */
let seeded: SeededSubgraph;
let url: string;
const today = todayInVietnam();

const sql = (text: string, params: unknown[] = []) => sqlRows(seeded.database.url, text, params);

async function categoryId(code: string): Promise<string> {
  const [row] = await sql(
    `select id from approvals.categories where program_id = 'decree-20' and code = $1`,
    [code],
  );
  return row!.id;
}

/** A new living person in the current commune with this code (none of the demo's entitlements). */
async function newPerson(communeCode = '18073'): Promise<string> {
  const id = randomUUID();
  await sql(
    `insert into registry.persons (id, full_name, name_folded, birth_year, gender, residence_unit_id, address, status, created_at, updated_at)
     values ($1, 'Trần Thị Hồ Sơ', registry.fold_name('Trần Thị Hồ Sơ'), 1950, 'female', ${currentUnitId('$2')}, 'Thôn 2', 'living', now(), now())`,
    [id, communeCode],
  );
  return id;
}

async function holidays(): Promise<Set<string>> {
  return new Set((await sql('select day::text as day from approvals.public_holidays')).map((row) => row.day));
}

const APPLICATION_FIELDS = `id state filedOn source externalDossierCode unitCode memberCount workflowName
  category { code } documents { kind name number issuedOn }
  currentStep { code role unitLevel limitWorkingDays isDecision startedOn dueOn overdue }
  events { step action actorName reason unit { id } }`;

const FILE = `mutation ($input: FileApplicationInput!) { fileApplication(input: $input) { ${APPLICATION_FIELDS} } }`;
/**
 * What the provincial system asks back: the dossier without its category, documents and reasons,
 * which need entitlement:read-confidential (a refusal on one of them would itself tell an HIV group).
 */
const SYSTEM_FIELDS = `id state filedOn source externalDossierCode unitCode currentStep { code } events { step action actorName }`;
const SYSTEM_FILE = `mutation ($input: FileApplicationInput!) { fileApplication(input: $input) { ${SYSTEM_FIELDS} } }`;
const COMPLETE = `mutation ($id: ID!, $step: String!, $decision: DecisionInput) {
  completeApplicationStep(id: $id, expectedStep: $step, decision: $decision) { ${APPLICATION_FIELDS} } }`;
const RETURN = `mutation ($id: ID!, $reason: String!, $step: String) { returnApplication(id: $id, reason: $reason, expectedStep: $step) { ${APPLICATION_FIELDS} } }`;
const RESUBMIT = `mutation ($id: ID!, $documents: [ApplicationDocumentInput!]!) { resubmitApplication(id: $id, documents: $documents) { ${APPLICATION_FIELDS} } }`;
const SYSTEM_RESUBMIT = `mutation ($id: ID!, $documents: [ApplicationDocumentInput!]!) { resubmitApplication(id: $id, documents: $documents) { ${SYSTEM_FIELDS} } }`;
const REJECT = `mutation ($id: ID!, $reason: String!, $step: String) { rejectApplication(id: $id, reason: $reason, expectedStep: $step) { ${APPLICATION_FIELDS} } }`;
const QUEUE = `query ($filter: ApplicationFilter) { applications(filter: $filter) { id state currentStep { code overdue dueOn } } }`;
const ENTITIES = `query ($representations: [_Any!]!) { _entities(representations: $representations) {
  ... on Application { id state category { code } documents { name } events { action reason } }
  ... on Person { id applications { id state } } } }`;

const DOCUMENTS = [
  { kind: 'DECLARATION', name: 'Tờ khai Mẫu số 1a' },
  { kind: 'CITIZEN_ID', name: 'Căn cước công dân', number: '042150001234', issuedOn: '2021-05-01' },
];

async function as(username: string, query: string, variables: Record<string, unknown> = {}) {
  return graphql(url, query, { token: await tokenFor(username), variables });
}

async function file(username: string, input: Record<string, unknown>) {
  return as(username, FILE, { input: { filedOn: today, documents: DOCUMENTS, ...input } });
}

async function counts() {
  const [row] = await sql(
    `select (select count(*)::int from approvals.applications) as applications,
            (select count(*)::int from approvals.application_events) as events,
            (select count(*)::int from approvals.entitlements) as entitlements`,
  );
  return row!;
}

const codeOf = (answer: { errors?: { extensions?: { code?: string } }[] }) =>
  answer.errors?.[0]?.extensions?.code;

beforeAll(async () => {
  seeded = await startSeededSubgraph(approvalsSubgraph);
  url = seeded.subgraph.url;
});

afterAll(() => seeded?.stop());

describe('filing (tiếp nhận hồ sơ)', () => {
  it('an officer of the commune files a dossier in the era of its day: verification first, due in 7 working days', async () => {
    const personId = await newPerson();
    const answer = await file('xa.18073', { personId, categoryId: await categoryId('5.5.a') });
    expect(answer.errors).toBeUndefined();
    const application = answer.data!.fileApplication;
    expect(application).toMatchObject({
      state: 'IN_PROGRESS',
      filedOn: today,
      source: 'COMMUNE',
      externalDossierCode: null,
      unitCode: '18073',
      memberCount: 1,
      category: { code: '5.5.a' },
      currentStep: {
        code: 'commune-verification',
        role: 'OFFICER',
        unitLevel: 'COMMUNE',
        limitWorkingDays: 7,
        isDecision: false,
        startedOn: today,
        dueOn: dueDate(today, 7, await holidays()),
        overdue: false,
      },
      events: [{ step: 'commune-verification', action: 'FILED', actorName: 'xa.18073', reason: null }],
    });
    expect(application.workflowName).toMatch(/hai cấp/);
    expect(application.documents).toEqual([
      { kind: 'DECLARATION', name: 'Tờ khai Mẫu số 1a', number: null, issuedOn: null },
      { kind: 'CITIZEN_ID', name: 'Căn cước công dân', number: '042150001234', issuedOn: '2021-05-01' },
    ]);
    const [history] = await sql(
      `select count(*)::int as count from approvals.change_history where table_name = 'applications' and row_id = $1`,
      [application.id],
    );
    expect(history!.count).toBe(1);
    const [event] = await sql(`select event_type from approvals.outbox where aggregate_id = $1`, [
      application.id,
    ]);
    expect(event!.event_type).toBe('application.created');
  });

  it('the provincial system files with its dossier code, idempotently', async () => {
    const token = await provinceSystemToken();
    const personId = await newPerson('18229');
    const code = `000.00.21.H23-${randomUUID().slice(0, 8)}`;
    const input = {
      personId,
      categoryId: await categoryId('5.5.a'),
      filedOn: today,
      externalDossierCode: code,
    };
    const first = await graphql(url, SYSTEM_FILE, { token, variables: { input } });
    expect(first.errors).toBeUndefined();
    expect(first.data!.fileApplication).toMatchObject({
      source: 'INTEGRATION',
      externalDossierCode: code,
      unitCode: '18229',
    });
    const before = await counts();
    const again = await graphql(url, SYSTEM_FILE, { token, variables: { input } });
    expect(again.errors).toBeUndefined();
    expect(again.data!.fileApplication.id).toBe(first.data!.fileApplication.id);
    // The category it filed for is not read back by the system (entitlement:read-confidential).
    const withCategory = await graphql(url, FILE, { token, variables: { input } });
    expect(withCategory.data!.fileApplication).toMatchObject({
      id: first.data!.fileApplication.id,
      category: null,
    });
    expect(withCategory.errors?.map((error) => error.extensions?.['code'])).toEqual(
      expect.arrayContaining(['FORBIDDEN']),
    );
    // The same code for another person is another dossier's code: refused.
    const other = await graphql(url, FILE, {
      token,
      variables: { input: { ...input, personId: await newPerson('18229') } },
    });
    expect(other.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', field: 'externalDossierCode' });
    expect(await counts()).toEqual(before);
  });

  it('refuses a code from an officer, a system without one, and a role that does not file', async () => {
    const personId = await newPerson();
    const category = await categoryId('5.5.a');
    const before = await counts();
    expect(
      codeOf(await file('xa.18073', { personId, categoryId: category, externalDossierCode: 'MC-1' })),
    ).toBe('FORBIDDEN');
    const system = await graphql(url, FILE, {
      token: await provinceSystemToken(),
      variables: { input: { personId, categoryId: category, filedOn: today } },
    });
    expect(codeOf(system)).toBe('FORBIDDEN');
    expect(codeOf(await file('tinh.42', { personId, categoryId: category }))).toBe('FORBIDDEN');
    expect(codeOf(await file('huyen.436', { personId, categoryId: category }))).toBe('FORBIDDEN');
    expect(await counts()).toEqual(before);
  });

  it('refuses bad input with a Vietnamese message, writing nothing', async () => {
    const personId = await newPerson();
    const category = await categoryId('5.5.a');
    const tomorrow = new Date(Date.parse(`${today}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
    const before = await counts();
    const cases: [Record<string, unknown>, string, string, RegExp][] = [
      [{ personId, categoryId: randomUUID() }, 'BAD_USER_INPUT', 'categoryId', /Không tìm thấy nhóm/],
      [{ personId, categoryId: category, filedOn: tomorrow }, 'BAD_USER_INPUT', 'filedOn', /tương lai/],
      [
        { personId, categoryId: category, filedOn: '2021-06-15' },
        'BAD_USER_INPUT',
        'filedOn',
        /từ tháng 07\/2021/,
      ],
      // 5.5.b ended on 30 June 2025 (Decree 176/2025): no new dossiers.
      [
        { personId, categoryId: await categoryId('5.5.b') },
        'BAD_USER_INPUT',
        'filedOn',
        /không nhận hồ sơ mới/,
      ],
      // A commune of today did not exist before the reform: no dossier of the former era.
      [
        { personId, categoryId: category, filedOn: '2025-06-20' },
        'BAD_USER_INPUT',
        'filedOn',
        /bắt đầu hoạt động/,
      ],
      [{ personId, categoryId: category, memberCount: 2 }, 'BAD_USER_INPUT', 'memberCount', /số thành viên/],
      // Funeral support is decided on a death, not filed as a monthly allowance.
      [{ personId, categoryId: await categoryId('mai-tang') }, 'BAD_USER_INPUT', 'categoryId', /chi một lần/],
      [
        { personId, categoryId: category, documents: [{ kind: 'OTHER', name: '=HYPERLINK("x")' }] },
        'BAD_USER_INPUT',
        'documents.0.name',
        /công thức/,
      ],
      [{ personId: 'not-a-uuid', categoryId: category }, 'BAD_USER_INPUT', 'personId', /không hợp lệ/],
      [{ personId: randomUUID(), categoryId: category }, 'NOT_FOUND', '', /Không tìm thấy đối tượng/],
    ];
    for (const [input, code, field, message] of cases) {
      const answer = await file('xa.18073', input);
      expect(answer.errors?.[0]?.extensions?.code).toBe(code);
      if (field) expect(answer.errors?.[0]?.extensions?.field).toBe(field);
      expect(answer.errors?.[0]?.message).toMatch(message);
    }
    expect(await counts()).toEqual(before);
  });

  it('refuses a person out of scope, and a second open dossier of one person for one category', async () => {
    const category = await categoryId('5.5.a');
    const elsewhere = await newPerson('18652');
    const before = await counts();
    expect(codeOf(await file('xa.18073', { personId: elsewhere, categoryId: category }))).toBe('NOT_FOUND');
    expect(await counts()).toEqual(before);
    const personId = await newPerson();
    expect((await file('xa.18073', { personId, categoryId: category })).errors).toBeUndefined();
    const second = await file('xa.18073', { personId, categoryId: category });
    expect(second.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', field: 'categoryId' });
  });
});

describe('steps of the current era (commune verification, commune chairman decides)', () => {
  it('verification by the officer, then the decision by the approver grants the entitlement', async () => {
    const personId = await newPerson();
    const filed = (await file('xa.18073', { personId, categoryId: await categoryId('5.5.a') })).data!
      .fileApplication;
    const verified = await as('xa.18073', COMPLETE, { id: filed.id, step: 'commune-verification' });
    expect(verified.errors).toBeUndefined();
    expect(verified.data!.completeApplicationStep).toMatchObject({
      state: 'IN_PROGRESS',
      currentStep: {
        code: 'commune-decision',
        role: 'APPROVER',
        isDecision: true,
        startedOn: today,
        dueOn: dueDate(today, 3, await holidays()),
      },
    });
    // The deciding step needs the decision.
    const before = await counts();
    const missing = await as('xa.18073', COMPLETE, { id: filed.id, step: 'commune-decision' });
    expect(missing.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'decision' });
    // A decision that the decisions capability refuses (a future date) leaves the dossier where it was.
    const future = await as('xa.18073', COMPLETE, {
      id: filed.id,
      step: 'commune-decision',
      decision: {
        number: '15/QĐ-UBND',
        decidedOn: '2999-01-01',
        signerName: 'Nguyễn Văn Chủ Tịch',
        effectiveMonth: today.slice(0, 7),
      },
    });
    expect(codeOf(future)).toBe('BAD_USER_INPUT');
    expect(await counts()).toEqual(before);
    const decided = await as('xa.18073', COMPLETE, {
      id: filed.id,
      step: 'commune-decision',
      decision: {
        number: '15/QĐ-UBND',
        decidedOn: today,
        signerName: 'Nguyễn Văn Chủ Tịch',
        effectiveMonth: today.slice(0, 7),
      },
    });
    expect(decided.errors).toBeUndefined();
    expect(decided.data!.completeApplicationStep).toMatchObject({ state: 'APPROVED', currentStep: null });
    expect(
      decided.data!.completeApplicationStep.events.map((event: { action: string }) => event.action),
    ).toEqual(['FILED', 'COMPLETED', 'COMPLETED']);
    const [decision] = await sql(
      `select d.kind, d.number, e.person_id from approvals.decisions d join approvals.entitlements e on e.id = d.entitlement_id where d.application_id = $1`,
      [filed.id],
    );
    expect(decision).toEqual({ kind: 'grant', number: '15/QĐ-UBND', person_id: personId });
  });

  it('a grant that conflicts with another entitlement of the person is refused, and granted with the approver’s reason', async () => {
    const personId = await newPerson();
    const category = await categoryId('5.5.a');
    const decision = {
      number: '16/QĐ-UBND',
      decidedOn: today,
      signerName: 'Nguyễn Văn Chủ Tịch',
      effectiveMonth: today.slice(0, 7),
    };
    const decide = async (overrideReason?: string) => {
      const filed = (await file('xa.18073', { personId, categoryId: category })).data!.fileApplication;
      await as('xa.18073', COMPLETE, { id: filed.id, step: 'commune-verification' });
      return { id: filed.id, overrideReason };
    };
    const first = await decide();
    const granted = await as('xa.18073', COMPLETE, { id: first.id, step: 'commune-decision', decision });
    expect(granted.errors).toBeUndefined();

    const second = await decide();
    const OVERRIDE = `mutation ($id: ID!, $step: String!, $decision: DecisionInput, $reason: String) {
      completeApplicationStep(id: $id, expectedStep: $step, decision: $decision, overrideReason: $reason) { ${APPLICATION_FIELDS} } }`;
    // A step that decides nothing takes no reason to grant.
    const other = (await file('xa.18073', { personId: await newPerson(), categoryId: category })).data!
      .fileApplication;
    const early = await as('xa.18073', OVERRIDE, {
      id: other.id,
      step: 'commune-verification',
      reason: 'Vẫn cấp',
    });
    expect(early.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'overrideReason' });
    const before = await counts();
    const refused = await as('xa.18073', OVERRIDE, { id: second.id, step: 'commune-decision', decision });
    expect(refused.errors?.[0]?.extensions).toMatchObject({
      code: 'CONFLICT',
      field: 'categoryId',
      details: { rule: 'one-person-one-policy', overridable: true },
    });
    expect(refused.errors?.[0]?.message).toMatch(/Một người chỉ hưởng một chính sách/);
    expect(await counts()).toEqual(before);
    const overridden = await as('xa.18073', OVERRIDE, {
      id: second.id,
      step: 'commune-decision',
      decision: { ...decision, number: '17/QĐ-UBND' },
      reason: 'Chờ xác minh, chi một mức',
    });
    expect(overridden.errors).toBeUndefined();
    expect(overridden.data!.completeApplicationStep.state).toBe('APPROVED');
    const [kept] = await sql(`select override_reason from approvals.decisions where application_id = $1`, [
      second.id,
    ]);
    expect(kept!.override_reason).toBe('Chờ xác minh, chi một mức');
  });

  it('refuses a step the dossier is not at (CONFLICT), the wrong level, a unit that has ended and another commune, writing nothing', async () => {
    const filed = (
      await file('xa.18073', { personId: await newPerson(), categoryId: await categoryId('5.5.a') })
    ).data!.fileApplication;
    const before = await counts();
    const stale = await as('xa.18073', COMPLETE, { id: filed.id, step: 'commune-decision' });
    expect(stale.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', field: 'expectedStep' });
    // The province reads the dossier but acts at no commune step (and holds no officer role).
    const province = await as('tinh.42', COMPLETE, { id: filed.id, step: 'commune-verification' });
    expect(codeOf(province)).toBe('FORBIDDEN');
    // A former district reads only its own records: this dossier is not even there for it.
    expect(codeOf(await as('huyen.436', COMPLETE, { id: filed.id, step: 'commune-verification' }))).toBe(
      'NOT_FOUND',
    );
    // Another commune does not see it.
    expect(codeOf(await as('xa.18652', COMPLETE, { id: filed.id, step: 'commune-verification' }))).toBe(
      'NOT_FOUND',
    );
    expect(codeOf(await as('xa.18652', RETURN, { id: filed.id, reason: 'x' }))).toBe('NOT_FOUND');
    expect(codeOf(await as('xa.18652', REJECT, { id: filed.id, reason: 'x' }))).toBe('NOT_FOUND');
    expect(codeOf(await as('xa.18652', RESUBMIT, { id: filed.id, documents: [] }))).toBe('NOT_FOUND');
    // The provincial system files dossiers but acts at no step (no officer role).
    const system = await graphql(url, COMPLETE, {
      token: await provinceSystemToken(),
      variables: { id: filed.id, step: 'commune-verification' },
    });
    expect(system.errors?.[0]).toMatchObject({
      extensions: { code: 'FORBIDDEN' },
      message: expect.stringMatching(/officer/),
    });
    expect(await counts()).toEqual(before);
    // The decision step by the province: wrong level.
    await as('xa.18073', COMPLETE, { id: filed.id, step: 'commune-verification' });
    const decision = await as('tinh.42', COMPLETE, {
      id: filed.id,
      step: 'commune-decision',
      decision: {
        number: '1/QĐ',
        decidedOn: today,
        signerName: 'Lê Văn Tỉnh',
        effectiveMonth: today.slice(0, 7),
      },
    });
    expect(decision.errors?.[0]).toMatchObject({
      extensions: { code: 'FORBIDDEN' },
      message: expect.stringMatching(/cấp xã/),
    });
  });

  it('returns for completion with a reason, takes the completed dossier back, and rejects with a reason', async () => {
    const filed = (
      await file('xa.18073', { personId: await newPerson(), categoryId: await categoryId('5.5.a') })
    ).data!.fileApplication;
    const before = await counts();
    const noReason = await as('xa.18073', RETURN, { id: filed.id, reason: '   ' });
    expect(noReason.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'reason' });
    expect(codeOf(await as('xa.18073', RESUBMIT, { id: filed.id, documents: [] }))).toBe('CONFLICT');
    expect(await counts()).toEqual(before);
    const returned = await as('xa.18073', RETURN, {
      id: filed.id,
      reason: 'Thiếu giấy xác nhận hộ nghèo',
      step: 'commune-verification',
    });
    expect(returned.data!.returnApplication).toMatchObject({
      state: 'RETURNED',
      currentStep: { code: 'commune-verification', dueOn: null, overdue: false },
    });
    expect(codeOf(await as('xa.18073', COMPLETE, { id: filed.id, step: 'commune-verification' }))).toBe(
      'CONFLICT',
    );
    const resubmitted = await as('xa.18073', RESUBMIT, {
      id: filed.id,
      documents: [...DOCUMENTS, { kind: 'POVERTY_CERTIFICATE', name: 'Giấy chứng nhận hộ nghèo' }],
    });
    expect(resubmitted.errors).toBeUndefined();
    expect(resubmitted.data!.resubmitApplication).toMatchObject({
      state: 'IN_PROGRESS',
      currentStep: { code: 'commune-verification', startedOn: today },
    });
    expect(resubmitted.data!.resubmitApplication.documents).toHaveLength(3);
    await as('xa.18073', COMPLETE, { id: filed.id, step: 'commune-verification' });
    const rejected = await as('xa.18073', REJECT, {
      id: filed.id,
      reason: 'Không thuộc hộ nghèo',
      step: 'commune-decision',
    });
    expect(rejected.data!.rejectApplication).toMatchObject({ state: 'REJECTED', currentStep: null });
    expect(
      rejected.data!.rejectApplication.events.map((event: { action: string; reason: string | null }) => [
        event.action,
        event.reason,
      ]),
    ).toEqual([
      ['FILED', null],
      ['RETURNED', 'Thiếu giấy xác nhận hộ nghèo'],
      ['RESUBMITTED', null],
      ['COMPLETED', null],
      ['REJECTED', 'Không thuộc hộ nghèo'],
    ]);
  });

  it('only the provincial system that filed a dossier resubmits it', async () => {
    const token = await provinceSystemToken();
    const input = {
      personId: await newPerson(),
      categoryId: await categoryId('5.5.a'),
      filedOn: today,
      externalDossierCode: `MC-${randomUUID().slice(0, 8)}`,
    };
    const filed = (await graphql(url, SYSTEM_FILE, { token, variables: { input } })).data!.fileApplication;
    await as('xa.18073', RETURN, { id: filed.id, reason: 'Bổ sung tờ khai' });
    expect(codeOf(await as('xa.18073', RESUBMIT, { id: filed.id, documents: DOCUMENTS }))).toBe('FORBIDDEN');
    const again = await graphql(url, SYSTEM_RESUBMIT, {
      token,
      variables: { id: filed.id, documents: DOCUMENTS },
    });
    expect(again.errors).toBeUndefined();
    expect(again.data!.resubmitApplication.state).toBe('IN_PROGRESS');
  });
});

describe('a dossier of the former era still open after 30 June 2025', () => {
  it('is read by the commune that took its person over and by its former district, and advanced by no one', async () => {
    const personId = await newPerson();
    const id = randomUUID();
    await sql(
      `insert into approvals.applications (id, person_id, unit_id, category_id, workflow_id, filed_on, source, state, current_step, step_started_on, step_due_on, created_by_id, created_by_name, created_at, updated_at)
       values ($1, $2, ${formerUnitId("'18073'")}, $3, 'national-2021', '2025-06-02', 'commune', 'in_progress', 'district-appraisal', '2025-06-20', '2025-07-01', 'test', 'test', now(), now())`,
      [id, personId, await categoryId('5.5.a')],
    );
    const before = await counts();
    for (const [username, step] of [
      ['xa.18073', 'district-appraisal'],
      ['tinh.42', 'district-appraisal'],
    ] as const) {
      const answer = await as(username, COMPLETE, { id, step });
      expect(answer.errors?.[0]).toMatchObject({ extensions: { code: 'FORBIDDEN' } });
    }
    expect((await as('xa.18073', COMPLETE, { id, step: 'district-appraisal' })).errors?.[0]?.message).toMatch(
      /chấm dứt/,
    );
    expect(codeOf(await as('xa.18073', REJECT, { id, reason: 'x' }))).toBe('FORBIDDEN');
    expect(codeOf(await as('huyen.436', COMPLETE, { id, step: 'district-appraisal' }))).toBe('FORBIDDEN');
    expect(await counts()).toEqual(before);
    const read = await as('huyen.436', QUEUE, { filter: { overdue: true } });
    expect(read.data!.applications.map((application: { id: string }) => application.id)).toContain(id);
    // Its successor commune files the dossier again under the current workflow.
    const refiled = await file('xa.18073', { personId, categoryId: await categoryId('5.5.a') });
    expect(refiled.errors).toBeUndefined();
    expect(refiled.data!.fileApplication.currentStep.code).toBe('commune-verification');
  });
});

describe('work queues', () => {
  it('lists by step and state, and the overdue steps, the most urgent first', async () => {
    const late = workingDaysBefore(today, 12, await holidays());
    const overdue = (
      await file('xa.18073', {
        personId: await newPerson(),
        categoryId: await categoryId('5.5.a'),
        filedOn: late,
      })
    ).data!.fileApplication;
    expect(overdue.currentStep).toMatchObject({ overdue: true, dueOn: dueDate(late, 7, await holidays()) });
    const fresh = (
      await file('xa.18073', { personId: await newPerson(), categoryId: await categoryId('5.5.a') })
    ).data!.fileApplication;
    const ids = (answer: { data?: Record<string, any> | null }) =>
      (answer.data!.applications as { id: string }[]).map((application) => application.id);

    const overdueQueue = await as('xa.18073', QUEUE, {
      filter: { overdue: true, step: 'commune-verification' },
    });
    expect(overdueQueue.errors).toBeUndefined();
    expect(ids(overdueQueue)).toContain(overdue.id);
    expect(ids(overdueQueue)).not.toContain(fresh.id);
    expect(
      overdueQueue.data!.applications.every(
        (application: { currentStep: { overdue: boolean } }) => application.currentStep.overdue,
      ),
    ).toBe(true);
    const onTime = await as('xa.18073', QUEUE, { filter: { overdue: false, state: 'IN_PROGRESS' } });
    expect(ids(onTime)).toContain(fresh.id);
    expect(ids(onTime)).not.toContain(overdue.id);
    // The province reads every commune's queue; another commune reads none of this one's.
    expect(ids(await as('tinh.42', QUEUE, { filter: { unitCode: '18073', overdue: true } }))).toContain(
      overdue.id,
    );
    expect(ids(await as('xa.18652', QUEUE, { filter: { overdue: true } }))).not.toContain(overdue.id);
    expect(codeOf(await as('xa.18652', QUEUE, { filter: { unitCode: '18073' } }))).toBe('FORBIDDEN');
    expect((await as('xa.18073', QUEUE, { filter: { first: 501 } })).errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'filter.first',
    });
    expect(codeOf(await graphql(url, QUEUE, {}))).toBe('UNAUTHENTICATED');
  });
});

describe('confidential categories and entities', () => {
  it('hides an HIV category, its documents and reasons from roles without the right, through any field and _entities', async () => {
    const personId = await newPerson();
    const filed = (await file('xa.18073', { personId, categoryId: await categoryId('5.8') })).data!
      .fileApplication;
    expect(filed.category).toEqual({ code: '5.8' });
    await as('xa.18073', RETURN, { id: filed.id, reason: 'Thiếu giấy xác nhận của cơ sở y tế' });
    const auditor = await as(
      'kiemtoan.42',
      `query { applications(filter: { unitCode: "18073", state: RETURNED }) { id category { code } documents { name } events { reason } } }`,
    );
    const row = auditor.data!.applications.find((application: { id: string }) => application.id === filed.id);
    expect(row).toMatchObject({ category: null, documents: null });
    const forbiddenPaths = (auditor.errors ?? [])
      .filter((error) => error.extensions?.code === 'FORBIDDEN')
      .map((error) => error.path?.at(-1));
    expect(new Set(forbiddenPaths)).toEqual(new Set(['category', 'documents', 'reason']));

    const entities = async (username: string, representations: unknown[]) =>
      graphql(url, ENTITIES, {
        token: await tokenFor(username),
        headers: gatewayCredentialHeaders(),
        variables: { representations },
      });
    const hidden = await entities('kiemtoan.42', [{ __typename: 'Application', id: filed.id }]);
    expect(hidden.data!._entities[0]).toMatchObject({ id: filed.id, category: null, documents: null });
    const shown = await entities('xa.18073', [
      { __typename: 'Application', id: filed.id },
      { __typename: 'Person', id: personId },
    ]);
    expect(shown.errors).toBeUndefined();
    expect(shown.data!._entities[0]).toMatchObject({
      category: { code: '5.8' },
      documents: [{ name: 'Tờ khai Mẫu số 1a' }, { name: 'Căn cước công dân' }],
    });
    expect(shown.data!._entities[1]).toEqual({
      id: personId,
      applications: [{ id: filed.id, state: 'RETURNED' }],
    });
    // Out of scope: nothing, as for an id that does not exist.
    const elsewhere = await entities('xa.18652', [
      { __typename: 'Application', id: filed.id },
      { __typename: 'Person', id: personId },
    ]);
    expect(elsewhere.data!._entities).toEqual([null, { id: personId, applications: [] }]);
  });
});

describe('demo data', () => {
  it('seeds dossiers at every step of both eras, one of today overdue, once', async () => {
    // As the owner, on this file's database without the dossiers of the tests above (the last test).
    const client = { query: async (text: string, params?: unknown[]) => ({ rows: await sql(text, params) }) };
    await sql('delete from approvals.applications');
    expect(await seedDemoApplications(client)).toBe(9);
    expect(await seedDemoApplications(client)).toBe(0);
    const rows = await sql(
      `select workflow_id, current_step, state, (state = 'in_progress' and step_due_on < (now() at time zone 'Asia/Ho_Chi_Minh')::date) as overdue
         from approvals.applications`,
    );
    expect(new Set(rows.map((row) => `${row.workflow_id}/${row.current_step}`))).toEqual(
      new Set([
        'national-2021/commune-review',
        'national-2021/public-posting',
        'national-2021/forward-to-district',
        'national-2021/district-appraisal',
        'national-2021/district-decision',
        'national-2025/commune-verification',
        'national-2025/commune-decision',
      ]),
    );
    expect(rows.filter((row) => row.workflow_id === 'national-2025' && row.overdue)).toHaveLength(1);
    expect(rows.filter((row) => row.state === 'returned')).toHaveLength(1);
    const [events] = await sql(`select count(*)::int as count from approvals.application_events`);
    expect(events!.count).toBeGreaterThan(9);
  });
});
