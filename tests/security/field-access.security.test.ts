import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Readable } from 'node:stream';
import pg from 'pg';
import {
  getNamedType,
  getNullableType,
  isEnumType,
  isListType,
  isNonNullType,
  isObjectType,
  isInputObjectType,
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLNamedType,
  type GraphQLObjectType,
} from 'graphql';
import {
  ACTOR_SETTINGS,
  currentMonth as monthInVietnam,
  isWriteAction,
  PERMISSIONS,
  rolesAllow,
  SCOPE_SETTING,
  todayInVietnam,
  type Action,
} from '@ansinh/common';
import { gatewayCredentialHeaders } from '@ansinh/common/graphql';
import {
  DEMO_CURRENT_COMMUNES,
  DEMO_OLD_COMMUNES,
  DEMO_PROVINCE,
  DEMO_PROVINCE_SYSTEM_CLIENT,
  DEMO_USERS,
} from '@ansinh/infra';
import {
  currentUnitId,
  provinceSystemToken,
  sqlRows,
  startStack,
  tokenFor,
  type GraphQLAnswer,
  type Stack,
} from '../support/stack.ts';
import {
  entityKeys,
  internalSubgraphOf,
  publicCoordinates,
  selectionOf,
  sensitiveFields,
  sensitiveOccurrences,
  supergraph,
  type Occurrence,
} from './supergraph-model.ts';
import { readFieldMatrix } from './field-matrix.ts';
// The real Resolution 42 import, on the owner's connection as the demo seed runs it (fixtures are made without uploads).
import { importR42ListInTransaction } from '../../services/approvals/src/resolution-42/r42-import.service.ts';

/**
 * Least privilege per field, generated from `schema/supergraph.graphql`: every query (through the
 * gateway) and every entity key (`_entities`, straight to each subgraph) is asked by every demo
 * account (real Keycloak tokens), once on records inside the account's units and once on records
 * outside them. Every `@sensitive` field in an answer must be readable exactly by the accounts whose
 * roles have ✓ in the matrix of docs/security/field-access.md (which field-matrix.test.ts keeps
 * equal to permissions.ts): refused fields are null with a FORBIDDEN error at their
 * path, and nothing of another unit's records appears anywhere.
 */

type Account = { name: string; unitCode: string; roles: readonly string[]; token: () => Promise<string> };

const ACCOUNTS: Account[] = [
  ...DEMO_USERS.map((user) => ({
    name: user.username,
    unitCode: user.unitCode,
    roles: user.roles,
    token: () => tokenFor(user.username),
  })),
  {
    name: DEMO_PROVINCE_SYSTEM_CLIENT.clientId,
    unitCode: DEMO_PROVINCE_SYSTEM_CLIENT.unitCode,
    roles: DEMO_PROVINCE_SYSTEM_CLIENT.roles,
    token: provinceSystemToken,
  },
];

/** Accounts with a role that may change the register (not only read it; the ministry holds no unit's records). */
const WRITERS = ACCOUNTS.filter((account) =>
  account.roles.some((role) => !['analyst', 'auditor', 'payer', 'ministry'].includes(role)),
);

/** Records made in one commune so that every sensitive field has a value there. */
type Fixture = {
  communeCode: string;
  /** The commune's unit (the version in force today: the code may have named an old commune too). */
  unitId: string;
  personId: string;
  householdId: string;
  accountId: string;
  /** An open duplicate warning (another dismissed one carries the note). */
  warningId: string;
  /** The category of the person's entitlement and of its dossier (`5.8`, confidential, in the shared fixtures). */
  categoryId: string;
  /** An entitlement of the person paid by the commune, and its grant decision (the ledger's first entry). */
  entitlementId: string;
  decisionId: string;
  /** A dossier (hồ sơ) of the person filed by the commune's officer, at its first step (`applicationStep`). */
  applicationId: string;
  applicationStep: string;
  /** A payment list of the commune being paid, with one line of the person's entitlement paid to an authorised receiver. */
  paymentListId: string;
  paymentLineId: string;
  /** Values that must never appear in an answer to an account outside the commune. */
  secrets: string[];
};

/**
 * A fixture as one account aims at it: its records, and a background job. Jobs are their owner's
 * alone, so "inside" is the account's own job and "outside" another account's (the officer's of the
 * other commune), which must be NOT_FOUND as a job that does not exist.
 */
type Target = Fixture & { jobId: string };

/** Each account's own job (`importPersons`, or written by the jobs module's rules for those who may not import). */
type OwnJob = { id: string; fileName: string };
const jobOf = new Map<string, OwnJob>();
const ownJob = (accountName: string): OwnJob => {
  const job = jobOf.get(accountName);
  if (!job) throw new Error(`${accountName} has no job of its own: see makeJobs`);
  return job;
};

const sensitive = sensitiveFields();
/** The current communes with a demo account: one fixture each. */
const FIXTURE_COMMUNES = [
  ...new Set(DEMO_USERS.filter((user) => user.unitLevel === 'commune').map((user) => user.unitCode)),
];
/** The commune officer who makes a commune's fixture. */
const officerOf = (communeCode: string) =>
  DEMO_USERS.find((user) => user.unitCode === communeCode && user.roles.includes('officer'))!.username;

/**
 * Whether an account's unit holds a fixture's commune, in today's two tiers: the province holds every
 * current commune, a commune itself. The former district 436 holds none of them (they began on 1 July
 * 2025, after it ended), so every fixture lies outside it.
 */
function covers(unitCode: string, communeCode: string): boolean {
  return unitCode === communeCode || unitCode === DEMO_PROVINCE.code;
}

/**
 * The former districts whose old communes went into each current commune. The pre-reform records of
 * persons carried into the commune (their payment lines made by the old commune) stay the district's
 * own, so a fixture of such a commune is neither inside nor outside that district: it is left out.
 */
const FORMER_DISTRICTS_OF = new Map(
  DEMO_CURRENT_COMMUNES.map((commune) => [
    commune.code,
    new Set(
      DEMO_OLD_COMMUNES.filter((old) => old.successorCodes.includes(commune.code)).map(
        (old) => old.districtCode,
      ),
    ),
  ]),
);
const sharesPast = (unitCode: string, communeCode: string): boolean =>
  FORMER_DISTRICTS_OF.get(communeCode)?.has(unitCode) ?? false;

let stack: Stack;
const fixtures: Fixture[] = [];
const currentMonth = monthInVietnam();

async function asOfficer(communeCode: string, query: string, variables: Record<string, unknown>) {
  const answer = await ask(query, {
    token: await tokenFor(officerOf(communeCode)),
    variables,
  });
  if (answer.errors) throw new Error(`fixture in ${communeCode}: ${JSON.stringify(answer.errors)}`);
  return answer.data!;
}

async function makeFixture(communeCode: string, serial: number): Promise<Fixture> {
  // Each fixture takes its own person of the commune's seeded ones (the serial-th with a CCCD and a date of birth).
  const [person] = await sqlRows(
    stack.database.url,
    `select id, full_name, to_char(birth_date, 'YYYY-MM-DD') as birth_date, gender, citizen_id
     from registry.persons where residence_unit_id = ${currentUnitId('$1')} and citizen_id is not null and birth_date is not null
       and status = 'living'
     order by id limit 1 offset $2`,
    [communeCode, serial],
  );
  const tag = String(serial).padStart(3, '0');
  const phone = `09${communeCode}${tag}`;
  const oldIdNumber = `1${communeCode}${tag}`;
  const accountNumber = `970${communeCode}${tag}${tag}`;
  const householdAddress = `Xóm Riêng Tư ${communeCode}-${tag}`;
  const note = `Đã đối chiếu CCCD ${person!.citizen_id} tại ${communeCode}`;
  await asOfficer(
    communeCode,
    `mutation ($id: ID!, $input: UpdatePersonInput!) { updatePerson(id: $id, input: $input) { id } }`,
    { id: person!.id, input: { phone, oldIdNumber } },
  );
  await asOfficer(
    communeCode,
    `mutation ($id: ID!, $input: PaymentAccountInput!) { addPaymentAccount(personId: $id, input: $input) { id } }`,
    { id: person!.id, input: { providerCode: 'VBA', accountNumber } },
  );
  const { createHousehold } = await asOfficer(
    communeCode,
    `mutation ($input: CreateHouseholdInput!) { createHousehold(input: $input) { id } }`,
    {
      input: { code: `H5-${communeCode}-${tag}`, residenceUnitCode: communeCode, address: householdAddress },
    },
  );
  await asOfficer(
    communeCode,
    `mutation ($p: ID!, $h: ID!) { setHouseholdMember(personId: $p, householdId: $h, relationToHead: HEAD) { id } }`,
    { p: person!.id, h: createHousehold.id },
  );
  // The same name and date of birth in the commune: a duplicate warning, then dismissed with a note.
  await asOfficer(
    communeCode,
    `mutation ($input: CreatePersonInput!) { createPerson(input: $input) { id } }`,
    {
      input: {
        fullName: person!.full_name,
        birthDate: person!.birth_date,
        gender: String(person!.gender).toUpperCase(),
        residenceUnitCode: communeCode,
      },
    },
  );
  const [warning] = await sqlRows(
    stack.database.url,
    `select id from registry.duplicate_warnings where unit_id = ${currentUnitId('$1')} and status = 'open' order by created_at desc limit 1`,
    [communeCode],
  );
  await asOfficer(
    communeCode,
    `mutation ($id: ID!, $note: String) { dismissDuplicate(id: $id, note: $note) { id } }`,
    {
      id: warning!.id,
      note,
    },
  );
  // A second copy leaves a warning open, for the mutations that decide one.
  await asOfficer(
    communeCode,
    `mutation ($input: CreatePersonInput!) { createPerson(input: $input) { id } }`,
    {
      input: {
        fullName: person!.full_name,
        birthDate: person!.birth_date,
        gender: String(person!.gender).toUpperCase(),
        residenceUnitCode: communeCode,
      },
    },
  );
  const [open] = await sqlRows(
    stack.database.url,
    `select id from registry.duplicate_warnings where unit_id = ${currentUnitId('$1')} and status = 'open' order by created_at desc limit 1`,
    [communeCode],
  );
  const [account] = await sqlRows(
    stack.database.url,
    `select id from registry.payment_accounts where person_id = $1`,
    [person!.id],
  );
  const [unit] = await sqlRows(stack.database.url, `select ${currentUnitId('$1')} as id`, [communeCode]);
  const approvals = await makeApprovals(communeCode, serial, person!.id, unit!.id);
  const payments = await makePayments(
    communeCode,
    serial,
    unit!.id,
    person!.id,
    approvals.records.entitlementId,
    account!.id,
  );
  return {
    communeCode,
    unitId: unit!.id,
    personId: person!.id,
    householdId: createHousehold.id,
    accountId: account!.id,
    warningId: open!.id,
    ...approvals.records,
    ...payments.records,
    secrets: [
      person!.citizen_id,
      phone,
      oldIdNumber,
      accountNumber,
      householdAddress,
      note,
      ...approvals.secrets,
      ...payments.secrets,
    ],
  };
}

/**
 * A payment list of the commune for a month of its own (none of the demo's: a month long past, one per
 * fixture), being paid, with one line of the fixture's entitlement paid to an authorised receiver, as
 * the lists are made: written by the owner, moved through the states as the API moves them.
 */
async function makePayments(
  communeCode: string,
  serial: number,
  unitId: string,
  personId: string,
  entitlementId: string,
  accountId: string,
) {
  const month = monthsAhead(-(30 + serial));
  const receiverName = `Người Nhận Thay ${communeCode}-${String(serial).padStart(3, '0')}`;
  const [list] = await sqlRows(
    stack.database.url,
    `insert into payments.payment_lists (unit_id, month) values ($1, $2) returning id`,
    [unitId, month],
  );
  const [line] = await sqlRows(
    stack.database.url,
    `insert into payments.payment_lines (id, list_id, line_code, person_id, entitlement_id, unit_id, month, amount, channel, account_id, status, paid_on, paid_at, receiver, receiver_name, reference, created_at)
     values (gen_random_uuid(), $1, 'CT' || lpad(nextval('payments.line_code_seq')::text, 9, '0'), $2, $3, $4, $5, 750000, 'bank', $6, 'paid', current_date, now(), 'authorised', $7, 'GD-1', now())
     returning id`,
    [list!.id, personId, entitlementId, unitId, month, accountId, receiverName],
  );
  await sqlRows(
    stack.database.url,
    `insert into payments.line_months (line_id, list_id, entitlement_root_id, entitlement_id, person_id, month, amount, kind)
     values ($1, $2, $3, $3, $4, $5, 750000, 'regular')`,
    [line!.id, list!.id, entitlementId, personId, month],
  );
  for (const state of ['approved', 'paying'])
    await sqlRows(
      stack.database.url,
      `update payments.payment_lists p set state = $2, (line_count, person_count, total_amount, held_count, held_amount, channel_totals) =
         (select t.line_count, t.person_count, t.total_amount, t.held_count, t.held_amount, t.channel_totals from payments.control_totals(array[p.id]) t)
        where p.id = $1`,
      [list!.id, state],
    );
  return {
    records: { paymentListId: list!.id as string, paymentLineId: line!.id as string },
    secrets: [receiverName],
  };
}

/** `YYYY-MM-DD`, `days` before today in Vietnam. */
function daysAgo(days: number): string {
  const today = new Date(`${todayInVietnam()}T00:00:00Z`);
  return new Date(today.getTime() - days * 86_400_000).toISOString().slice(0, 10);
}

/** `YYYY-MM`, `count` months after the current month in Vietnam. */
function monthsAhead(count: number): string {
  const [year, month] = currentMonth.split('-').map(Number) as [number, number];
  const index = year * 12 + month - 1 + count;
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`;
}

/**
 * The approvals records of a fixture's person: an entitlement paid by the commune (written as the
 * demo seed and the loaders write one: its grant decision comes from the deferred ledger trigger at
 * commit; no mutation grants an entitlement outside a dossier), a dossier filed by the commune's
 * officer through the API, and, in the shared fixture (serial 0), two Resolution 42 lists of the
 * commune with a person on both. The shared fixtures' entitlement and dossier are of the confidential
 * 5.8 (HIV): what a role without entitlement:read-confidential must never see of a person.
 */
async function makeApprovals(communeCode: string, serial: number, personId: string, unitId: string) {
  const tag = String(serial).padStart(3, '0');
  // A writer's own fixture: a category without an open dossier of the person (the demo files some).
  const [{ code: categoryCode }] = (await sqlRows(
    stack.database.url,
    `select c.code from approvals.categories c
      where c.program_id = 'decree-20' and c.code = any($2::text[])
        and not exists (select 1 from approvals.applications a
                         where a.person_id = $1 and a.category_id = c.id and a.state in ('in_progress', 'returned'))
      order by array_position($2::text[], c.code::text) limit 1`,
    [personId, serial === 0 ? ['5.8'] : ['5.5.a', '5.6.b', '5.5.d', '5.1']],
  )) as [{ code: string }];
  const decisionNumber = `BM-${communeCode}-${tag}/QĐ-UBND`;
  const [entitlement] = await sqlRows(
    stack.database.url,
    `insert into approvals.entitlements (id, person_id, unit_id, category_id, policy_group, coefficient_hundredths, start_month, end_month, decision_number, decision_date, status, created_at)
     select gen_random_uuid(), $1, $2, c.id, c.code, null, $3, null, $4, $5::date, 'active', now()
       from approvals.categories c where c.program_id = 'decree-20' and c.code = $6
     returning id, category_id`,
    [personId, unitId, currentMonth, decisionNumber, daysAgo(3), categoryCode],
  );
  const [decision] = await sqlRows(
    stack.database.url,
    `select id from approvals.decisions where entitlement_id = $1 and kind = 'grant'`,
    [entitlement!.id],
  );
  if (!decision) throw new Error(`fixture in ${communeCode}: the ledger trigger wrote no grant decision`);
  const documentNumber = `GXN-${communeCode}-${tag}`;
  const { fileApplication } = await asOfficer(
    communeCode,
    `mutation ($input: FileApplicationInput!) { fileApplication(input: $input) { id currentStep { code } } }`,
    {
      input: {
        personId,
        categoryId: entitlement!.category_id,
        filedOn: todayInVietnam(),
        documents: [
          {
            kind: 'HEALTH_CONFIRMATION',
            name: 'Giấy xác nhận của cơ sở y tế',
            number: documentNumber,
            issuedOn: daysAgo(10),
          },
        ],
      },
    },
  );
  const r42 = serial === 0 ? await makeResolution42Lists(communeCode) : [];
  return {
    records: {
      categoryId: entitlement!.category_id as string,
      entitlementId: entitlement!.id as string,
      decisionId: decision.id as string,
      applicationId: fileApplication.id as string,
      applicationStep: fileApplication.currentStep.code as string,
    },
    secrets: [entitlement!.id, decision.id, decisionNumber, fileApplication.id, documentNumber, ...r42],
  };
}

/** A person of each demo commune on two Resolution 42 lists (one paid, one flagged), one on a single list. */
const R42_NAMES: Record<string, [string, string]> = {
  '18073': ['Trịnh Thị Mận', 'Lương Văn Khế'],
  '18652': ['Đinh Thị Ổi', 'Cao Văn Sấu'],
  '18229': ['Tạ Thị Mơ', 'Kiều Văn Dứa'],
  '18262': ['Lạc Thị Na', 'Mạc Văn Vải'],
};

/**
 * Two Resolution 42 lists of the commune through the real import (as `seedDemoResolution42` runs it: on
 * the owner's connection, in one transaction, scope the province, actor `demo`). Returns the values of
 * its rows that must not reach an account outside the commune (names and CCCDs).
 */
async function makeResolution42Lists(communeCode: string): Promise<string[]> {
  const names = R42_NAMES[communeCode];
  if (!names) throw new Error(`no Resolution 42 names for the demo commune ${communeCode}: teach R42_NAMES`);
  const citizenIds = [`042${communeCode}0901`, `042${communeCode}0902`];
  const lists = [
    { categoryCode: 'r42-poor-member', decisionNumber: `NQ42-${communeCode}-1/QĐ-UBND`, rows: [0, 1] },
    { categoryCode: 'r42-lost-job', decisionNumber: `NQ42-${communeCode}-2/QĐ-UBND`, rows: [0] },
  ];
  const client = new pg.Client({ connectionString: stack.database.url });
  await client.connect();
  try {
    await client.query('begin');
    const settings = [SCOPE_SETTING, ACTOR_SETTINGS.id, ACTOR_SETTINGS.name, ACTOR_SETTINGS.unit];
    const { rows } = await client.query<{ path: string }>(
      `select p.path::text as path from registry.v_units c join registry.v_units p on p.path = subpath(c.path, 0, 1)
        where c.code = $1 and c.level = 'commune' and c.valid_to is null`,
      [communeCode],
    );
    const values = [rows[0]!.path, 'demo', 'demo', rows[0]!.path.split('_')[0]!];
    await client.query(
      `select ${settings.map((_, i) => `set_config($${2 * i + 1}, $${2 * i + 2}, true)`).join(', ')}`,
      settings.flatMap((name, i) => [name, values[i]!]),
    );
    for (const list of lists) {
      const body = list.rows
        .map((row) => `${names[row]};0${row + 3}/04/1960;${citizenIds[row]};3`)
        .join('\n');
      await importR42ListInTransaction(client, {
        file: Readable.from([`Họ và tên;Ngày sinh;Số CCCD/Số định danh;Số tháng\n${body}\n`]),
        fileName: `nq42-${communeCode}-${list.categoryCode}.csv`,
        fileId: null,
        categoryCode: list.categoryCode,
        unitCode: communeCode,
        decisionNumber: list.decisionNumber,
        decisionDate: '2020-05-06',
        importedBy: { id: 'demo', name: 'demo' },
      });
    }
    await client.query('commit');
  } catch (error) {
    await client.query('rollback').catch(() => undefined);
    throw error;
  } finally {
    await client.end();
  }
  return [...names, ...citizenIds];
}

const IMPORT_JOB = `mutation ($file: Upload!, $unitCode: ID) {
  importPersons(file: $file, unitCode: $unitCode) { id state error ownerName personImport { fileName rows rejected } }
}`;

/** A one-row import whose row is refused (born in 2090): a real job, done, that writes nothing to the register. */
async function importJob(account: Account, communeCode: string): Promise<OwnJob> {
  const fileName = `viec-rieng-${account.name}.csv`;
  const form = new FormData();
  form.append(
    'operations',
    JSON.stringify({ query: IMPORT_JOB, variables: { file: null, unitCode: communeCode } }),
  );
  form.append('map', JSON.stringify({ 0: ['variables.file'] }));
  form.append(
    '0',
    new Blob(['Họ và tên;Ngày sinh;Giới tính\r\nVi Văn Tương Lai;01/01/2090;Nam\r\n']),
    fileName,
  );
  const response = await fetch(stack.gateway.url, {
    method: 'POST',
    body: form,
    headers: { authorization: `Bearer ${await account.token()}` },
  });
  const body = (await response.json()) as GraphQLAnswer;
  const job = body.data?.importPersons;
  if (body.errors || job?.state !== 'DONE' || job.personImport?.fileName !== fileName) {
    throw new Error(`import job of ${account.name}: ${JSON.stringify(body)}`);
  }
  return { id: job.id, fileName };
}

/**
 * A job of every account. Those that may import start one through `importPersons`; the others
 * (no person:write) get theirs written as the jobs module writes a finished one, with the result of a
 * real import: owner = their token's subject, unit = their unit's path, so row-level security and
 * the owner check treat it like any job of theirs.
 */
async function makeJobs(): Promise<void> {
  const writers = ACCOUNTS.filter((account) => rolesAllow(account.roles, 'person:write'));
  for (const account of writers) {
    const home = fixtures.find((fixture) => covers(account.unitCode, fixture.communeCode))!;
    jobOf.set(account.name, await importJob(account, home.communeCode));
  }
  const model = ownJob(writers[0]!.name);
  // An account without job:read (the ministry, which has no unit) has no job of its own.
  for (const account of ACCOUNTS.filter(
    (candidate) => !writers.includes(candidate) && rolesAllow(candidate.roles, 'job:read'),
  )) {
    const token = await account.token();
    const claims = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')) as {
      sub: string;
      preferred_username?: string;
    };
    const fileName = `viec-rieng-${account.name}.csv`;
    const [job] = await sqlRows(
      stack.database.url,
      `insert into jobs.jobs (id, kind, service, owner_subject, owner_name, unit_code, unit_path, state,
                              result, attempts, started_at, finished_at)
       select gen_random_uuid(), kind, service, $2, $3, $4::text,
              -- the unit in force today, else (a former district) its last version
              (select path from registry.administrative_units where code = $4::text order by valid_to desc nulls first limit 1), 'done',
              (result - 'reportFileId') || jsonb_build_object('fileName', $5::text), 1, now(), now()
         from jobs.jobs where id = $1
       returning id`,
      [model.id, claims.sub, claims.preferred_username ?? claims.sub, account.unitCode, fileName],
    );
    jobOf.set(account.name, { id: job!.id, fileName });
  }
  // Nothing of a commune officer's job may reach an account outside the commune.
  for (const fixture of fixtures) {
    const job = ownJob(officerOf(fixture.communeCode));
    fixture.secrets.push(job.id, job.fileName);
  }
}

/** Tokens and fixtures of one account: a fixture inside its units and one outside, when the demo data has one. */
function casesOf(account: Account): { scope: 'inside' | 'outside'; fixture: Target }[] {
  const inside = fixtures.find((fixture) => covers(account.unitCode, fixture.communeCode));
  const outside = fixtures.find(
    (fixture) =>
      !covers(account.unitCode, fixture.communeCode) && !sharesPast(account.unitCode, fixture.communeCode),
  );
  return [
    ...(inside ? [{ scope: 'inside' as const, fixture: { ...inside, jobId: ownJob(account.name).id } }] : []),
    ...(outside
      ? [
          {
            scope: 'outside' as const,
            fixture: { ...outside, jobId: ownJob(officerOf(outside.communeCode)).id },
          },
        ]
      : []),
  ];
}

const literal = (value: string | number, argument: GraphQLArgument) =>
  isEnumType(getNamedType(argument.type)) || typeof value === 'number'
    ? String(value)
    : JSON.stringify(value);

/**
 * Arguments of a root field aimed at a fixture: ids and unit codes point at its records (set even
 * when optional: that is where scope is decided), pages are small. An argument the suite cannot
 * fill fails the run, so a new query cannot escape it.
 */
function argumentsFor(
  field: GraphQLField<unknown, unknown>,
  fixture: Target,
): { text: string; targeted: boolean } {
  const returned = getNamedType(field.type).name;
  const values: string[] = [];
  let targeted = false;
  const idOf: Record<string, string> = {
    Household: fixture.householdId,
    Job: fixture.jobId,
    Person: fixture.personId,
    Entitlement: fixture.entitlementId,
    Decision: fixture.decisionId,
    Application: fixture.applicationId,
    PaymentList: fixture.paymentListId,
    PaymentLine: fixture.paymentLineId,
  };
  for (const argument of field.args) {
    const required = isNonNullType(argument.type) && argument.defaultValue === undefined;
    const type = getNamedType(argument.type);
    let value: string | number | undefined;
    if (argument.name === 'id') {
      value = idOf[returned];
      if (value === undefined)
        throw new Error(
          `which fixture record is the ${returned} of Query.${field.name}(id)? teach argumentsFor`,
        );
    } else if (argument.name === 'personId') value = fixture.personId;
    else if (argument.name === 'entitlementId') value = fixture.entitlementId;
    else if (argument.name === 'decisionId') value = fixture.decisionId;
    else if (argument.name === 'applicationId') value = fixture.applicationId;
    else if (argument.name === 'listId') value = fixture.paymentListId;
    else if (argument.name === 'lineId') value = fixture.paymentLineId;
    else if (argument.name === 'categoryId') value = fixture.categoryId;
    else if (argument.name === 'unitCode' || argument.name === 'code') value = fixture.communeCode;
    else if (argument.name === 'month' || argument.name === 'activeInMonth') value = currentMonth;
    else if (argument.name === 'fromMonth' || argument.name === 'toMonth') value = currentMonth;
    else if (argument.name === 'fromDate' || argument.name === 'toDate') value = todayInVietnam();
    // Public figures of the demo's province (public: no scope to aim at).
    else if (argument.name === 'provinceCode') value = '42';
    // The citizen's check: a number nobody has (the same answer as a wrong date of birth).
    else if (argument.name === 'citizenId') value = '042099000001';
    else if (argument.name === 'birthDate') value = '1950-01-01';
    else if (argument.name === 'input' && field.name === 'stats') {
      values.push(
        `input: { groupBy: [UNIT], filter: { unitCode: ${JSON.stringify(fixture.communeCode)}, fromMonth: ${JSON.stringify(currentMonth)} }, measures: [BENEFICIARIES, PAID] }`,
      );
      targeted = true;
      continue;
    } else if (argument.name === 'first') value = 2;
    else if (argument.name === 'filter' && isInputObjectType(type) && type.getFields().unitCode) {
      // A filter with a unit aims at the fixture's commune (work queues, Resolution 42 rows).
      const missing = Object.values(type.getFields()).filter(
        (inner) => isNonNullType(inner.type) && inner.defaultValue === undefined,
      );
      if (missing.length)
        throw new Error(
          `Query.${field.name}(filter) requires ${missing.map((m) => m.name)}: teach argumentsFor`,
        );
      values.push(`filter: { unitCode: ${JSON.stringify(fixture.communeCode)} }`);
      targeted = true;
      continue;
    }
    if (value === undefined && required) {
      throw new Error(
        `no value for the required argument ${argument.name} of Query.${field.name}: teach argumentsFor`,
      );
    }
    if (value === undefined) continue;
    if (
      [
        'id',
        'personId',
        'entitlementId',
        'decisionId',
        'applicationId',
        'listId',
        'lineId',
        'unitCode',
        'code',
      ].includes(argument.name)
    )
      targeted = true;
    values.push(`${argument.name}: ${literal(value, argument)}`);
  }
  return { text: values.length ? `(${values.join(', ')})` : '', targeted };
}

/** One operation per value of each optional enum argument of the root field (e.g. every duplicate status). */
function enumVariants(field: GraphQLField<unknown, unknown>): string[] {
  const enumArgument = field.args.find((argument) => isEnumType(getNamedType(argument.type)));
  const type = enumArgument && getNamedType(enumArgument.type);
  if (!enumArgument || !isEnumType(type)) return [''];
  return type.getValues().map((value) => `${enumArgument.name}: ${value.name}`);
}

function rootOperations(
  fixture: Target,
): { name: string; queries: string[]; targeted: boolean; isPublic: boolean }[] {
  const query = supergraph.getQueryType()!;
  return Object.values(query.getFields()).flatMap((field) => {
    const { text, targeted } = argumentsFor(field, fixture);
    const named = getNamedType(field.type);
    // Deepest first; shallower ones when the gateway finds the deep one too costly for its limits
    // (down to the leaves alone: a list without pages of records with lists, as `entitlements`).
    const selections = [3, 2, 1, 0].map((depth) =>
      isObjectType(named) ? `{ ${selectionOf(named, { depth, optionalArgument: pageSize })} }` : '',
    );
    return enumVariants(field).map((variant) => {
      const args = [text.slice(1, -1), variant].filter(Boolean).join(', ');
      return {
        name: `Query.${field.name}${variant ? `(${variant})` : ''}`,
        queries: selections.map((selection) => `{ ${field.name}${args ? `(${args})` : ''} ${selection} }`),
        targeted,
        isPublic: publicCoordinates.fields.has(`Query.${field.name}`),
      };
    });
  });
}

const pageSize = (coordinate: string, argument: GraphQLArgument) =>
  argument.name === 'first' && coordinate ? '2' : undefined;

type Answer = GraphQLAnswer;

/** Whether one account may read a sensitive field: any of its roles has ✓ in the documented matrix. */
const matrix = new Map(readFieldMatrix().map((row) => [row.coordinate, row.roles]));
/** Sensitive fields without a row in the matrix: the coverage test fails on them. */
const unmatched = new Set<string>();
function grants(account: Account, coordinate: string): boolean {
  const roles = matrix.get(coordinate);
  if (!roles) {
    // Checked against the action's roles in permissions.ts meanwhile, so the run still shows every hole.
    unmatched.add(coordinate);
    return rolesAllow(account.roles, sensitive.get(coordinate)!);
  }
  return account.roles.some((role) => roles.get(role) === true);
}

/**
 * A GraphQL request through the gateway; when the gateway's rate limit answers 429 (this suite asks
 * a lot, on purpose), waits as told (at most 10 s) and asks again, up to three times.
 */
async function ask(
  query: string,
  options: { token: string; variables?: Record<string, unknown>; subgraph?: string },
): Promise<GraphQLAnswer> {
  for (let attempt = 1; ; attempt += 1) {
    // An internal field goes straight to its subgraph, as the subgraph that calls it sends it.
    const response = await fetch(
      options.subgraph ? stack.subgraphs[options.subgraph]!.url : stack.gateway.url,
      {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${options.token}`,
          ...(options.subgraph ? gatewayCredentialHeaders() : {}),
        },
        body: JSON.stringify({ query, variables: options.variables ?? {} }),
      },
    );
    if (response.status !== 429 || attempt > 3) {
      return { status: response.status, ...((await response.json()) as Omit<GraphQLAnswer, 'status'>) };
    }
    await response.body?.cancel();
    const wait = Math.min(Number(response.headers.get('retry-after')) || 1, 10);
    await new Promise((resolve) => setTimeout(resolve, wait * 1000));
  }
}

const samePath = (a: readonly (string | number)[] | undefined, b: readonly (string | number)[]) =>
  a !== undefined && a.length === b.length && a.every((part, index) => part === b[index]);

const coverage = new Map<string, { read: Set<string>; refused: Set<string> }>(
  [...sensitive.keys()].map((coordinate) => [coordinate, { read: new Set(), refused: new Set() }]),
);

/**
 * The citizen's payment check is asked with a number nobody has: its answer is NOT_FOUND for every account
 * (the same as a wrong date of birth), and past a few calls from this one address RATE_LIMITED. Its real
 * answers are tested in services/reporting/test/public-figures.integration.test.ts.
 */
function expectedPublicRefusal(error: NonNullable<Answer['errors']>[number]): boolean {
  return (
    samePath(error.path, ['citizenPaymentStatus']) &&
    ['NOT_FOUND', 'RATE_LIMITED'].includes(String(error.extensions?.code))
  );
}

/**
 * Root fields refused whole (FORBIDDEN at the root) to an account without one of their actions: the
 * two-way sync's, which are the provincial systems', the province's admin's and the ministry's work.
 */
const ROOT_ACTIONS: Readonly<Record<string, readonly Action[]>> = Object.freeze(
  Object.assign(Object.create(null) as Record<string, readonly Action[]>, {
    changes: ['sync:read'],
    webhooks: ['sync:read'],
    webhookDeliveries: ['sync:read'],
    connectionStatus: ['sync:read', 'national-sync:read'],
    connectionStatuses: ['national-sync:read'],
  }),
);

/** Whether `error` is the refusal of a root field whose actions the account holds none of. */
function rootRefusal(account: Account, error: NonNullable<Answer['errors']>[number]): boolean {
  const actions = error.path?.length === 1 ? ROOT_ACTIONS[String(error.path[0])] : undefined;
  return (
    error.extensions?.code === 'FORBIDDEN' &&
    actions !== undefined &&
    !actions.some((action) => rolesAllow(account.roles, action))
  );
}

/** Checks one answer on records inside the account's units against the matrix; returns what is unexplained. */
function checkInside(account: Account, answer: Answer, occurrences: Occurrence[]): string[] {
  const problems: string[] = [];
  const errors = answer.errors ?? [];
  const explained = new Set<unknown>();
  for (const occurrence of occurrences) {
    const error = errors.find((candidate) => samePath(candidate.path, occurrence.path));
    const where = `${occurrence.coordinate} at ${occurrence.path.join('.')}`;
    if (grants(account, occurrence.coordinate)) {
      if (error) problems.push(`${where}: refused (${error.extensions?.code}) though the matrix grants it`);
      else if (occurrence.value !== null) coverage.get(occurrence.coordinate)!.read.add(account.name);
    } else {
      if (occurrence.value !== null) problems.push(`${where}: readable though the matrix refuses it`);
      if (error?.extensions?.code !== 'FORBIDDEN') problems.push(`${where}: null without a FORBIDDEN error`);
      else coverage.get(occurrence.coordinate)!.refused.add(account.name);
    }
    if (error) explained.add(error);
  }
  for (const error of errors) {
    if (explained.has(error)) continue;
    // A whole type refused by its read action (the one-stop system has no payment:read or report:read).
    const typeRefusal = error.extensions?.code === 'FORBIDDEN' && !rolesAllow(account.roles, 'payment:read');
    if (!typeRefusal && !expectedPublicRefusal(error) && !rootRefusal(account, error))
      problems.push(
        `unexpected error ${error.extensions?.code} at ${error.path?.join('.')}: ${error.message}`,
      );
  }
  return problems;
}

/** Ids and names of the confidential categories (5.3, 5.8, HIV), and their codes: read when the stack starts. */
const confidential = { values: [] as string[], codes: new Set<string>() };
/** A confidential code in a message, as a whole number (`5.8`, not `15.8` or `5.8.1`). */
const codeIn = (text: string) =>
  [...confidential.codes].some((code) =>
    new RegExp(`(^|[^0-9.])${code.replaceAll('.', '\\.')}([^0-9.]|$)`).test(text),
  );
/** Where a category appears as data of the programmes, not of a person. */
const CATEGORY_LISTS = new Set(['Program.categories', 'Category.allowedWith']);

/**
 * A person's confidential category shown to an account without entitlement:read-confidential
 * (issue 11: "never sees a confidential category, through any query, view or `_entities`"): any leaf
 * of the answer (JSON values such as a history's before/after included) holding a confidential
 * category's id or name, or equal to its code, outside the lists of categories; and any error message
 * naming one (a CONFLICT of the one-person-one-policy rule).
 */
function confidentialLeaks(
  account: Account,
  answer: Answer,
  data: unknown,
  type: GraphQLNamedType,
  path: (string | number)[],
): string[] {
  if (rolesAllow(account.roles, 'entitlement:read-confidential')) return [];
  const problems: string[] = [];
  const names = (text: string) => confidential.values.some((value) => text.includes(value));
  const walk = (value: unknown, at: GraphQLNamedType, where: (string | number)[]): void => {
    if (value === null || value === undefined) return;
    if (Array.isArray(value)) {
      value.forEach((item, index) => walk(item, at, [...where, index]));
      return;
    }
    if (isObjectType(at) && typeof value === 'object') {
      for (const [key, inner] of Object.entries(value as Record<string, unknown>)) {
        const field = at.getFields()[key];
        if (!field || CATEGORY_LISTS.has(`${at.name}.${key}`)) continue;
        walk(inner, getNamedType(field.type), [...where, key]);
      }
      return;
    }
    const text = typeof value === 'string' ? value : JSON.stringify(value);
    if (names(text) || confidential.codes.has(text))
      problems.push(
        `shows the confidential category ${JSON.stringify(text).slice(0, 120)} at ${where.join('.')}`,
      );
  };
  walk(data, type, path);
  for (const error of answer.errors ?? []) {
    if (names(error.message) || codeIn(error.message))
      problems.push(`error at ${error.path?.join('.')} names a confidential category: ${error.message}`);
  }
  return problems;
}

/** Checks one answer on records outside the account's units: refused, and not one of their values shown. */
function checkOutside(
  fixture: Fixture,
  answer: Answer,
  mustRefuse: boolean,
  rootPath: (string | number)[],
): string[] {
  const problems: string[] = [];
  const text = JSON.stringify(answer);
  for (const secret of fixture.secrets)
    if (text.includes(secret)) problems.push(`shows "${secret}" of commune ${fixture.communeCode}`);
  if (mustRefuse) {
    const refusal = (answer.errors ?? []).find(
      (error) =>
        samePath(error.path, rootPath) && ['FORBIDDEN', 'NOT_FOUND'].includes(String(error.extensions?.code)),
    );
    if (!refusal) problems.push(`not refused: ${JSON.stringify(answer).slice(0, 300)}`);
  }
  return problems;
}

beforeAll(async () => {
  stack = await startStack();
  for (const category of await sqlRows(
    stack.database.url,
    `select id, code, name from approvals.categories where confidential`,
  )) {
    confidential.values.push(category.id, category.name);
    confidential.codes.add(category.code);
  }
  if (!confidential.codes.has('5.8')) throw new Error('no confidential category 5.8 in approvals.categories');
  // One fixture per demo commune, so that every account has records inside its units and outside them.
  for (const communeCode of FIXTURE_COMMUNES) fixtures.push(await makeFixture(communeCode, 0));
  await makeJobs();
}, 120_000);

afterAll(async () => {
  await stack?.stop();
});

describe('every query through the gateway × every demo account × inside and outside its units', () => {
  it.each(ACCOUNTS.map((account) => [account.name, account] as const))('%s', async (_name, account) => {
    const token = await account.token();
    const problems: string[] = [];
    for (const { scope, fixture } of casesOf(account)) {
      for (const operation of rootOperations(fixture)) {
        let answer = await ask(operation.queries[0]!, { token });
        for (const shallower of operation.queries.slice(1)) {
          if (answer.errors?.[0]?.extensions?.code !== 'QUERY_TOO_COMPLEX') break;
          answer = await ask(shallower, { token });
        }
        const label = `${scope} ${fixture.communeCode} ${operation.name}`;
        if (answer.status !== 200) {
          problems.push(`${label}: HTTP ${answer.status} ${JSON.stringify(answer.errors)}`);
          continue;
        }
        const rootName = operation.name.split(/[.(]/)[1]!;
        const rootType = getNamedType(supergraph.getQueryType()!.getFields()[rootName]!.type);
        if (scope === 'inside') {
          const found = sensitiveOccurrences(answer.data?.[rootName], rootType, [rootName], sensitive);
          problems.push(...checkInside(account, answer, found).map((problem) => `${label}: ${problem}`));
          // The public list of categories says what exists, not who is in it.
          if (rootName !== 'programs')
            problems.push(
              ...confidentialLeaks(account, answer, answer.data?.[rootName], rootType, [rootName]).map(
                (problem) => `${label}: ${problem}`,
              ),
            );
        } else {
          problems.push(
            ...checkOutside(fixture, answer, operation.targeted && !operation.isPublic, [rootName]).map(
              (problem) => `${label}: ${problem}`,
            ),
          );
        }
      }
    }
    expect(problems).toEqual([]);
  });
});

describe('persons page cursors', () => {
  it('hold only a person id, no name, and still lead to the next page', async () => {
    const token = await tokenFor('xa.18073');
    const query = `query ($after: String) { persons(first: 2, after: $after) { edges { node { id } } pageInfo { endCursor } } }`;
    const first = await ask(query, { token });
    const cursor = first.data!.persons.pageInfo.endCursor as string;
    expect(Buffer.from(cursor, 'base64url').toString('utf8')).toBe(first.data!.persons.edges[1].node.id);
    const next = await ask(query, { token, variables: { after: cursor } });
    expect(next.errors).toBeUndefined();
    const ids = (answer: typeof first) => answer.data!.persons.edges.map((edge: any) => edge.node.id);
    expect(ids(next)).toHaveLength(2);
    expect(ids(next).filter((id: string) => ids(first).includes(id))).toEqual([]);
    const outsider = await ask(query, {
      token: await tokenFor('xa.18229'),
      variables: { after: cursor },
    });
    expect(outsider.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
  });
});

describe('every entity key, straight to its subgraph (_entities) × every demo account × inside and outside', () => {
  const keys = entityKeys();

  it('knows the entities of the graph', () => {
    expect(keys.map((key) => `${key.subgraph}:${key.typeName}`).sort()).toEqual(
      expect.arrayContaining([
        'approvals:Person',
        'payments:Person',
        'registry:Person',
        'registry:AdministrativeUnit',
      ]),
    );
  });

  function representation(typeName: string, keyFields: string[], fixture: Target): Record<string, string> {
    const values: Record<string, string> = { __typename: typeName };
    for (const keyField of keyFields) {
      if (typeName === 'Person' && keyField === 'id') values.id = fixture.personId;
      else if (typeName === 'Job' && keyField === 'id') values.id = fixture.jobId;
      else if (typeName === 'AdministrativeUnit' && keyField === 'id') values.id = fixture.unitId;
      else if (typeName === 'Entitlement' && keyField === 'id') values.id = fixture.entitlementId;
      else if (typeName === 'Decision' && keyField === 'id') values.id = fixture.decisionId;
      else if (typeName === 'Application' && keyField === 'id') values.id = fixture.applicationId;
      else if (typeName === 'PaymentList' && keyField === 'id') values.id = fixture.paymentListId;
      else if (typeName === 'PaymentLine' && keyField === 'id') values.id = fixture.paymentLineId;
      else throw new Error(`no fixture value for the key ${typeName}.${keyField}: teach representation()`);
    }
    return values;
  }

  it.each(ACCOUNTS.map((account) => [account.name, account] as const))('%s', async (_name, account) => {
    const token = await account.token();
    const problems: string[] = [];
    for (const { scope, fixture } of casesOf(account)) {
      for (const key of keys) {
        const type = supergraph.getType(key.typeName) as GraphQLObjectType;
        const selection = selectionOf(type, { depth: 3, subgraph: key.subgraph, optionalArgument: pageSize });
        const response = await fetch(stack.subgraphs[key.subgraph]!.url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            authorization: `Bearer ${token}`,
            ...gatewayCredentialHeaders(),
          },
          body: JSON.stringify({
            query: `query ($representations: [_Any!]!) { _entities(representations: $representations) { ... on ${key.typeName} { ${selection} } } }`,
            variables: { representations: [representation(key.typeName, key.keyFields, fixture)] },
          }),
        });
        const answer = { status: response.status, ...((await response.json()) as Omit<Answer, 'status'>) };
        const label = `${scope} ${fixture.communeCode} ${key.subgraph}:${key.typeName}`;
        if (answer.status !== 200) {
          problems.push(`${label}: HTTP ${answer.status} ${JSON.stringify(answer.errors)}`);
          continue;
        }
        if (scope === 'inside') {
          const found = sensitiveOccurrences(answer.data?._entities, type, ['_entities'], sensitive);
          problems.push(...checkInside(account, answer, found).map((problem) => `${label}: ${problem}`));
          problems.push(
            ...confidentialLeaks(account, answer, answer.data?._entities, type, ['_entities']).map(
              (problem) => `${label}: ${problem}`,
            ),
          );
        } else {
          const entity = (answer.data?._entities as Record<string, unknown>[] | undefined)?.[0];
          // Refused (null and an error), or resolved to nothing of the other unit (rows behind row-level security).
          const empty =
            entity === undefined ||
            entity === null ||
            Object.entries(entity).every(
              ([field, value]) =>
                key.keyFields.includes(field) ||
                value === null ||
                (Array.isArray(value) && value.length === 0),
            );
          const isPublic = publicCoordinates.types.has(key.typeName);
          problems.push(...checkOutside(fixture, answer, false, []).map((problem) => `${label}: ${problem}`));
          if (!isPublic && !empty)
            problems.push(`${label}: resolved another unit's record ${JSON.stringify(entity)}`);
        }
      }
    }
    expect(problems).toEqual([]);
  });
});

describe("background jobs are their owner's alone, even inside the same units", () => {
  const JOB = `query ($id: ID!) { job(id: $id) { id ownerName unitCode personImport { fileName } } }`;
  const CANCEL = `mutation ($id: ID!) { cancelJob(id: $id) { id state ownerName } }`;

  it.each(
    ACCOUNTS.filter((account) => !rolesAllow(account.roles, 'job:read')).map(
      (account) => [account.name, account] as const,
    ),
  )('%s, without job:read, has no job and is refused every job', async (_name, account) => {
    const token = await account.token();
    const problems: string[] = [];
    const listed = await ask(`{ jobs(first: 100) { id } }`, { token });
    if (listed.data?.jobs != null || listed.errors?.[0]?.extensions?.code !== 'FORBIDDEN')
      problems.push(`jobs answered ${JSON.stringify(listed).slice(0, 300)}`);
    for (const [owner, other] of jobOf) {
      for (const [root, query] of [
        ['job', JOB],
        ['cancelJob', CANCEL],
      ] as const) {
        const answer = await ask(query, { token, variables: { id: other.id } });
        const code = answer.errors?.find((error) => samePath(error.path, [root]))?.extensions?.code;
        if (answer.data?.[root] != null || !['FORBIDDEN', 'NOT_FOUND'].includes(String(code)))
          problems.push(`${owner}'s job: ${root} answered ${JSON.stringify(answer).slice(0, 300)}`);
        if (JSON.stringify(answer).includes(other.fileName))
          problems.push(`${owner}'s job: ${root} shows its file`);
      }
    }
    expect(problems).toEqual([]);
  });

  it.each(
    ACCOUNTS.filter((account) => rolesAllow(account.roles, 'job:read')).map(
      (account) => [account.name, account] as const,
    ),
  )('%s', async (_name, account) => {
    const token = await account.token();
    const own = ownJob(account.name);
    const problems: string[] = [];
    const mine = await ask(JOB, { token, variables: { id: own.id } });
    expect(mine.errors).toBeUndefined();
    expect(mine.data!.job).toMatchObject({
      id: own.id,
      unitCode: expect.any(String),
      personImport: { fileName: own.fileName },
    });
    expect(mine.data!.job.ownerName).toEqual(expect.stringMatching(/\S/));
    const listed = await ask(`{ jobs(first: 100) { id } }`, { token });
    expect(listed.errors).toBeUndefined();
    expect(listed.data!.jobs.map((job: { id: string }) => job.id)).toEqual([own.id]);
    for (const [owner, other] of jobOf) {
      if (owner === account.name) continue;
      const label = `${owner}'s job`;
      for (const [root, query] of [
        ['job', JOB],
        ['cancelJob', CANCEL],
      ] as const) {
        const answer = await ask(query, { token, variables: { id: other.id } });
        const code = answer.errors?.find((error) => samePath(error.path, [root]))?.extensions?.code;
        if (answer.data?.[root] != null || code !== 'NOT_FOUND')
          problems.push(`${label}: ${root} answered ${JSON.stringify(answer).slice(0, 300)}`);
        if (JSON.stringify(answer).includes(other.fileName))
          problems.push(`${label}: ${root} shows its file`);
      }
      const response = await fetch(stack.subgraphs.registry!.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${token}`,
          ...gatewayCredentialHeaders(),
        },
        body: JSON.stringify({
          query: `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Job { id ownerName } } }`,
          variables: { r: [{ __typename: 'Job', id: other.id }] },
        }),
      });
      const entities = (await response.json()) as Omit<Answer, 'status'>;
      if (response.status !== 200 || entities.data?._entities?.[0] !== null)
        problems.push(`${label}: _entities answered ${JSON.stringify(entities).slice(0, 300)}`);
    }
    expect(problems).toEqual([]);
  });
});

const NO_SUCH_WEBHOOK = '00000000-0000-4000-8000-00000000a11e';

/** The id a mutation acts on, by what its name says it changes. */
function targetIdOf(mutation: string, fixture: Target): string {
  if (/Application/.test(mutation)) return fixture.applicationId;
  if (/PaymentList/.test(mutation)) return fixture.paymentListId;
  if (/Entitlement/.test(mutation)) return fixture.entitlementId;
  if (/Decision/.test(mutation)) return fixture.decisionId;
  if (/Job/.test(mutation)) return fixture.jobId;
  // Webhooks: one nobody registered (the sync's own tests register and remove real ones).
  if (/Webhook/.test(mutation)) return NO_SUCH_WEBHOOK;
  if (/Household/.test(mutation)) return fixture.householdId;
  if (/PaymentAccount/.test(mutation)) return fixture.accountId;
  if (/Duplicate/.test(mutation)) return fixture.warningId;
  if (/Person/.test(mutation)) return fixture.personId;
  throw new Error(`which record does Mutation.${mutation} act on? teach targetIdOf`);
}

/** A plausible value of an input field: well-formed, so that only scope can refuse it. */
function inputValue(name: string, type: GraphQLInputType, fixture: Fixture): unknown {
  const nullable = getNullableType(type);
  if (isListType(nullable)) return [inputValue(name, nullable.ofType as GraphQLInputType, fixture)];
  const named = getNamedType(type);
  if (isInputObjectType(named)) {
    return Object.fromEntries(
      Object.values(named.getFields())
        // A decision's reason too: a suspension or a stop needs one, so that only scope refuses it.
        .filter(
          (field) =>
            isNonNullType(field.type) ||
            field.name === 'residenceUnitCode' ||
            (field.name === 'reason' && /Decision/.test(named.name)),
        )
        .map((field) => [field.name, inputValue(field.name, field.type, fixture)]),
    );
  }
  if (isEnumType(named)) return named.getValues()[0]!.name;
  if (name === 'residenceUnitCode' || name === 'unitCode' || name === 'communeCode')
    return fixture.communeCode;
  // Two-way sync: a dossier of the demo's provincial system, and its webhooks and province.
  if (name === 'webhookId') return NO_SUCH_WEBHOOK;
  if (name === 'provinceCode') return DEMO_PROVINCE.code;
  // An export: the monthly payment summary of the fixture's commune.
  if (name === 'report') return 'payment-summary';
  // Approvals: the fixture's entitlement, its category and its dossier at the step it is at.
  if (name === 'entitlementId') return fixture.entitlementId;
  if (name === 'applicationId') return fixture.applicationId;
  if (name === 'categoryId') return fixture.categoryId;
  if (name === 'expectedStep') return fixture.applicationStep;
  // A decision: dated a few days ago (not in the future), effective this month.
  if (name === 'decidedOn') return daysAgo(3);
  if (name === 'effectiveMonth') return currentMonth;
  if (name === 'filedOn') return todayInVietnam();
  // A province's own standard level: from a future month, above the national one.
  if (name === 'fromMonth') return monthsAhead(2);
  if (name === 'amount') return 900000;
  // An upload that does not exist: only scope may refuse before the file is looked up.
  if (name === 'fileId') return '00000000-0000-4000-8000-000000000042';
  // The reform review queue: the persons of the split 18082 Đại Nài, by village, assigned to the fixture's commune.
  if (name === 'fromUnitCode') return '18082';
  if (name === 'addressContains') return 'Thôn 1';
  if (name === 'personId') return fixture.personId;
  if (name === 'householdId') return fixture.householdId;
  // Payments: the fixture's list and its line (paid: a change of it is refused unless only scope refuses first).
  if (name === 'listId') return fixture.paymentListId;
  if (name === 'lineId') return fixture.paymentLineId;
  if (name === 'month') return currentMonth;
  const samples: Record<string, string> = {
    fullName: 'Nguyễn Thị Thử',
    birthDate: '1970-01-01',
    code: 'H5-NGOAI',
    providerCode: 'VBA',
    accountNumber: '9704999999999',
    note: 'thử quyền',
    date: '2026-01-01',
    // The reform the demo was carried across: a second run changes nothing.
    on: '2025-07-01',
    number: '999/QĐ-THU',
    signerName: 'Nguyễn Văn Ký',
    reason: 'thử quyền',
    name: 'Tờ khai đề nghị trợ cấp',
    legalBasis: 'Nghị quyết thử quyền của HĐND tỉnh',
    categoryCode: 'r42-poor-member',
    decisionNumber: '999/QĐ-THU',
    decisionDate: '2020-05-06',
    provider: 'VBA',
    idempotencyKey: 'thu-quyen-0001',
    source: 'ansinh-province-system',
    externalCode: 'THU-QUYEN-0001',
    // Born in 1970 (as birthDate), a man, registered in Hà Tĩnh (042).
    citizenId: '042070009999',
    url: 'https://mot-cua.example.vn/ansinh/webhooks',
  };
  if (named.name === 'Int') return 2020;
  if (named.name === 'VND') throw new Error(`no sample amount for the input ${name}: teach inputValue`);
  if (named.name === 'Boolean') return false;
  if (named.name === 'String' || named.name === 'ID') {
    if (samples[name]) return samples[name];
    throw new Error(`no sample value for the input ${name}: teach inputValue`);
  }
  throw new Error(`no sample value for ${named.name} (${name}): teach inputValue`);
}

/** Waits until no job is queued or running (at most 60 s). */
async function jobsSettled(): Promise<void> {
  for (let attempt = 0; attempt < 240; attempt += 1) {
    const [row] = await sqlRows(
      stack.database.url,
      `select count(*)::int as n from jobs.jobs where state in ('queued', 'running')`,
    );
    if (row!.n === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error('jobs still queued or running after 60 s');
}

/** A digest of every row of a table (any column changed, any row added or removed changes it). */
const tableDigest = (table: string) =>
  `(select md5(coalesce(string_agg(t::text, ',' order by t::text), '')) from ${table} t)`;

/** What the register and the approvals ledger hold, to see that a refused mutation wrote nothing. */
const registerDigest = async () =>
  JSON.stringify(
    await sqlRows(
      stack.database.url,
      `select (select count(*) from registry.change_history) as history,
              (select count(*) from registry.persons) as persons,
              (select count(*) from registry.households) as households,
              (select count(*) from registry.payment_accounts) as accounts,
              (select count(*) from registry.duplicate_warnings where status = 'open') as open_warnings,
              (select md5(coalesce(string_agg(j::text, ',' order by j.id), '')) from jobs.jobs j) as jobs,
              (select count(*) from approvals.change_history) as approvals_history,
              ${tableDigest('approvals.entitlements')} as entitlements,
              ${tableDigest('approvals.decisions')} as decisions,
              ${tableDigest('approvals.standard_levels')} as standard_levels,
              ${tableDigest('approvals.applications')} as applications,
              ${tableDigest('approvals.application_events')} as application_events,
              ${tableDigest('approvals.r42_lists')} as r42_lists,
              ${tableDigest('approvals.r42_list_rows')} as r42_rows,
              ${tableDigest('payments.payment_lists')} as payment_lists,
              ${tableDigest('payments.payment_lines')} as payment_lines,
              ${tableDigest('payments.list_adjustments')} as list_adjustments,
              ${tableDigest('payments.payment_updates')} as payment_updates,
              ${tableDigest('payments.reconciliations')} as reconciliations,
              ${tableDigest('approvals.intake_submissions')} as intake_submissions,
              ${tableDigest('approvals.webhooks')} as webhooks,
              ${tableDigest('approvals.sync_provinces')} as sync_provinces`,
    ),
  );

/** One generated call of a mutation aimed at a fixture's records, selecting its answer one level deep. */
function mutationCall(mutation: GraphQLField<unknown, unknown>, fixture: Target) {
  const variables: Record<string, unknown> = {};
  const declarations: string[] = [];
  for (const argument of mutation.args) {
    const value =
      argument.name === 'id' || argument.name === 'entitlementId'
        ? targetIdOf(mutation.name, fixture)
        : isNonNullType(argument.type) ||
            ['householdId', 'unitCode', 'personId', 'fromUnitCode', 'addressContains', 'listId'].includes(
              argument.name,
            )
          ? inputValue(argument.name, argument.type, fixture)
          : undefined;
    if (value === undefined) continue;
    variables[argument.name] = value;
    declarations.push(`$${argument.name}: ${String(argument.type)}`);
  }
  const named = getNamedType(mutation.type);
  const selection = isObjectType(named) ? `{ ${selectionOf(named, { depth: 1 })} }` : '';
  const call = declarations.length
    ? `${mutation.name}(${Object.keys(variables)
        .map((name) => `${name}: $${name}`)
        .join(', ')})`
    : mutation.name;
  const query = `mutation${declarations.length ? `(${declarations.join(', ')})` : ''} { ${call} ${selection} }`;
  return { query, variables, type: named };
}

const REFUSALS = ['FORBIDDEN', 'NOT_FOUND', 'BAD_USER_INPUT', 'CONFLICT'];

// Last of the live checks: the calls inside the units change the fixtures (a person may be deleted).
describe('every mutation × every demo account × outside and inside its units', () => {
  const mutations = Object.values(supergraph.getMutationType()!.getFields());
  // A file travels only in a multipart request; imports and their scope are tested in tests/e2e/person-import.e2e.test.ts.
  const byJson = mutations.filter(
    (mutation) => !mutation.args.some((argument) => getNamedType(argument.type).name === 'Upload'),
  );

  it('finds the mutations of the graph', () => {
    expect(byJson.map((mutation) => mutation.name)).toEqual(
      expect.arrayContaining(['updatePerson', 'addPaymentAccount', 'dismissDuplicate', 'cancelJob']),
    );
  });

  it.each(ACCOUNTS.map((account) => [account.name, account] as const))('%s', async (_name, account) => {
    const token = await account.token();
    const problems: string[] = [];
    const outside = casesOf(account).find((entry) => entry.scope === 'outside');
    if (outside) {
      const before = await registerDigest();
      for (const mutation of byJson) {
        const { query, variables } = mutationCall(mutation, outside.fixture);
        const answer = await ask(query, { token, variables, subgraph: internalSubgraphOf(mutation) });
        const label = `outside ${outside.fixture.communeCode} Mutation.${mutation.name}`;
        problems.push(
          ...checkOutside(outside.fixture, answer, true, [mutation.name]).map(
            (problem) => `${label}: ${problem}`,
          ),
        );
      }
      expect(await registerDigest()).toBe(before);
    } else {
      // The demo province holds every demo unit: nothing lies outside a provincial account.
      expect(account.unitCode).toBe(DEMO_PROVINCE.code);
    }
    const home = casesOf(account).find((entry) => entry.scope === 'inside');
    // Inside, on records of its own (a delete or merge must not take another account's records away).
    // Accounts that may change nothing are refused every mutation: they work on the commune's shared
    // fixture, so that the seeded persons (each writer takes one of its own) go round.
    const inside = home && {
      fixture: WRITERS.includes(account)
        ? {
            ...(await makeFixture(home.fixture.communeCode, 1 + WRITERS.indexOf(account))),
            jobId: home.fixture.jobId,
          }
        : home.fixture,
    };
    const answered: string[] = [];
    for (const mutation of inside ? byJson : []) {
      // Inside its units an account is refused (no role for the change, or the record is gone or
      // already decided), or the answer shows the sensitive fields exactly as the matrix says.
      const { query, variables, type } = mutationCall(mutation, inside!.fixture);
      const answer = await ask(query, { token, variables, subgraph: internalSubgraphOf(mutation) });
      const label = `inside ${inside!.fixture.communeCode} Mutation.${mutation.name}`;
      const refused = (answer.errors ?? []).find(
        (error) => samePath(error.path, [mutation.name]) && REFUSALS.includes(String(error.extensions?.code)),
      );
      if (answer.status !== 200)
        problems.push(`${label}: HTTP ${answer.status} ${JSON.stringify(answer.errors)}`);
      else if (!refused) {
        answered.push(mutation.name);
        const found = sensitiveOccurrences(answer.data?.[mutation.name], type, [mutation.name], sensitive);
        problems.push(...checkInside(account, answer, found).map((problem) => `${label}: ${problem}`));
      }
      if (answer.status === 200) {
        // Refused or not, neither the answer nor its error messages may name a person's confidential category.
        problems.push(
          ...confidentialLeaks(account, answer, answer.data?.[mutation.name], type, [mutation.name]).map(
            (problem) => `${label}: ${problem}`,
          ),
        );
      }
    }
    // A job an answered call started (the province's carryAcrossReform) ends before the next account
    // takes its digest of the register, jobs included.
    await jobsSettled();
    expect(problems).toEqual([]);
    // Not every call may be refused: an account that may write has its answers checked too.
    if (inside && rolesAllow(account.roles, 'person:write')) expect(answered.length).toBeGreaterThan(3);
    // Its own job every account may cancel (job:read, every role); inside, that call is answered.
    const ownWork = byJson
      // Calls on a job of one's own (by its id), not those that start one (the province's carryAcrossReform).
      .filter(
        (mutation) =>
          getNamedType(mutation.type).name === 'Job' &&
          mutation.args.some((argument) => argument.name === 'id'),
      )
      .map((m) => m.name);
    if (inside) expect(answered).toEqual(expect.arrayContaining(ownWork));
    // An account whose roles change nothing (analyst, auditor) is answered only on its own jobs, and on
    // the exports it starts (report:export: a file of what it reads, in its own unit's store).
    const exportsOfReaders = byJson
      .filter((mutation) => getNamedType(mutation.type).name === 'Job' && mutation.name.startsWith('export'))
      .map((m) => m.name);
    if (
      !(Object.keys(PERMISSIONS) as Action[]).some(
        (action) => isWriteAction(action) && rolesAllow(account.roles, action),
      )
    ) {
      expect(answered.filter((name) => !ownWork.includes(name) && !exportsOfReaders.includes(name))).toEqual(
        [],
      );
    }
  });
});

describe('coverage of the generated suite', () => {
  it('saw every sensitive field read by an account the matrix grants, and refused to every demo account it does not', () => {
    const gaps: string[] = [...unmatched].map(
      (coordinate) => `${coordinate} is @sensitive but has no row in docs/security/field-access.md`,
    );
    for (const [coordinate, seen] of coverage) {
      if (seen.read.size === 0) gaps.push(`${coordinate}: never read with a value (extend the fixture)`);
      const refusedTo = ACCOUNTS.filter(
        (account) => !grants(account, coordinate) && casesOf(account).some((c) => c.scope === 'inside'),
      );
      for (const account of refusedTo) {
        if (!seen.refused.has(account.name))
          gaps.push(`${coordinate}: never seen refused to ${account.name}`);
      }
    }
    expect(gaps).toEqual([]);
  });
});
