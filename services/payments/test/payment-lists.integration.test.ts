import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { addMonths, currentMonth } from '@ansinh/common';
import { gatewayCredentialHeaders } from '@ansinh/common/graphql';
import { graphql, sqlRows, startSeededSubgraph, tokenFor, type SeededSubgraph } from '@ansinh/tests/support';
import { randomUUID } from 'node:crypto';
import { paymentsSubgraph } from '../src/index.ts';

/**
 * Payment lists on PostgreSQL with real tokens, in two communes of Hà Tĩnh that the demo leaves empty
 * (so that every amount below is this file's own): arrears after a late decision, a month not paid
 * (carried over), a relocation between the two communes mid-year, a death with funeral support and
 * the recovery of the months paid after it, a duplicate warning that holds a line, regeneration that
 * changes nothing, the locked-list rule and the no-month-twice constraint tried in SQL, control totals,
 * bad input that writes nothing, and who may do what.
 */
let seeded: SeededSubgraph;
let url: string;
const M = currentMonth();
const sql = (text: string, params: unknown[] = []) => sqlRows(seeded.database.url, text, params);

let communeA: { id: string; code: string };
let communeB: { id: string; code: string };

async function as(username: string, query: string, variables: Record<string, unknown> = {}) {
  return graphql(url, query, {
    token: await tokenFor(username),
    variables,
    headers: gatewayCredentialHeaders(),
  });
}

const codeOf = (answer: { errors?: { extensions?: { code?: string } }[] }) =>
  answer.errors?.[0]?.extensions?.code;

async function newPerson(unitId: string, name: string): Promise<string> {
  const id = randomUUID();
  await sql(
    `insert into registry.persons (id, full_name, name_folded, birth_year, gender, residence_unit_id, address, status, created_at, updated_at)
     values ($1, $2, registry.fold_name($2), 1940, 'female', $3, 'Thôn 1', 'living', now(), now())`,
    [id, name, unitId],
  );
  return id;
}

/** An entitlement with its decision, written in one statement (so the ledger's loader adds no grant of its own). */
async function newEntitlement(
  personId: string,
  unitId: string,
  options: { code?: string; start: string; end?: string; kind?: string; relocatedFrom?: string },
): Promise<string> {
  const id = randomUUID();
  await sql(
    `with e as (
       insert into approvals.entitlements (id, person_id, unit_id, category_id, policy_group, coefficient_hundredths, start_month, end_month, decision_number, decision_date, status, created_at, relocated_from_id)
       select $1, $2, $3, c.id, c.code, null, $5, $6, '9' || floor(random() * 1000)::int || '/QĐ-UBND', current_date, 'active', now(), $8
         from approvals.categories c where c.program_id = 'decree-20' and c.code = $4
       returning *)
     insert into approvals.decisions (entitlement_id, person_id, kind, number, decided_on, signing_unit_id, signer_name, effective_month, category_id, member_count, recorded_by_id, recorded_by_name)
     select e.id, e.person_id, $7, e.decision_number, e.decision_date, e.unit_id, 'Chủ tịch (kiểm thử)', e.start_month, e.category_id, 1, 'test', 'test' from e`,
    [
      id,
      personId,
      unitId,
      options.code ?? '5.5.a',
      options.start,
      options.end ?? null,
      options.kind ?? 'grant',
      options.relocatedFrom ?? null,
    ],
  );
  return id;
}

async function decide(entitlementId: string, kind: string, effectiveMonth: string): Promise<void> {
  await sql(
    `insert into approvals.decisions (entitlement_id, person_id, kind, number, decided_on, signing_unit_id, signer_name, effective_month, category_id, member_count, recorded_by_id, recorded_by_name)
     select e.id, e.person_id, $2, '77/QĐ-UBND', current_date, e.unit_id, 'Chủ tịch (kiểm thử)', $3, e.category_id, 1, 'test', 'test' from approvals.entitlements e where e.id = $1`,
    [entitlementId, kind, effectiveMonth],
  );
  await sql(`update approvals.entitlements set status = 'stopped', end_month = $2 where id = $1`, [
    entitlementId,
    addMonths(effectiveMonth, -1),
  ]);
}

const amountOf = async (entitlementId: string, month: string) =>
  Number(
    (await sql('select approvals.entitlement_amount($1, $2) as amount', [entitlementId, month]))[0]!.amount,
  );

const GENERATE = `mutation ($unitCode: ID!, $month: String!) { generatePaymentList(unitCode: $unitCode, month: $month) {
  state error paymentListGeneration { month lists lockedLists lines heldLines amount newRecoveries } } }`;
const LIST_FIELDS = `id state unitCode month approvedBy closedBy
  controlTotals { lines persons amount heldLines heldAmount byChannel { channel lines amount } }
  lines(first: 1000) { id lineCode personId entitlementId amount arrears carriedOver oneOff recovery total status holdReason version channel
    coveredMonths { month amount kind } }
  adjustments { kind reason recordedBy line { id } }`;
const LISTS = `query ($month: String!, $unitCode: ID) { paymentLists(month: $month, unitCode: $unitCode) { ${LIST_FIELDS} } }`;
const APPROVE = `mutation ($id: ID!) { approvePaymentList(id: $id) { id state approvedBy controlTotals { lines heldLines amount } } }`;
const CLOSE = `mutation ($id: ID!) { closePaymentList(id: $id) { id state closedBy } }`;
const ADJUST = `mutation ($input: AdjustPaymentLineInput!) { adjustPaymentLine(input: $input) { id amount total version status holdReason } }`;

async function generate(username: string, unitCode: string, month: string) {
  const answer = await as(username, GENERATE, { unitCode, month });
  expect(answer.errors).toBeUndefined();
  expect(answer.data!.generatePaymentList.state).toBe('DONE');
  return answer.data!.generatePaymentList.paymentListGeneration;
}

async function listOf(unitCode: string, month: string) {
  const answer = await as('tinh.42', LISTS, { month, unitCode });
  expect(answer.errors).toBeUndefined();
  return answer.data!.paymentLists[0];
}

/** What the payer and the provider would do: every pending line paid, as the owner (the API is tested elsewhere). */
async function payAll(listId: string, except: string[] = []): Promise<void> {
  await sql(
    `update payments.payment_lines set status = 'paid', paid_on = current_date, paid_at = now(), receiver = 'person', version = version + 1
      where list_id = $1 and status = 'pending' and not (person_id = any($2::uuid[]))`,
    [listId, except],
  );
}

async function makeApprovePayClose(
  unitCode: string,
  month: string,
  unpaidPersons: string[] = [],
): Promise<string> {
  await generate('tinh.42', unitCode, month);
  const list = await listOf(unitCode, month);
  expect(codeOf(await as('tinh.42', APPROVE, { id: list.id }))).toBeUndefined();
  await payAll(list.id, unpaidPersons);
  expect(codeOf(await as('tinh.42', CLOSE, { id: list.id }))).toBeUndefined();
  return list.id;
}

const lineOf = (list: Record<string, any>, entitlementId: string) =>
  (list.lines as Record<string, any>[]).find((line) => line.entitlementId === entitlementId)!;

// The people of this file.
let lateDecision: string; // granted this month, from three months ago
let unpaid: string; // not paid last month: carried over
let relocatedOld: string;
let relocatedNew: string;
let died: string;
let funeral: string;
let diedPerson: string;
let warned: string;

beforeAll(async () => {
  seeded = await startSeededSubgraph(paymentsSubgraph);
  url = seeded.subgraph.url;
  const communes = await sql(
    `select id, code from registry.v_units u where u.level = 'commune' and u.valid_to is null and u.code like '18%'
        and u.code not in ('18073', '18652', '18229', '18262')
        and u.path <@ (select path from registry.v_units where code = '42' and valid_to is null)
        and not exists (select 1 from registry.persons p where p.residence_unit_id = u.id)
      order by code limit 2`,
  );
  [communeA, communeB] = communes as [{ id: string; code: string }, { id: string; code: string }];

  const unpaidPerson = await newPerson(communeA.id, 'Nguyễn Thị Chưa Nhận');
  unpaid = await newEntitlement(unpaidPerson, communeA.id, { start: addMonths(M, -2) });
  diedPerson = await newPerson(communeA.id, 'Trần Văn Mất');
  died = await newEntitlement(diedPerson, communeA.id, { start: addMonths(M, -4) });
  const movingPerson = await newPerson(communeB.id, 'Lê Thị Chuyển');
  relocatedOld = await newEntitlement(movingPerson, communeB.id, { start: addMonths(M, -4) });

  // Two months ago and last month, paid as lists are (the unpaid person's last month not collected).
  await makeApprovePayClose(communeA.code, addMonths(M, -2));
  await makeApprovePayClose(communeB.code, addMonths(M, -2));
  await makeApprovePayClose(communeA.code, addMonths(M, -1), [unpaidPerson]);

  // Since then: the person of commune B moved to A from last month (B had paid up to two months ago);
  // the person who died three months ago is stopped from two months ago, after A paid both months;
  // a decision signed this month starts from three months ago; a duplicate warning is open.
  await decide(relocatedOld, 'relocate-out', addMonths(M, -1));
  await sql('update registry.persons set residence_unit_id = $2 where id = $1', [movingPerson, communeA.id]);
  relocatedNew = await newEntitlement(movingPerson, communeA.id, {
    start: addMonths(M, -1),
    kind: 'relocate-in',
    relocatedFrom: relocatedOld,
  });
  await sql(`update registry.persons set status = 'deceased', status_date = $2 where id = $1`, [
    diedPerson,
    `${addMonths(M, -3)}-12`,
  ]);
  await decide(died, 'stop', addMonths(M, -2));
  funeral = await newEntitlement(diedPerson, communeA.id, {
    code: 'mai-tang',
    start: M,
    end: M,
    kind: 'one-off',
  });
  lateDecision = await newEntitlement(await newPerson(communeA.id, 'Phạm Thị Quyết Định Muộn'), communeA.id, {
    start: addMonths(M, -3),
  });
  const warnedPerson = await newPerson(communeA.id, 'Hoàng Văn Cảnh Báo');
  warned = await newEntitlement(warnedPerson, communeA.id, { start: M });
  const lookalike = await newPerson(communeA.id, 'Hoàng Văn Cảnh Báo');
  await sql(
    `insert into registry.duplicate_warnings (id, person_id, matched_person_id, reason, unit_id, status, created_at)
     values (gen_random_uuid(), $1, $2, 'name_and_birth', $3, 'open', now())`,
    [warnedPerson, lookalike, communeA.id],
  );
}, 240_000);

afterAll(async () => {
  await seeded?.stop();
});

describe('a month list', () => {
  let list: Record<string, any>;

  beforeAll(async () => {
    const result = await generate('tinh.42', communeA.code, M);
    expect(result).toMatchObject({ month: M, lists: 1, lockedLists: 0, heldLines: 1, newRecoveries: 2 });
    list = await listOf(communeA.code, M);
  });

  it('pays arrears after a late decision: every month since the start', async () => {
    const line = lineOf(list, lateDecision);
    const monthly = await amountOf(lateDecision, M);
    expect(line.amount).toBe(monthly);
    expect(line.arrears).toBe(3 * monthly);
    expect(
      line.coveredMonths.map((month: { month: string; kind: string }) => [month.month, month.kind]),
    ).toEqual([
      [addMonths(M, -3), 'ARREARS'],
      [addMonths(M, -2), 'ARREARS'],
      [addMonths(M, -1), 'ARREARS'],
      [M, 'REGULAR'],
    ]);
  });

  it('carries over the month a person did not collect', async () => {
    const line = lineOf(list, unpaid);
    expect(line.carriedOver).toBe(await amountOf(unpaid, addMonths(M, -1)));
    expect(line.arrears).toBe(0);
    expect(line.amount).toBe(await amountOf(unpaid, M));
  });

  it('continues a relocation in the new commune from its month, with no month twice and none skipped', async () => {
    expect(lineOf(list, relocatedOld)).toBeUndefined();
    const line = lineOf(list, relocatedNew);
    expect(line.coveredMonths.map((month: { month: string }) => month.month)).toEqual([addMonths(M, -1), M]);
    const covered = await sql(
      `select month, count(*)::int as lines from payments.line_months where entitlement_root_id = $1 and not released group by month order by month`,
      [relocatedOld],
    );
    expect(covered).toEqual([-4, -3, -2, -1, 0].map((offset) => ({ month: addMonths(M, offset), lines: 1 })));
  });

  it('pays the funeral support and takes back the months paid after the death', async () => {
    expect(lineOf(list, died)).toBeUndefined();
    const line = lineOf(list, funeral);
    const support = await amountOf(funeral, M);
    const overpaid = (await amountOf(died, addMonths(M, -3))) * 2;
    expect(support).toBeGreaterThan(0);
    expect(line).toMatchObject({ oneOff: support, recovery: overpaid, total: support - overpaid });
    const recoveries = await sql(
      'select month, deducted_line_id from payments.recoveries where entitlement_id = $1 order by month',
      [died],
    );
    expect(recoveries).toEqual([
      { month: addMonths(M, -2), deducted_line_id: line.id },
      { month: addMonths(M, -1), deducted_line_id: line.id },
    ]);
  });

  it('holds the line of a person with an open duplicate warning, with the reason', () => {
    const line = lineOf(list, warned);
    expect(line.status).toBe('HELD');
    expect(line.holdReason).toMatch(/trùng hồ sơ/);
    expect(list.controlTotals.heldLines).toBe(1);
    expect(list.controlTotals.lines).toBe(list.lines.length);
    expect(list.controlTotals.amount).toBe(
      list.lines.reduce((sum: number, each: { total: number }) => sum + each.total, 0),
    );
  });

  it('makes a draft again without changing anything', async () => {
    const historyBefore = await sql(
      'select count(*)::int as changes from payments.change_history where payment_list_id = $1 and table_name = $2',
      [list.id, 'payment_lines'],
    );
    const again = await generate('tinh.42', communeA.code, M);
    expect(again).toMatchObject({ lists: 1, lines: list.lines.length, newRecoveries: 0 });
    const after = await listOf(communeA.code, M);
    expect(after.lines).toEqual(list.lines);
    expect(
      await sql(
        'select count(*)::int as changes from payments.change_history where payment_list_id = $1 and table_name = $2',
        [list.id, 'payment_lines'],
      ),
    ).toEqual(historyBefore);
  });

  it('never covers a month of an entitlement twice: the constraint holds in SQL', async () => {
    const line = lineOf(list, lateDecision);
    const other = lineOf(list, unpaid);
    await expect(
      sql(
        `insert into payments.line_months (line_id, list_id, entitlement_root_id, entitlement_id, person_id, month, amount, kind)
         select $2, list_id, entitlement_root_id, entitlement_id, person_id, month, amount, kind from payments.line_months where line_id = $1 and month = $3`,
        [line.id, other.id, addMonths(M, -3)],
      ),
    ).rejects.toMatchObject({ code: '23505', constraint: 'line_months_one_line_per_month' });
  });
});

describe('a locked list', () => {
  let list: Record<string, any>;

  beforeAll(async () => {
    list = await listOf(communeA.code, M);
    const approved = await as('tinh.42', APPROVE, { id: list.id });
    expect(approved.errors).toBeUndefined();
    expect(approved.data!.approvePaymentList).toMatchObject({ state: 'APPROVED', approvedBy: 'tinh.42' });
  });

  it('is not made again, and refuses any change in SQL that is not a recorded adjustment', async () => {
    expect(await generate('tinh.42', communeA.code, M)).toMatchObject({ lists: 0, lockedLists: 1 });
    const line = lineOf(list, lateDecision);
    await expect(
      sql('update payments.payment_lines set amount = 1 where id = $1', [line.id]),
    ).rejects.toMatchObject({ code: '55000' });
    await expect(sql('delete from payments.payment_lines where id = $1', [line.id])).rejects.toMatchObject({
      code: '55000',
    });
    await expect(
      sql(`update payments.payment_lists set state = 'draft' where id = $1`, [list.id]),
    ).rejects.toMatchObject({
      code: '55000',
    });
  });

  it('changes a line by a recorded adjustment, and its control totals follow', async () => {
    const line = lineOf(list, lateDecision);
    const answer = await as('tinh.42', ADJUST, {
      input: {
        lineId: line.id,
        expectedVersion: line.version,
        kind: 'AMOUNT',
        amount: line.amount - 1000,
        reason: 'Sai hệ số, điều chỉnh',
      },
    });
    expect(answer.errors).toBeUndefined();
    expect(answer.data!.adjustPaymentLine).toMatchObject({
      amount: line.amount - 1000,
      version: line.version + 1,
    });
    const after = await listOf(communeA.code, M);
    expect(after.controlTotals.amount).toBe(list.controlTotals.amount - 1000);
    expect(after.adjustments).toEqual([
      { kind: 'AMOUNT', reason: 'Sai hệ số, điều chỉnh', recordedBy: 'tinh.42', line: { id: line.id } },
    ]);
    // The same version again lost: CONFLICT with the line as it is now.
    const stale = await as('tinh.42', ADJUST, {
      input: { lineId: line.id, expectedVersion: line.version, kind: 'HOLD', reason: 'Kiểm tra lại' },
    });
    expect(stale.errors?.[0]).toMatchObject({
      extensions: {
        code: 'CONFLICT',
        field: 'expectedVersion',
        details: { version: line.version + 1, status: 'PENDING' },
      },
    });
  });

  it('refuses bad adjustments and writes nothing', async () => {
    const line = lineOf(await listOf(communeA.code, M), lateDecision);
    const before = await sql('select count(*)::int as n from payments.list_adjustments where list_id = $1', [
      list.id,
    ]);
    for (const [input, field] of [
      [{ kind: 'AMOUNT', amount: -5, reason: 'âm' }, 'amount'],
      [{ kind: 'AMOUNT', amount: 1000, reason: '   ' }, 'reason'],
      [{ kind: 'RELEASE', reason: 'không bị giữ' }, 'lineId'],
    ] as const) {
      const answer = await as('tinh.42', ADJUST, {
        input: { lineId: line.id, expectedVersion: line.version, ...input },
      });
      expect(answer.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
      expect(answer.errors?.[0]?.message).toMatch(/[ạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹđ]/);
    }
    expect(
      await sql('select count(*)::int as n from payments.list_adjustments where list_id = $1', [list.id]),
    ).toEqual(before);
  });

  it('checks the control totals again at closing: a change behind its back stops it', async () => {
    const line = lineOf(list, unpaid);
    await sql(`alter table payments.payment_lines disable trigger payment_lines_guard_update`);
    try {
      await sql('update payments.payment_lines set amount = amount + 5 where id = $1', [line.id]);
    } finally {
      await sql(`alter table payments.payment_lines enable trigger payment_lines_guard_update`);
    }
    const closing = await as('tinh.42', CLOSE, { id: list.id });
    expect(closing.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT' });
    expect(closing.errors?.[0]?.message).toMatch(/Tổng kiểm soát/);
    expect((await sql('select state from payments.payment_lists where id = $1', [list.id]))[0]!.state).toBe(
      'approved',
    );
    await sql(`alter table payments.payment_lines disable trigger payment_lines_guard_update`);
    try {
      await sql('update payments.payment_lines set amount = amount - 5 where id = $1', [line.id]);
    } finally {
      await sql(`alter table payments.payment_lines enable trigger payment_lines_guard_update`);
    }
    const closed = await as('tinh.42', CLOSE, { id: list.id });
    expect(closed.errors).toBeUndefined();
    expect(closed.data!.closePaymentList).toMatchObject({ state: 'CLOSED', closedBy: 'tinh.42' });
    // Nothing was paid: every month of the list is released, for the next list to carry over.
    expect(
      await sql('select count(*)::int as n from payments.line_months where list_id = $1 and not released', [
        list.id,
      ]),
    ).toEqual([{ n: 0 }]);
  });
});

describe('who may do what', () => {
  const next = addMonths(M, 1);

  it('refuses a month more than one ahead, and writes nothing', async () => {
    const answer = await as('xa.18073', GENERATE, { unitCode: '18073', month: addMonths(M, 2) });
    expect(answer.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'month' });
    expect(
      await sql('select count(*)::int as n from payments.payment_lists where month = $1', [addMonths(M, 2)]),
    ).toEqual([{ n: 0 }]);
  });

  it("lets the commune make its list, the approver approve it, and neither do the other one's part", async () => {
    expect(codeOf(await as('pheduyet.18073', GENERATE, { unitCode: '18073', month: next }))).toBe(
      'FORBIDDEN',
    );
    expect(codeOf(await as('xa.18652', GENERATE, { unitCode: '18073', month: next }))).toBe('FORBIDDEN');
    expect(codeOf(await as('huyen.436', GENERATE, { unitCode: '18073', month: next }))).toBe('FORBIDDEN');
    await generate('xa.18073', '18073', next);
    const list = (await as('xa.18073', LISTS, { month: next }))!.data!.paymentLists[0];
    expect(list.lines.length).toBeGreaterThan(0);
    expect(codeOf(await as('ketoan.18073', APPROVE, { id: list.id }))).toBe('FORBIDDEN');
    expect(codeOf(await as('xa.18652', APPROVE, { id: list.id }))).toBe('NOT_FOUND');
    const approved = await as('pheduyet.18073', APPROVE, { id: list.id });
    expect(approved.data!.approvePaymentList.state).toBe('APPROVED');
    expect(codeOf(await as('pheduyet.18073', APPROVE, { id: list.id }))).toBe('CONFLICT');
    const approvedList = (await as('xa.18073', LISTS, { month: next }))!.data!.paymentLists[0];
    const line = approvedList.lines.find((each: { status: string }) => each.status === 'PENDING');
    const input = {
      lineId: line.id,
      expectedVersion: line.version,
      channel: 'POST',
      reason: 'Già yếu, chi tận nhà',
    };
    const CHANNEL = `mutation ($input: ChangePaymentChannelInput!) { changePaymentChannel(input: $input) { id channel channelReason version } }`;
    expect(codeOf(await as('pheduyet.18073', CHANNEL, { input }))).toBe('FORBIDDEN');
    const changed = await as('ketoan.18073', CHANNEL, { input });
    expect(changed.errors).toBeUndefined();
    expect(changed.data!.changePaymentChannel).toMatchObject({
      channel: 'POST',
      channelReason: 'Già yếu, chi tận nhà',
    });
    // On a locked list the change is a recorded adjustment.
    expect(
      await sql(`select kind, reason from payments.list_adjustments where line_id = $1`, [line.id]),
    ).toEqual([{ kind: 'channel', reason: 'Già yếu, chi tận nhà' }]);
  });

  it('answers a list through _entities only to a reader of its commune', async () => {
    const list = await listOf(communeA.code, M);
    const query = `query ($representations: [_Any!]!) { _entities(representations: $representations) { ... on PaymentList { id state } } }`;
    const representations = [{ __typename: 'PaymentList', id: list.id }];
    expect((await as('tinh.42', query, { representations })).data!._entities).toEqual([
      { id: list.id, state: 'CLOSED' },
    ]);
    expect((await as('xa.18073', query, { representations })).data!._entities).toEqual([null]);
  });
});
