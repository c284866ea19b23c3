import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  AppError,
  scopeSessionContext,
  Session,
  startSubgraph,
  unitScopeOf,
  type RunningSubgraph,
} from '@ansinh/common';
import { gatewayCredentialHeaders } from '@ansinh/common/graphql';
import { createTestDatabase, type TestDatabase } from '@ansinh/common/testing';
import type { EntityManager } from '@mikro-orm/postgresql';
import { randomUUID } from 'node:crypto';
import { graphql, sqlRows, testEnv, tokenFor } from '@ansinh/tests/support';
import { grantEntitlement, type NewGrant } from '../src/decisions/decision.service.ts';
import { approvalsSubgraph } from '../src/index.ts';
import { seedEraFixture, type EraFixture } from './era-fixture.ts';

/**
 * The entitlement ledger on the era fixture (Hà Tĩnh across the 2025 reform), with real tokens for the
 * API and the service for grants (which the applications' deciding step calls): amounts derived month
 * by month, the one-person-one-policy rule, stops, relocation, death with funeral support, the month's
 * changes, confidentiality and scope.
 */
let database: TestDatabase;
let fixture: EraFixture;
let subgraph: RunningSubgraph;

const sql = <T = Record<string, unknown>>(text: string, params: unknown[] = []) =>
  sqlRows(database.url, text, params) as Promise<T[]>;

async function categoryId(code: string): Promise<string> {
  const [row] = await sql<{ id: string }>(
    `select id from approvals.categories where program_id = 'decree-20' and code = $1`,
    [code],
  );
  return row!.id;
}

/** A person living in a current commune (born on `birthDate`, or in `birthYear` alone). */
async function person(unit: keyof EraFixture['units'], birth: string | number, citizenId?: string) {
  const id = randomUUID();
  const birthYear = typeof birth === 'number' ? birth : Number(birth.slice(0, 4));
  await sql(
    `insert into registry.persons (id, full_name, name_folded, birth_year, birth_date, gender, citizen_id, residence_unit_id, address, status, created_at, updated_at)
     values ($1, $2, registry.fold_name($2), $3, $4, 'female', $5, $6, 'Thôn 2', 'living', now(), now())`,
    [
      id,
      `Lê Thị Sổ ${id.slice(0, 6)}`,
      birthYear,
      typeof birth === 'string' ? birth : null,
      citizenId ?? null,
      fixture.units[unit],
    ],
  );
  return id;
}

/** The service as the commune approver `username` of `unitCode` (what a deciding step runs as). */
async function asApprover(username: string, unitCode: string) {
  const em = subgraph.orm.em.fork() as EntityManager;
  const scope = await unitScopeOf(em, unitCode);
  const session = Session.of(
    {
      subject: `test-${username}`,
      username,
      unitCode,
      unitLevel: 'commune',
      roles: ['approver'],
      clientId: undefined,
    },
    scope!,
  );
  em.setSessionContext(
    scopeSessionContext(
      'approvals',
      scope!.path,
      { id: `test-${username}`, name: username, unitCode },
      { readConfidential: true },
    ),
  );
  return { em, session };
}

const decision = (overrides: Partial<NewGrant['decision']> = {}): NewGrant['decision'] => ({
  number: `${Math.floor(Math.random() * 900) + 100}/QĐ-UBND`,
  decidedOn: '2025-09-10',
  signerName: 'Trần Văn Chủ',
  effectiveMonth: '2025-09',
  ...overrides,
});

async function grant(
  personId: string,
  code: string,
  overrides: Partial<NewGrant> = {},
  unit = 'new18073' as const,
) {
  const { em, session } = await asApprover('xa.18073', '18073');
  return grantEntitlement(em, session, {
    personId,
    unitId: fixture.units[unit],
    categoryId: await categoryId(code),
    decision: decision(),
    ...overrides,
  });
}

async function refusal(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

async function as(username: string, query: string, variables: Record<string, unknown> = {}) {
  return graphql(subgraph.url, query, {
    token: await tokenFor(username),
    headers: gatewayCredentialHeaders(),
    variables,
  });
}

const AMOUNTS = `query ($representations: [_Any!]!, $months: [String!]!) {
  _entities(representations: $representations) { ... on Entitlement { id a: monthlyAmount(month: "2024-06") b: monthlyAmount(month: "2024-07") c: monthlyAmount(month: "2025-09") d: monthlyAmount(month: "2025-10") coefficient(month: "2025-10") } }
}`;

const countDecisions = async () =>
  Number((await sql<{ n: string }>('select count(*) as n from approvals.decisions'))[0]!.n);
const countEntitlements = async () =>
  Number((await sql<{ n: string }>('select count(*) as n from approvals.entitlements'))[0]!.n);

beforeAll(async () => {
  database = await createTestDatabase();
  fixture = await seedEraFixture(database.url);
  await sql('select approvals.carry_entitlements_across_reform()');
  subgraph = await startSubgraph(approvalsSubgraph, testEnv(database.url));
});

afterAll(async () => {
  await subgraph?.stop();
  await database?.drop();
});

describe('amounts derived from the ledger', () => {
  it('follows the standard level of each month (July 2024) and switches the age band in the birthday month', async () => {
    // Born in October 1945: 5.5.a pays 1.5 until September 2025 and 2.0 from October 2025, her 80th birthday month.
    const personId = await person('new18073', '1945-10-20');
    const id = randomUUID();
    await sql(
      `insert into approvals.entitlements (id, person_id, unit_id, category_id, policy_group, coefficient_hundredths, start_month, decision_number, decision_date, status, created_at)
       values ($1, $2, $3, $4, '5.5.a', null, '2024-01', '7/QĐ-UBND', '2024-01-05', 'active', now())`,
      [id, personId, fixture.units.new18073, await categoryId('5.5.a')],
    );
    const answer = await as('xa.18073', AMOUNTS.replace(', $months: [String!]!', ''), {
      representations: [{ __typename: 'Entitlement', id }],
    });
    expect(answer.errors).toBeUndefined();
    expect(answer.data!._entities).toEqual([
      { id, a: 540_000, b: 750_000, c: 750_000, d: 1_000_000, coefficient: 2 },
    ]);
    // The entitlement loaded straight into the table got its grant in the ledger at commit.
    const [grantRow] = await sql<{ kind: string; effective_month: string }>(
      'select kind, effective_month from approvals.decisions where entitlement_id = $1',
      [id],
    );
    expect(grantRow).toEqual({ kind: 'grant', effective_month: '2024-01' });
  });
});

describe('one person, one policy', () => {
  it('refuses a second entitlement of the group with a CONFLICT naming the other, and writes nothing', async () => {
    const personId = await person('new18073', 1950);
    const first = await grant(personId, '5.5.a');
    const [before, beforeEntitlements] = [await countDecisions(), await countEntitlements()];
    const error = await refusal(grant(personId, '5.6.b'));
    expect(error.code).toBe('CONFLICT');
    expect(error.message).toContain(first.entitlementId);
    expect(error.message).toContain('đơn vị 18073');
    expect(error.message).toMatch(/quyết định số \d+\/QĐ-UBND ngày 10\/09\/2025/);
    expect([await countDecisions(), await countEntitlements()]).toEqual([before, beforeEntitlements]);
  });

  it('lets an approver override with a written reason, recorded and reported in policyConflicts', async () => {
    const personId = await person('new18073', 1950);
    const first = await grant(personId, '5.5.a');
    const second = await grant(personId, '5.6.b', {
      overrideReason: 'Chờ xác minh lại mức khuyết tật; tạm giữ cả hai.',
    });
    const [recorded] = await sql<{ override_reason: string }>(
      'select override_reason from approvals.decisions where id = $1',
      [second.decisionId],
    );
    expect(recorded!.override_reason).toContain('xác minh');
    const answer = await as(
      'xa.18073',
      '{ policyConflicts { entitlement { id } otherEntitlementId otherUnitCode sameRecord overridden overrideReason proposedAction } }',
    );
    expect(answer.errors).toBeUndefined();
    const mine = answer.data!.policyConflicts.filter(
      (conflict: { entitlement: { id: string } }) =>
        conflict.entitlement.id === first.entitlementId || conflict.entitlement.id === second.entitlementId,
    );
    expect(mine).toHaveLength(2);
    expect(mine[0]).toMatchObject({ otherUnitCode: '18073', sameRecord: true, overridden: true });
    expect(mine[0].overrideReason).toContain('xác minh');
  });

  it('allows the pairs the rule allows: a single poor parent (5.4) who is also elderly (5.5.a)', async () => {
    const personId = await person('new18073', 1960);
    await grant(personId, '5.5.a');
    await expect(grant(personId, '5.4', { memberCount: 2 })).resolves.toHaveProperty('entitlementId');
  });

  it('finds the conflict across two records that a duplicate warning links as the same human, whoever pays them', async () => {
    const here = await person('new18073', 1948);
    const there = await person('new18229', 1948);
    await sql(
      `insert into registry.duplicate_warnings (id, person_id, matched_person_id, reason, unit_id, status, created_at)
       values ($1, $2, $3, 'name_and_birth', $4, 'open', now())`,
      [randomUUID(), here, there, fixture.units.new18073],
    );
    const { em, session } = await asApprover('xa.18229', '18229');
    const paidThere = await grantEntitlement(em, session, {
      personId: there,
      unitId: fixture.units.new18229,
      categoryId: await categoryId('5.5.a'),
      decision: decision(),
    });
    const error = await refusal(grant(here, '5.5.a'));
    expect(error.code).toBe('CONFLICT');
    expect(error.message).toContain(paidThere.entitlementId);
    expect(error.message).toContain('đơn vị 18229');
    expect(error.message).toContain('cảnh báo trùng');
  });
});

const STOP = `mutation ($id: ID!, $decision: DecisionInput!) { stopEntitlement(entitlementId: $id, decision: $decision) { id kind effectiveMonth entitlement { id status endMonth } } }`;

describe('decisions through the API', () => {
  it('stops from the month after, once: stopping again is refused and writes nothing', async () => {
    const personId = await person('new18073', 1950);
    const { entitlementId } = await grant(personId, '5.5.a');
    const input = {
      ...decision({ decidedOn: '2025-11-03', effectiveMonth: '2025-12' }),
      reason: 'Không còn đủ điều kiện',
    };
    const stopped = await as('xa.18073', STOP, { id: entitlementId, decision: input });
    expect(stopped.errors).toBeUndefined();
    expect(stopped.data!.stopEntitlement).toMatchObject({
      kind: 'STOP',
      effectiveMonth: '2025-12',
      entitlement: { id: entitlementId, status: 'STOPPED', endMonth: '2025-11' },
    });
    const before = await countDecisions();
    const again = await as('xa.18073', STOP, { id: entitlementId, decision: input });
    expect(again.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'entitlementId' });
    expect(again.errors?.[0]?.message).toContain('đã thôi hưởng');
    expect(await countDecisions()).toBe(before);

    const changes = await as(
      'xa.18073',
      '{ entitlementChanges(month: "2025-12") { direction amountBefore amountAfter entitlement { id } decision { kind reason } } }',
    );
    expect(changes.errors).toBeUndefined();
    expect(
      changes.data!.entitlementChanges.find(
        (change: { entitlement: { id: string } }) => change.entitlement.id === entitlementId,
      ),
    ).toEqual({
      direction: 'DECREASE',
      amountBefore: 750_000,
      amountAfter: null,
      entitlement: { id: entitlementId },
      decision: { kind: 'STOP', reason: 'Không còn đủ điều kiện' },
    });
  });

  it.each([
    ['a decision date in the future', { decidedOn: '2999-01-01' }, 'decision.decidedOn', 'tương lai'],
    [
      'a decision of the district era by a commune of today',
      { decidedOn: '2025-06-20', effectiveMonth: '2025-07' },
      'decision.decidedOn',
      '01/07/2025',
    ],
    ['no reason for a stop', { reason: null }, 'decision.reason', 'lý do'],
    [
      'a month before the start',
      { effectiveMonth: '2025-01', reason: 'x' },
      'decision.effectiveMonth',
      'trước tháng bắt đầu',
    ],
  ])(
    'refuses %s with a Vietnamese error on the field and writes nothing',
    async (_case, overrides, field, words) => {
      const personId = await person('new18073', 1950);
      const { entitlementId } = await grant(personId, '5.5.a');
      const before = await countDecisions();
      const answer = await as('xa.18073', STOP, {
        id: entitlementId,
        decision: {
          ...decision({ decidedOn: '2025-11-03', effectiveMonth: '2025-12' }),
          reason: 'Chuyển đi',
          ...overrides,
        },
      });
      expect(answer.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
      expect(answer.errors?.[0]?.message.toLowerCase()).toContain(words.toLowerCase());
      expect(await countDecisions()).toBe(before);
    },
  );

  it('refuses an unknown category and a start month before the application', async () => {
    const personId = await person('new18073', 1950);
    const unknown = await refusal(grant(personId, '5.5.a', { categoryId: randomUUID() }));
    expect([unknown.code, unknown.field]).toEqual(['BAD_USER_INPUT', 'categoryId']);
    const early = await refusal(grant(personId, '5.5.a', { filedOn: '2025-10-02' }));
    expect([early.code, early.field]).toEqual(['BAD_USER_INPUT', 'decision.effectiveMonth']);
    expect(early.message).toContain('tháng nộp hồ sơ (10/2025)');
  });

  it('refuses a unit out of scope, a role without the right and a former district', async () => {
    const personId = await person('new18073', 1950);
    const { entitlementId } = await grant(personId, '5.5.a');
    const input = { ...decision({ decidedOn: '2025-11-03', effectiveMonth: '2025-12' }), reason: 'x' };
    const other = await as('xa.18652', STOP, { id: entitlementId, decision: input });
    expect(other.errors?.[0]?.extensions?.['code']).toBe('NOT_FOUND');
    for (const username of ['phantich.42', 'kiemtoan.42', 'huyen.436']) {
      const answer = await as(username, STOP, { id: entitlementId, decision: input });
      expect(answer.errors?.[0]?.extensions?.['code']).toBe('FORBIDDEN');
    }
    const foreign = await as(
      'xa.18652',
      '{ entitlementChanges(unitCode: "18073", month: "2025-12") { direction } }',
    );
    expect(foreign.errors?.[0]?.extensions?.['code']).toBe('FORBIDDEN');
    const conflicts = await as('xa.18652', '{ policyConflicts(unitCode: "18073") { otherEntitlementId } }');
    expect(conflicts.errors?.[0]?.extensions?.['code']).toBe('FORBIDDEN');
  });
});

describe('relocation', () => {
  it('stops the old commune with the month before and starts the new one: no month paid twice, none skipped', async () => {
    const personId = await person('new18073', 1950);
    const { entitlementId } = await grant(personId, '5.5.a');
    // The registry records the move to Đức Thọ: the new commune is proposed the relocation.
    await sql('update registry.persons set residence_unit_id = $1 where id = $2', [
      fixture.units.new18229,
      personId,
    ]);
    const proposals = await as('xa.18229', '{ stopProposals { entitlement { id } reason toUnit { id } } }');
    expect(proposals.errors).toBeUndefined();
    expect(proposals.data!.stopProposals).toContainEqual({
      entitlement: { id: entitlementId },
      reason: 'RELOCATION',
      toUnit: { id: fixture.units.new18229 },
    });
    const moved = await as(
      'xa.18229',
      `mutation ($id: ID!, $decision: DecisionInput!) { relocateEntitlement(entitlementId: $id, decision: $decision) {
         kind entitlement { id startMonth unitCode relocatedFrom { id status endMonth } } } }`,
      { id: entitlementId, decision: decision({ decidedOn: '2025-11-20', effectiveMonth: '2025-12' }) },
    );
    expect(moved.errors).toBeUndefined();
    const continued = moved.data!.relocateEntitlement.entitlement;
    expect(moved.data!.relocateEntitlement.kind).toBe('RELOCATE_IN');
    expect(continued).toMatchObject({
      startMonth: '2025-12',
      unitCode: '18229',
      relocatedFrom: { id: entitlementId, status: 'STOPPED', endMonth: '2025-11' },
    });
    const months = ['2025-10', '2025-11', '2025-12', '2026-01'];
    const rows = await sql<{ month: string; old: string | null; new: string | null }>(
      `select m as month, approvals.entitlement_amount($1, m) as old, approvals.entitlement_amount($2, m) as new
         from unnest($3::text[]) m order by m`,
      [entitlementId, continued.id, months],
    );
    expect(rows.map((row) => [row.month, row.old && Number(row.old), row.new && Number(row.new)])).toEqual([
      ['2025-10', 750_000, null],
      ['2025-11', 750_000, null],
      ['2025-12', null, 750_000],
      ['2026-01', null, 750_000],
    ]);
    const gone = await as('xa.18229', '{ stopProposals { entitlement { id } } }');
    expect(gone.data!.stopProposals).not.toContainEqual({ entitlement: { id: entitlementId } });
  });
});

describe('death', () => {
  it('proposes the stop from the month after and funeral support; both decided once', async () => {
    const personId = await person('new18073', 1940);
    const { entitlementId } = await grant(personId, '5.5.a');
    await sql(`update registry.persons set status = 'deceased', status_date = '2025-10-14' where id = $1`, [
      personId,
    ]);
    const proposals = await as(
      'xa.18073',
      '{ stopProposals { entitlement { id } reason eventDate stopFromMonth funeralSupportDue funeralSupportAmount } }',
    );
    expect(proposals.errors).toBeUndefined();
    expect(proposals.data!.stopProposals).toContainEqual({
      entitlement: { id: entitlementId },
      reason: 'DEATH',
      eventDate: '2025-10-14',
      stopFromMonth: '2025-11',
      funeralSupportDue: true,
      funeralSupportAmount: 10_000_000,
    });
    const stop = await as('xa.18073', STOP, {
      id: entitlementId,
      decision: {
        ...decision({ decidedOn: '2025-10-20', effectiveMonth: '2025-11' }),
        reason: 'Đối tượng mất ngày 14/10/2025',
      },
    });
    expect(stop.errors).toBeUndefined();
    const FUNERAL = `mutation ($id: ID!, $decision: DecisionInput!) { grantFuneralSupport(personId: $id, decision: $decision) {
      kind entitlement { monthlyAmount(month: "2025-11") startMonth endMonth } } }`;
    const funeral = await as('xa.18073', FUNERAL, {
      id: personId,
      decision: decision({ decidedOn: '2025-10-20', effectiveMonth: '2025-11' }),
    });
    expect(funeral.errors).toBeUndefined();
    expect(funeral.data!.grantFuneralSupport).toEqual({
      kind: 'ONE_OFF',
      entitlement: { monthlyAmount: 10_000_000, startMonth: '2025-11', endMonth: '2025-11' },
    });
    const twice = await as('xa.18073', FUNERAL, {
      id: personId,
      decision: decision({ decidedOn: '2025-10-21', effectiveMonth: '2025-11' }),
    });
    expect(twice.errors?.[0]?.extensions?.['code']).toBe('CONFLICT');
    const after = await as('xa.18073', '{ stopProposals { entitlement { id } } }');
    expect(after.data!.stopProposals).not.toContainEqual({ entitlement: { id: entitlementId } });
  });
});

describe('confidential categories', () => {
  it('never shows an HIV group to a role without the right: fields, entities and the published views', async () => {
    const personId = await person('new18073', 1980);
    const { entitlementId } = await grant(personId, '5.8');
    const query = `query ($representations: [_Any!]!) { _entities(representations: $representations) {
      ... on Entitlement { id policyGroup category { code } decisions { category { code } } } } }`;
    const variables = { representations: [{ __typename: 'Entitlement', id: entitlementId }] };
    const officer = await as('xa.18073', query, variables);
    expect(officer.errors).toBeUndefined();
    expect(officer.data!._entities[0]).toMatchObject({ policyGroup: '5.8', category: { code: '5.8' } });
    for (const username of ['phantich.42', 'kiemtoan.42']) {
      const answer = await as(username, query, variables);
      expect(answer.data!._entities[0]).toMatchObject({
        id: entitlementId,
        policyGroup: null,
        category: null,
      });
      expect(JSON.stringify(answer.data)).not.toContain('5.8');
      expect(answer.errors?.every((error) => error.extensions?.['code'] === 'FORBIDDEN')).toBe(true);
    }
    // The history of the entitlement and its decisions shows an auditor the values, not the category.
    const HISTORY = `query ($representations: [_Any!]!) { _entities(representations: $representations) {
      ... on Entitlement { history { entity after } } } }`;
    const audited = await as('kiemtoan.42', HISTORY, variables);
    expect(audited.errors).toBeUndefined();
    const changes = audited.data!._entities[0].history as { entity: string; after: string }[];
    expect(changes.map((change) => change.entity).sort()).toEqual(['decisions', 'entitlements']);
    for (const change of changes) {
      expect(Object.keys(JSON.parse(change.after))).not.toEqual(expect.arrayContaining(['category_id']));
      expect(JSON.parse(change.after)).not.toHaveProperty('policy_group');
      expect(JSON.parse(change.after)).toHaveProperty('person_id');
    }
    const viewed = async (readConfidential: boolean) => {
      const em = subgraph.orm.em.fork() as EntityManager;
      em.setSessionContext(scopeSessionContext('approvals', '42_20250701', undefined, { readConfidential }));
      return em.execute<{ policy_group: string | null; category_id: string | null }[]>(
        'select policy_group, category_id from approvals.v_active_entitlements where entitlement_id = ?',
        [entitlementId],
      );
    };
    expect((await viewed(true))[0]!.policy_group).toBe('5.8');
    expect(await viewed(false)).toEqual([{ policy_group: null, category_id: null }]);
  });
});

describe("a province's own standard level", () => {
  it('is set by the province administrator, higher than the national level, from the current month on', async () => {
    const SET = `mutation ($input: ProvinceStandardLevelInput!) { setProvinceStandardLevel(input: $input) { validFromMonth provinceCode amount } }`;
    const input = { fromMonth: '2099-01', amount: 600_000, legalBasis: 'Nghị quyết 12/2098/NQ-HĐND' };
    const set = await as('tinh.42', SET, { input });
    expect(set.errors).toBeUndefined();
    expect(set.data!.setProvinceStandardLevel).toEqual({
      validFromMonth: '2099-01',
      provinceCode: '42',
      amount: 600_000,
    });
    const low = await as('tinh.42', SET, { input: { ...input, amount: 400_000 } });
    expect(low.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.amount' });
    const past = await as('tinh.42', SET, { input: { ...input, fromMonth: '2024-01' } });
    expect(past.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.fromMonth' });
    for (const username of ['xa.18073', 'phantich.42']) {
      const refused = await as(username, SET, { input });
      expect(refused.errors?.[0]?.extensions?.['code']).toBe('FORBIDDEN');
    }
  });
});
