import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  principalFromClaims,
  scopeSessionContext,
  Session,
  todayInVietnam,
  unitScopeOf,
  type Principal,
} from '@ansinh/common';
import type { EntityManager } from '@mikro-orm/postgresql';
import {
  currentUnitId,
  dataStatements,
  graphql,
  sqlRows,
  startSeededSubgraph,
  tokenFor,
  type SeededSubgraph,
} from '@ansinh/tests/support';
import { paymentsSubgraph } from '../src/index.ts';
import { dailyUpdateStatus, recordPayments } from '../src/payment-updates/payment-update.service.ts';
import type { UpdateInput } from '../src/payment-updates/payment-update.rules.ts';

let seeded: SeededSubgraph;
const statements: string[] = [];

beforeAll(async () => {
  seeded = await startSeededSubgraph(paymentsSubgraph, { onQuery: (sql) => statements.push(sql) });
});

afterAll(() => seeded?.stop());

const owner = (text: string, params: unknown[] = []) => sqlRows(seeded.database.url, text, params);

type ListState = 'draft' | 'approved' | 'paying' | 'closed';
type TestList = { listId: string; month: string; lineIds: string[] };

/**
 * A payment list of its own for a test (the demo's lists are not relied on): the commune's latest
 * month before this one without a list (the demo has one for every month since the reform, so it may
 * be an earlier month: recording payments does not care), or with `future` its first month after this
 * one without a list (for a clock set in that month); `lines` pending lines of the commune's
 * beneficiaries (of another commune's when `personsOf` says so), the first `held` of them held, then
 * moved to `state`.
 */
async function makeList(
  unitCode: string,
  options: { lines: number; state?: ListState; personsOf?: string; held?: number; future?: boolean },
): Promise<TestList> {
  const [free] = await owner(
    `select m.month
       from generate_series(1, 240) k,
            lateral (select to_char(date_trunc('month', now() at time zone 'Asia/Ho_Chi_Minh') + make_interval(months => k * $2::int), 'YYYY-MM') as month) m
      where not exists (select 1 from payments.payment_lists p where p.unit_id = ${currentUnitId('$1')} and p.month = m.month)
      order by k limit 1`,
    [unitCode, options.future ? 1 : -1],
  );
  const month = free!.month as string;
  const [list] = await owner(
    `insert into payments.payment_lists (unit_id, month) values (${currentUnitId('$1')}, $2) returning id`,
    [unitCode, month],
  );
  const listId = list!.id as string;
  const personsOf = options.personsOf ?? unitCode;
  await owner(
    `with e as (select e.id, e.person_id, row_number() over (order by e.id) - 1 as k, count(*) over () as c
                  from approvals.entitlements e where e.unit_id = ${currentUnitId('$4')})
     insert into payments.payment_lines (id, list_id, line_code, person_id, entitlement_id, unit_id, month, amount, channel, created_at)
     select gen_random_uuid(), $1, 'CT' || lpad(nextval('payments.line_code_seq')::text, 9, '0'), e.person_id,
            case when g <= e.c and $4 = $2 then e.id end, ${currentUnitId('$2')}, $3, 500000, 'cash', now()
       from generate_series(1, $5::int) g join e on e.k = (g - 1) % e.c`,
    [listId, unitCode, month, personsOf, options.lines],
  );
  const lines = await owner(`select id from payments.payment_lines where list_id = $1 order by line_code`, [
    listId,
  ]);
  const lineIds = lines.map((line) => line.id as string);
  if (options.held) {
    await owner(
      `update payments.payment_lines set status = 'held', hold_reason = 'Cảnh báo trùng chưa xử lý' where id = any($1::uuid[])`,
      [lineIds.slice(0, options.held)],
    );
  }
  const state = options.state ?? 'approved';
  if (state !== 'draft') {
    await owner(`update payments.payment_lists set state = 'approved', approved_at = now() where id = $1`, [
      listId,
    ]);
  }
  if (state === 'paying') {
    await owner(`update payments.payment_lists set state = 'paying', paying_at = now() where id = $1`, [
      listId,
    ]);
  }
  if (state === 'closed') {
    await owner(`update payments.payment_lists set state = 'closed', closed_at = now() where id = $1`, [
      listId,
    ]);
  }
  return { listId, month, lineIds };
}

/** What a refused request must leave as it was: the list, its lines, its updates, the idempotency keys. */
async function stateOf(listId: string) {
  const [list] = await owner(`select state, paying_at from payments.payment_lists where id = $1`, [listId]);
  const lines = await owner(
    `select id, status, version, paid_on, paid_at, receiver, receiver_name, reference, status_note, late, updated_at, updated_by_name
       from payments.payment_lines where list_id = $1 order by id`,
    [listId],
  );
  const [updates] = await owner(
    `select count(*)::int as n from payments.payment_updates where list_id = $1`,
    [listId],
  );
  const [keys] = await owner(`select count(*)::int as n from payments.idempotency_keys`);
  const [history] = await owner(
    `select count(*)::int as n from payments.change_history where payment_list_id = $1`,
    [listId],
  );
  return { list, lines, updates: updates!.n, keys: keys!.n, history: history!.n };
}

const RECORD = `mutation ($input: RecordPaymentsInput!) {
  recordPayments(input: $input) { late replayed lines { id status version paidOn } }
}`;

const STATUS = `query ($unit: ID, $date: String) {
  dailyUpdateStatus(unitCode: $unit, date: $date) {
    date cutOff communes updated notUpdated
    lists { unit { id } unitCode listId month updated updates lateUpdates firstRecordedAt lastRecordedAt }
  }
}`;

type LineError = {
  index: number;
  lineId: string;
  code: string;
  field: string;
  message: string;
  current?: Record<string, unknown>;
};
type Details = { lines: LineError[] };

async function record(username: string, input: { updates: unknown[]; idempotencyKey?: string }) {
  return graphql(seeded.subgraph.url, RECORD, { token: await tokenFor(username), variables: { input } });
}

const detailsOf = (answer: Awaited<ReturnType<typeof graphql>>) =>
  (answer.errors?.[0]?.extensions as unknown as { details?: Details } | undefined)?.details;

/** Paid a minute ago, to the person. */
const paidNow = (lineId: string, expectedVersion = 1) => ({
  lineId,
  expectedVersion,
  status: 'PAID',
  paidAt: new Date(Date.now() - 60_000).toISOString(),
  receiver: 'PERSON',
});

/** The request's session and scoped EntityManager, as the subgraph builds them, for calling the service with a clock. */
async function sessionOf(
  username: string,
  roles?: string[],
): Promise<{ em: EntityManager; session: Session }> {
  const token = await tokenFor(username);
  const claims = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8'));
  const principal: Principal = { ...principalFromClaims(claims), ...(roles ? { roles } : {}) };
  const em = seeded.subgraph.orm.em.fork() as unknown as EntityManager;
  const session = Session.of(principal, await unitScopeOf(em, principal.unitCode));
  em.setSessionContext(
    scopeSessionContext('payments', session.scopePath, {
      id: principal.subject,
      name: principal.username,
      unitCode: principal.unitCode,
    }),
  );
  return { em, session };
}

describe('recordPayments', () => {
  it('marks 500 lines paid in one mutation, in a constant number of statements, and moves the list to paying', async () => {
    const list = await makeList('18073', { lines: 500 });
    statements.length = 0;
    const answer = await record('ketoan.18073', { updates: list.lineIds.map((id) => paidNow(id)) });
    expect(answer.errors).toBeUndefined();
    const result = answer.data!.recordPayments;
    expect(result.replayed).toBe(false);
    expect(result.lines.map((line: { id: string }) => line.id)).toEqual(list.lineIds);
    expect(
      new Set(
        result.lines.map((line: { status: string; version: number }) => `${line.status} ${line.version}`),
      ),
    ).toEqual(new Set(['PAID 2']));
    // The caller's unit, the lines locked, the list moved to paying, one statement for every line and
    // update row, the lines read back: the count does not grow with the lines.
    expect(dataStatements(statements).length).toBeLessThanOrEqual(6);
    expect(
      dataStatements(statements).filter((sql) => /insert into payments\.payment_updates/.test(sql)),
    ).toHaveLength(1);

    const [lines] = await owner(
      `select count(*) filter (where status = 'paid' and version = 2 and receiver = 'person' and paid_on is not null
                                and updated_by_name = 'ketoan.18073')::int as paid,
              count(*) filter (where late)::int as late
         from payments.payment_lines where list_id = $1`,
      [list.listId],
    );
    expect(lines!.paid).toBe(500);
    expect(lines!.late).toBe(result.late);
    const [updates] = await owner(
      `select count(*)::int as n, count(distinct line_id)::int as lines, count(*) filter (where late)::int as late,
              bool_and(recorded_by_name = 'ketoan.18073' and source = 'officer' and status = 'paid') as recorded
         from payments.payment_updates where list_id = $1`,
      [list.listId],
    );
    expect(updates).toEqual({ n: 500, lines: 500, late: result.late, recorded: true });
    const [state] = await owner(`select state, paying_at from payments.payment_lists where id = $1`, [
      list.listId,
    ]);
    expect(state!.state).toBe('paying');
    expect(state!.paying_at).not.toBeNull();
  });

  it('writes nothing when one line of the request is bad, and lists that line', async () => {
    const list = await makeList('18073', { lines: 4 });
    const before = await stateOf(list.listId);
    const answer = await record('ketoan.18073', {
      updates: [
        paidNow(list.lineIds[0]!),
        { ...paidNow(list.lineIds[1]!), receiver: 'AUTHORISED' },
        { lineId: list.lineIds[2]!, expectedVersion: 1, status: 'UNREACHABLE', note: 'Đi làm ăn xa' },
        { lineId: list.lineIds[3]!, expectedVersion: 1, status: 'RETURNED', reference: 'TL-0001' },
      ],
    });
    expect(answer.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'updates.1.receiverName',
    });
    expect(answer.errors![0]!.message).toContain('chưa ghi dòng nào');
    expect(detailsOf(answer)!.lines).toEqual([
      {
        index: 1,
        lineId: list.lineIds[1],
        code: 'BAD_USER_INPUT',
        field: 'updates.1.receiverName',
        message: 'Cần ghi họ tên người được ủy quyền nhận thay.',
      },
    ]);
    expect(await stateOf(list.listId)).toEqual(before);
  });

  it('refuses a paid time in the future, and a day before the list’s month, writing nothing', async () => {
    const list = await makeList('18073', { lines: 2 });
    const before = await stateOf(list.listId);
    const answer = await record('ketoan.18073', {
      updates: [
        { ...paidNow(list.lineIds[0]!), paidAt: new Date(Date.now() + 3_600_000).toISOString() },
        { lineId: list.lineIds[1]!, expectedVersion: 1, status: 'UNPAID', forDate: `${list.month}-01` },
      ],
    });
    expect(answer.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'updates.0.paidAt',
    });
    expect(detailsOf(answer)!.lines.map((line) => [line.index, line.message])).toEqual([
      [0, 'Thời điểm chi trả không được ở tương lai.'],
    ]);
    const early = await record('ketoan.18073', {
      updates: [{ lineId: list.lineIds[1]!, expectedVersion: 1, status: 'UNPAID', forDate: '2020-01-31' }],
    });
    expect(early.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'updates.0.forDate',
    });
    expect(early.errors![0]!.message).toContain('trước tháng của danh sách chi trả');
    expect(await stateOf(list.listId)).toEqual(before);
  });

  it('never loses an update: the second official with the same version gets CONFLICT and the current state', async () => {
    const list = await makeList('18073', { lines: 2 });
    const first = await record('ketoan.18073', { updates: [paidNow(list.lineIds[0]!)] });
    expect(first.errors).toBeUndefined();
    const afterFirst = await stateOf(list.listId);
    const second = await record('xa.18073', {
      updates: [
        { lineId: list.lineIds[1]!, expectedVersion: 1, status: 'UNPAID' },
        { lineId: list.lineIds[0]!, expectedVersion: 1, status: 'UNREACHABLE' },
      ],
    });
    expect(second.errors?.[0]?.extensions).toMatchObject({
      code: 'CONFLICT',
      field: 'updates.1.expectedVersion',
    });
    expect(second.errors![0]!.message).toContain('ketoan.18073');
    const [conflict] = detailsOf(second)!.lines;
    expect(conflict).toMatchObject({
      index: 1,
      lineId: list.lineIds[0],
      code: 'CONFLICT',
      current: { status: 'paid', version: 2, updatedBy: 'ketoan.18073' },
    });
    expect(conflict!.current!.paidAt).toEqual(expect.any(String));
    expect(await stateOf(list.listId)).toEqual(afterFirst);

    // Sent at the same moment: one wins, the other is refused, one update row.
    const [a, b] = await Promise.all([
      record('ketoan.18073', { updates: [paidNow(list.lineIds[1]!)] }),
      record('xa.18073', {
        updates: [{ lineId: list.lineIds[1]!, expectedVersion: 1, status: 'UNREACHABLE' }],
      }),
    ]);
    expect([a, b].filter((answer) => answer.errors === undefined)).toHaveLength(1);
    expect([a, b].flatMap((answer) => answer.errors?.map((error) => error.extensions?.code) ?? [])).toEqual([
      'CONFLICT',
    ]);
    const rows = await owner(`select version from payments.payment_lines where id = $1`, [list.lineIds[1]]);
    expect(rows[0]!.version).toBe(2);
    const [updates] = await owner(
      `select count(*)::int as n from payments.payment_updates where line_id = $1`,
      [list.lineIds[1]],
    );
    expect(updates!.n).toBe(1);
  });

  it('applies a retried request with the same idempotency key once, and refuses the key for another request', async () => {
    const list = await makeList('18073', { lines: 3 });
    const input = {
      idempotencyKey: `retry-${list.listId.slice(0, 8)}`,
      updates: [
        paidNow(list.lineIds[0]!),
        { lineId: list.lineIds[1]!, expectedVersion: 1, status: 'UNREACHABLE' },
      ],
    };
    const first = await record('ketoan.18073', input);
    expect(first.errors).toBeUndefined();
    expect(first.data!.recordPayments.replayed).toBe(false);
    const applied = await stateOf(list.listId);
    expect(applied.updates).toBe(2);

    const again = await record('ketoan.18073', input);
    expect(again.errors).toBeUndefined();
    expect(again.data!.recordPayments).toEqual({ ...first.data!.recordPayments, replayed: true });
    expect(await stateOf(list.listId)).toEqual(applied);

    const other = await record('ketoan.18073', {
      ...input,
      updates: [{ lineId: list.lineIds[2]!, expectedVersion: 1, status: 'UNPAID' }],
    });
    expect(other.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', field: 'idempotencyKey' });
    expect(await stateOf(list.listId)).toEqual(applied);

    // Another official's key of the same text is theirs: their request is new (and here refused on its version).
    const someoneElse = await record('xa.18073', input);
    expect(someoneElse.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    expect(await stateOf(list.listId)).toEqual(applied);

    // Two retries sent at once: applied once.
    const twice = {
      idempotencyKey: `twice-${list.listId.slice(0, 8)}`,
      updates: [paidNow(list.lineIds[2]!)],
    };
    const answers = await Promise.all([record('ketoan.18073', twice), record('ketoan.18073', twice)]);
    expect(answers.map((answer) => answer.errors)).toEqual([undefined, undefined]);
    expect(answers.map((answer) => answer.data!.recordPayments.replayed).sort()).toEqual([false, true]);
    const [updates] = await owner(
      `select count(*)::int as n from payments.payment_updates where line_id = $1`,
      [list.lineIds[2]],
    );
    expect(updates!.n).toBe(1);

    const malformed = await record('ketoan.18073', {
      idempotencyKey: 'short',
      updates: [paidNow(list.lineIds[2]!, 2)],
    });
    expect(malformed.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'idempotencyKey',
    });
  });

  it('marks late an update recorded from 17:30 of its day (injected clock), and the daily status counts it', async () => {
    const list = await makeList('18073', { lines: 3, future: true });
    const day = `${list.month}-10`;
    const { em, session } = await sessionOf('ketoan.18073');
    const update = (index: number, overrides: Partial<UpdateInput>): UpdateInput => ({
      lineId: list.lineIds[index]!,
      expectedVersion: 1,
      status: 'paid',
      receiver: 'person',
      ...overrides,
    });
    const onTime = await recordPayments(
      em.fork(),
      session,
      { updates: [update(0, { paidAt: `${day}T09:00:00+07:00` })] },
      new Date(`${day}T17:29:59+07:00`),
    );
    expect(onTime.late).toBe(0);
    const atCutOff = await recordPayments(
      em.fork(),
      session,
      { updates: [update(1, { paidAt: `${day}T17:00:00+07:00` })] },
      new Date(`${day}T17:30:00+07:00`),
    );
    expect(atCutOff.late).toBe(1);
    const nextMorning = await recordPayments(
      em.fork(),
      session,
      { updates: [update(2, { status: 'unreachable', receiver: null, forDate: day })] },
      new Date(`${list.month}-11T08:00:00+07:00`),
    );
    expect(nextMorning.late).toBe(1);

    const lines = await owner(
      `select id, late, paid_on::text from payments.payment_lines where list_id = $1`,
      [list.listId],
    );
    const byId = new Map(lines.map((line) => [line.id, line]));
    expect(list.lineIds.map((id) => byId.get(id)!.late)).toEqual([false, true, true]);
    expect(byId.get(list.lineIds[0])!.paid_on).toBe(day);
    const updates = await owner(
      `select line_id, for_date::text, late, recorded_at from payments.payment_updates where list_id = $1 order by recorded_at`,
      [list.listId],
    );
    expect(
      updates.map((row) => [row.line_id, row.for_date, row.late, row.recorded_at.toISOString()]),
    ).toEqual([
      [list.lineIds[0], day, false, new Date(`${day}T17:29:59+07:00`).toISOString()],
      [list.lineIds[1], day, true, new Date(`${day}T17:30:00+07:00`).toISOString()],
      [list.lineIds[2], day, true, `${list.month}-11T01:00:00.000Z`],
    ]);

    // The day is in the future for the real clock (the API refuses it): the service answers for it.
    const status = await dailyUpdateStatus(em.fork(), session.readPaths, day);
    expect(status.cutOff).toBe(new Date(`${day}T17:30:00+07:00`).toISOString());
    expect(status.notUpdated).toBe(status.communes - status.updated);
    const row = status.lists.find((entry) => entry.listId === list.listId);
    expect(row).toEqual({
      unit: { id: expect.any(String) },
      unitCode: '18073',
      listId: list.listId,
      month: list.month,
      updated: true,
      updates: 3,
      lateUpdates: 2,
      firstRecordedAt: new Date(`${day}T17:29:59+07:00`).toISOString(),
      lastRecordedAt: `${list.month}-11T01:00:00.000Z`,
    });
  });

  it('refuses a line of another commune: not found when not readable, bad input when read but paid elsewhere', async () => {
    const ours = await makeList('18073', { lines: 1 });
    const before = await stateOf(ours.listId);
    const elsewhere = await record('xa.18262', { updates: [paidNow(ours.lineIds[0]!)] });
    expect(elsewhere.errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND', field: 'updates.0.lineId' });
    expect(await stateOf(ours.listId)).toEqual(before);

    // A line paid by 18262 to a person who lives in 18073 now: 18073 reads it, but does not pay it.
    const theirs = await makeList('18262', { lines: 1, personsOf: '18073' });
    const theirsBefore = await stateOf(theirs.listId);
    const notOurs = await record('xa.18073', { updates: [paidNow(theirs.lineIds[0]!)] });
    expect(notOurs.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'updates.0.lineId',
    });
    expect(notOurs.errors![0]!.message).toContain('18262');
    expect(await stateOf(theirs.listId)).toEqual(theirsBefore);
  });

  it('lets a payer record payments, never an approver, an analyst, an auditor, a former district or an officer alone', async () => {
    const list = await makeList('18073', { lines: 1 });
    const before = await stateOf(list.listId);
    for (const username of ['pheduyet.18073', 'phantich.42', 'kiemtoan.42', 'huyen.436']) {
      const answer = await record(username, { updates: [paidNow(list.lineIds[0]!)] });
      expect([username, answer.errors?.[0]?.extensions?.code]).toEqual([username, 'FORBIDDEN']);
    }
    const { em, session } = await sessionOf('xa.18073', ['officer']);
    await expect(
      recordPayments(
        em,
        session,
        { updates: [{ lineId: list.lineIds[0]!, expectedVersion: 1, status: 'unpaid' }] },
        new Date(),
      ),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect(await stateOf(list.listId)).toEqual(before);
    // The province's administrator may (admin holds payment:write).
    const province = await record('tinh.42', { updates: [paidNow(list.lineIds[0]!)] });
    expect(province.errors).toBeUndefined();
  });

  it('refuses lines of a list in draft or closed, and a held line', async () => {
    for (const state of ['draft', 'closed'] as const) {
      const list = await makeList('18073', { lines: 1, state });
      const before = await stateOf(list.listId);
      const answer = await record('ketoan.18073', { updates: [paidNow(list.lineIds[0]!)] });
      expect(answer.errors?.[0]?.extensions).toMatchObject({
        code: 'BAD_USER_INPUT',
        field: 'updates.0.lineId',
      });
      expect(answer.errors![0]!.message).toContain(state === 'draft' ? 'chưa phê duyệt' : 'đã đóng');
      expect(await stateOf(list.listId)).toEqual(before);
    }
    const held = await makeList('18073', { lines: 2, held: 1 });
    const before = await stateOf(held.listId);
    const answer = await record('ketoan.18073', {
      updates: [paidNow(held.lineIds[1]!), paidNow(held.lineIds[0]!)],
    });
    expect(answer.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'updates.1.lineId',
    });
    expect(answer.errors![0]!.message).toContain('Cảnh báo trùng chưa xử lý');
    expect(await stateOf(held.listId)).toEqual(before);
  });

  it('bounds the request: 1 to 1,000 lines', async () => {
    const list = await makeList('18073', { lines: 1 });
    const before = await stateOf(list.listId);
    const none = await record('ketoan.18073', { updates: [] });
    expect(none.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'updates' });
    const tooMany = await record('ketoan.18073', {
      updates: Array.from({ length: 1001 }, () => paidNow(list.lineIds[0]!)),
    });
    expect(tooMany.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'updates' });
    expect(await stateOf(list.listId)).toEqual(before);
  });
});

describe('dailyUpdateStatus', () => {
  it('shows which communes have updated today and which have not', async () => {
    const updated = await makeList('18073', { lines: 2 });
    const silent = await makeList('18229', { lines: 2 });
    const answer = await record('ketoan.18073', {
      updates: [{ lineId: updated.lineIds[0]!, expectedVersion: 1, status: 'UNPAID', note: 'Hẹn ngày mai' }],
    });
    expect(answer.errors).toBeUndefined();
    const today = todayInVietnam();

    const province = await graphql(seeded.subgraph.url, STATUS, { token: await tokenFor('tinh.42') });
    expect(province.errors).toBeUndefined();
    const status = province.data!.dailyUpdateStatus;
    expect(status.date).toBe(today);
    expect(status.cutOff).toBe(new Date(`${today}T17:30:00+07:00`).toISOString());
    const rowOf = (listId: string) => status.lists.find((row: { listId: string }) => row.listId === listId);
    expect(rowOf(updated.listId)).toMatchObject({ unitCode: '18073', updated: true, updates: 1 });
    expect(rowOf(updated.listId).firstRecordedAt).toEqual(expect.any(String));
    expect(rowOf(silent.listId)).toMatchObject({
      unitCode: '18229',
      updated: false,
      updates: 0,
      lateUpdates: 0,
      firstRecordedAt: null,
      lastRecordedAt: null,
    });
    const units = new Set(status.lists.map((row: { unit: { id: string } }) => row.unit.id));
    const updatedUnits = new Set(
      status.lists
        .filter((row: { updated: boolean }) => row.updated)
        .map((row: { unit: { id: string } }) => row.unit.id),
    );
    expect(status.communes).toBe(units.size);
    expect(status.updated).toBe(updatedUnits.size);
    expect(status.notUpdated).toBe(units.size - updatedUnits.size);
    expect(status.notUpdated).toBeGreaterThanOrEqual(1);

    // A commune sees its own lists only; another commune's list is not in its answer.
    const commune = await graphql(seeded.subgraph.url, STATUS, { token: await tokenFor('xa.18229') });
    expect(commune.errors).toBeUndefined();
    expect(
      new Set(commune.data!.dailyUpdateStatus.lists.map((row: { unitCode: string }) => row.unitCode)),
    ).toEqual(new Set(['18229']));
  });

  it('refuses units out of scope, a day in the future or malformed, and callers without payment:read', async () => {
    const outside = await graphql(seeded.subgraph.url, STATUS, {
      token: await tokenFor('xa.18262'),
      variables: { unit: '18073' },
    });
    expect(outside.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const token = await tokenFor('xa.18073');
    const tomorrow = new Date(Date.now() + 86_400_000);
    const future = await graphql(seeded.subgraph.url, STATUS, {
      token,
      variables: { date: todayInVietnam(tomorrow) },
    });
    expect(future.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'date' });
    const malformed = await graphql(seeded.subgraph.url, STATUS, {
      token,
      variables: { date: '2026-02-30' },
    });
    expect(malformed.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'date' });
    const anonymous = await graphql(seeded.subgraph.url, STATUS);
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});
