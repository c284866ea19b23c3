import { addMonths, displayDate, todayInVietnam } from '@ansinh/common';
import { buildDraftLists, closeLists, storeControlTotals } from '@ansinh/payments';
import type pg from 'pg';

/**
 * The demo's payment lists, made by the payments subgraph's own generation (`buildDraftLists`) month
 * by month, as the communes would have made, approved, paid and closed them: before the reform by the
 * old communes, since by the current ones. Past months' lists are closed (a few lines not collected,
 * their months released for the next list to carry over); this month's lists are being paid, with
 * today's daily updates (one commune has not updated today, one update came after the 17:30 cut-off),
 * held lines (the ledger's live one-person-one-policy conflict) and a provider result file read with
 * mismatches. Runs in the seed's transaction, as the owner.
 */

const DEMO = 'demo';

/** Why an elderly person's cash is taken home by the postal service. */
const POST_REASON = 'Người cao tuổi, đi lại khó khăn: chi trả tại nhà qua bưu điện';

/** Who collects for a person now and then (an authorised relative, with a written authorisation). */
const AUTHORISED = ['Nguyễn Thị Hòa', 'Trần Văn Phúc', 'Lê Thị Tâm'];

/** The bank of the demo's result file: Agribank, which pays most rural accounts. */
const RESULT_FILE_PROVIDER = 'VBA';

export type DemoPaymentScene = {
  /** The demo's current month (`YYYY-MM`): earlier lists are closed, its lists are being paid. */
  currentMonth: string;
  /** The seed's clock (today's updates are before it, and before 17:30 of today in Vietnam). */
  at: Date;
  /** Commune codes of this month's scenes (when their lists are among those made). */
  notUpdatedToday?: string;
  lateUpdate?: string;
  reconciled?: string;
};

type MadeList = { id: string; code: string };

/** `day` (YYYY-MM-DD) at `time` (HH:MM) in Vietnam (UTC+7, no daylight saving). */
const vietnamTime = (day: string, time: string) => new Date(`${day}T${time}:00+07:00`);

const earlier = (a: Date, b: Date) => (a < b ? a : b);

/** The months from `first` to `last`, both included. */
export function monthsBetween(first: string, last: string): string[] {
  const months: string[] = [];
  for (let month = first; month <= last; month = addMonths(month, 1)) months.push(month);
  return months;
}

/**
 * Default accounts for four in five of the demo's beneficiaries (the rest take cash at the commune):
 * Agribank accounts, MoMo wallets and Viettel Money, in a stable order. The lists take each person's
 * channel from the default account.
 */
export async function seedDemoPaymentAccounts(client: pg.ClientBase): Promise<number> {
  const { rowCount } = await client.query(
    `insert into registry.payment_accounts (id, person_id, kind, provider_code, account_number, holder_name, holder_name_matches, is_default, created_at, updated_at)
     select gen_random_uuid(), p.id, a.kind, a.provider, a.number, p.full_name, true, true, now(), now()
       from (select p.id, p.full_name,
                    row_number() over (order by p.birth_year, p.full_name, p.citizen_id nulls last, p.address, p.id) as n
               from registry.persons p
              where exists (select 1 from approvals.entitlements e where e.person_id = p.id)) p
       cross join lateral (
         select case when p.n % 5 in (1, 2) then 'bank' when p.n % 5 = 3 then 'e_wallet' else 'mobile_money' end as kind,
                case when p.n % 5 in (1, 2) then 'VBA' when p.n % 5 = 3 then 'MOMO' else 'VIETTELMONEY' end as provider,
                case when p.n % 5 in (1, 2) then '3700205' || lpad(p.n::text, 6, '0')
                     else '09' || lpad(((p.n * 7919) % 100000000)::text, 8, '0') end as number
       ) a
      where p.n % 5 <> 0`,
  );
  return rowCount ?? 0;
}

/** The path of Hà Tĩnh in force: the generation reads the entitlements in this scope (its communes of both eras). */
async function provinceScope(client: pg.ClientBase): Promise<string> {
  const { rows } = await client.query<{ path: string }>(
    `select path::text as path from registry.v_units where code = '42' and level = 'province' and valid_to is null`,
  );
  if (!rows[0]) throw new Error('Demo payments need the province 42 in force (the national lists).');
  return rows[0].path;
}

/** Makes the units' lists of `month` with the generation, as drafts; elderly cash lines go by post. */
async function makeDrafts(
  client: pg.ClientBase,
  unitIds: readonly string[],
  month: string,
  scope: string,
): Promise<MadeList[]> {
  const { rows } = await client.query<MadeList>(
    `with made as (
       insert into payments.payment_lists (unit_id, month) select unnest($1::uuid[]), $2
       on conflict (unit_id, month) do nothing returning id, unit_id
     )
     select made.id, u.code from made join registry.administrative_units u on u.id = made.unit_id order by u.code`,
    [unitIds, month],
  );
  const listIds = rows.map((row) => row.id);
  if (!listIds.length) return rows;
  await client.query(`select set_config('ansinh.scope_path', $1, true)`, [scope]);
  await buildDraftLists(client, { listIds, month });
  await client.query(`select set_config('ansinh.scope_path', '', true)`);
  // A line's channel chosen with a reason (on a draft): the generation keeps it.
  await client.query(
    `update payments.payment_lines l set channel = 'post', channel_reason = $2, version = l.version + 1
       from registry.persons p
      where p.id = l.person_id and l.list_id = any($1::uuid[]) and l.channel = 'cash' and p.birth_year < 1940`,
    [listIds, POST_REASON],
  );
  await storeControlTotals(client, listIds);
  return rows;
}

/** Approved (locked) and then being paid, at the times given. */
async function approveAndPay(
  client: pg.ClientBase,
  listIds: readonly string[],
  times: { generated: Date; approved: Date; paying: Date },
): Promise<void> {
  await client.query(
    `update payments.payment_lists
        set generated_at = $2, generated_by_id = $4, generated_by_name = $4,
            state = 'approved', approved_at = $3, approved_by_id = $4, approved_by_name = $4
      where id = any($1::uuid[])`,
    [listIds, times.generated, times.approved, DEMO],
  );
  await client.query(
    `update payments.payment_lists set state = 'paying', paying_at = $2 where id = any($1::uuid[])`,
    [listIds, times.paying],
  );
}

/**
 * A past month paid: most pending lines paid between the 5th and the 14th (one in eleven to an
 * authorised relative), one in nine not collected (others each month: the next list carries the month
 * over); each payment with its daily update.
 */
async function payPastMonth(client: pg.ClientBase, listIds: readonly string[], month: string): Promise<void> {
  await client.query(
    `with ranked as (
       select l.id, row_number() over (partition by l.list_id order by l.line_code)::int as n
         from payments.payment_lines l where l.list_id = any($1::uuid[]) and l.status = 'pending'
     ), paid as (
       select r.id, r.n, ($2::date + (r.n % 10)) as day from ranked r where (r.n + $5) % 9 <> 0
     )
     update payments.payment_lines l
        set status = 'paid', paid_on = p.day,
            paid_at = (p.day + time '08:00' + (p.n % 60) * interval '7 minutes') at time zone 'Asia/Ho_Chi_Minh',
            receiver = case when p.n % 11 = 0 then 'authorised' else 'person' end,
            receiver_name = case when p.n % 11 = 0 then ($3::text[])[1 + p.n % 3] end,
            reference = case when l.channel in ('cash', 'post') then 'PC' else 'GD' end || substr(l.line_code, 3),
            version = l.version + 1,
            updated_at = (p.day + time '08:00' + (p.n % 60) * interval '7 minutes') at time zone 'Asia/Ho_Chi_Minh',
            updated_by_id = $4, updated_by_name = $4
       from paid p where p.id = l.id`,
    [listIds, `${month}-05`, AUTHORISED, DEMO, Number(month.slice(5, 7))],
  );
  await recordUpdates(client, listIds);
}

/** The daily updates of the lists' paid lines that have none yet: by the commune, or from the provider's result file. */
async function recordUpdates(client: pg.ClientBase, listIds: readonly string[]): Promise<void> {
  await client.query(
    `insert into payments.payment_updates
       (line_id, list_id, unit_id, for_date, status, paid_at, receiver, receiver_name, reference, source, late, recorded_at, recorded_by_id, recorded_by_name)
     select l.id, l.list_id, l.unit_id, l.paid_on, 'paid', l.paid_at, l.receiver, l.receiver_name, l.reference,
            case when l.channel in ('bank', 'e_wallet', 'mobile_money') then 'result-file' else 'officer' end,
            l.late, l.updated_at, $2, $2
       from payments.payment_lines l
      where l.list_id = any($1::uuid[]) and l.status = 'paid'
        and not exists (select 1 from payments.payment_updates u where u.line_id = l.id)`,
    [listIds, DEMO],
  );
}

/** Closing, as `closeList` does: totals checked, pending lines unpaid, the months of lines not paid released. */
async function closeDemoLists(
  client: pg.ClientBase,
  listIds: readonly string[],
  closedAt: Date,
): Promise<void> {
  const { rows } = await client.query<{ id: string }>(
    `select p.id from payments.payment_lists p join payments.control_totals($1::uuid[]) t on t.list_id = p.id
      where (p.line_count, p.person_count, p.total_amount, p.held_count, p.held_amount, p.channel_totals)
            is distinct from (t.line_count, t.person_count, t.total_amount, t.held_count, t.held_amount, t.channel_totals)`,
    [listIds],
  );
  if (rows.length)
    throw new Error(`Demo payment lists with wrong control totals: ${rows.map((row) => row.id).join(', ')}`);
  await closeLists(client, listIds, { id: DEMO, name: DEMO }, closedAt);
}

/**
 * A held line for the demo: the ledger's live conflict holds its lines by itself; when there is none
 * (a small demo), the first pending line is held by a recorded adjustment, as an official would.
 */
async function ensureHeldLine(client: pg.ClientBase, listIds: readonly string[]): Promise<void> {
  const { rows } = await client.query(
    `select 1 from payments.payment_lines where list_id = any($1::uuid[]) and status = 'held' limit 1`,
    [listIds],
  );
  if (rows.length) return;
  const {
    rows: [line],
  } = await client.query<{ id: string; list_id: string; unit_id: string }>(
    `select l.id, l.list_id, p.unit_id from payments.payment_lines l join payments.payment_lists p on p.id = l.list_id
      where l.list_id = any($1::uuid[]) and l.status = 'pending' order by l.line_code limit 1`,
    [listIds],
  );
  if (!line) return;
  const reason = 'Chờ xác minh lại nơi cư trú thực tế của đối tượng';
  const {
    rows: [adjustment],
  } = await client.query<{ id: string }>(
    `insert into payments.list_adjustments (list_id, line_id, unit_id, kind, reason, before, after, recorded_by_id, recorded_by_name)
     values ($1, $2, $3, 'hold', $4, $5, $6, $7, $7) returning id`,
    [
      line.list_id,
      line.id,
      line.unit_id,
      reason,
      { status: 'pending' },
      { status: 'held', holdReason: reason },
      DEMO,
    ],
  );
  await client.query(`select set_config('payments.adjustment', $1, true)`, [adjustment!.id]);
  await client.query(
    `update payments.payment_lines set status = 'held', hold_reason = $2, version = version + 1, updated_at = now(), updated_by_id = $3, updated_by_name = $3 where id = $1`,
    [line.id, reason, DEMO],
  );
  await storeControlTotals(client, [line.list_id]);
  await client.query(`select set_config('payments.adjustment', '', true)`);
}

type ReconciledLine = { id: string; line_code: string; total: string; paid_on: string | null };

/**
 * This month being paid: cash and post lines of living persons paid today (two in three) in every commune but one, which
 * has not updated today; one payment of yesterday recorded after yesterday's 17:30 cut-off (late);
 * and the bank's result file read for one commune: two lines paid, one returned, three rows that
 * changed nothing (unknown reference, amount differs, already paid).
 */
async function payThisMonth(
  client: pg.ClientBase,
  lists: readonly MadeList[],
  scene: DemoPaymentScene,
): Promise<void> {
  const today = todayInVietnam(scene.at);
  const yesterday = todayInVietnam(new Date(scene.at.getTime() - 86_400_000));
  // Everything today is recorded before the cut-off, and not after the seed's clock.
  const until = earlier(scene.at, vietnamTime(today, '17:25'));
  const listOf = (code: string | undefined) => lists.find((list) => list.code === code);

  const late = listOf(scene.lateUpdate);
  if (late) {
    await client.query(
      `update payments.payment_lines l
          set status = 'paid', paid_on = $2::date, paid_at = $3, receiver = 'person', reference = 'PC' || substr(l.line_code, 3),
              late = true, version = l.version + 1, updated_at = $4, updated_by_id = $5, updated_by_name = $5
        where l.id = (select x.id from payments.payment_lines x join registry.persons p on p.id = x.person_id
                       where x.list_id = $1 and x.status = 'pending' and x.channel in ('cash', 'post') and p.status = 'living'
                       order by x.line_code limit 1)`,
      [late.id, yesterday, vietnamTime(yesterday, '15:00'), vietnamTime(yesterday, '18:05'), DEMO],
    );
  }

  const reconciled = listOf(scene.reconciled);
  let accountLines: ReconciledLine[] = [];
  if (reconciled) {
    ({ rows: accountLines } = await client.query<ReconciledLine>(
      `select l.id, l.line_code, l.total::text as total, null as paid_on
         from payments.payment_lines l join registry.payment_accounts a on a.id = l.account_id
        where l.list_id = $1 and l.status = 'pending' and l.channel = 'bank' and a.provider_code = $2 and l.one_off = 0
        order by l.line_code limit 5`,
      [reconciled.id, RESULT_FILE_PROVIDER],
    ));
  }
  const [filePaidA, filePaidB, fileReturned, amountDiffers, alreadyPaid] = accountLines;

  // Today's updates by the communes (the line the bank's file then names again among them).
  const updating = lists.filter((list) => list.code !== scene.notUpdatedToday).map((list) => list.id);
  await client.query(
    `with ranked as (
       select l.id, row_number() over (partition by l.list_id order by l.line_code)::int as n
         from payments.payment_lines l join registry.persons p on p.id = l.person_id
        where l.list_id = any($1::uuid[]) and l.status = 'pending' and p.status = 'living' and (l.channel in ('cash', 'post') or l.id = $5)
     ), paid as (
       select r.id, r.n, least(($2::date + time '08:00' + (r.n % 60) * interval '5 minutes') at time zone 'Asia/Ho_Chi_Minh', $3::timestamptz) as at
         from ranked r where r.n % 3 <> 0 or r.id = $5
     )
     update payments.payment_lines l
        set status = 'paid', paid_on = $2::date, paid_at = p.at,
            receiver = case when p.n % 11 = 0 then 'authorised' else 'person' end,
            receiver_name = case when p.n % 11 = 0 then ($6::text[])[1 + p.n % 3] end,
            reference = case when l.channel in ('cash', 'post') then 'PC' else 'GD' end || substr(l.line_code, 3),
            version = l.version + 1, updated_at = least(p.at + interval '20 minutes', $3::timestamptz), updated_by_id = $4, updated_by_name = $4
       from paid p where p.id = l.id`,
    [updating, today, until, DEMO, alreadyPaid?.id ?? null, AUTHORISED],
  );
  await client.query(
    `insert into payments.payment_updates
       (line_id, list_id, unit_id, for_date, status, paid_at, receiver, receiver_name, reference, source, late, recorded_at, recorded_by_id, recorded_by_name)
     select l.id, l.list_id, l.unit_id, l.paid_on, 'paid', l.paid_at, l.receiver, l.receiver_name, l.reference, 'officer', l.late, l.updated_at, $2, $2
       from payments.payment_lines l
      where l.list_id = any($1::uuid[]) and l.status = 'paid'`,
    [lists.map((list) => list.id), DEMO],
  );
  if (!reconciled) return;

  // The bank's result file, read at the commune: what matched changed its line, the rest nothing.
  const fileAt = earlier(until, vietnamTime(today, '14:00'));
  const matched = [filePaidA, filePaidB].filter((line) => line !== undefined);
  for (const line of matched) {
    await client.query(
      `update payments.payment_lines set status = 'paid', paid_on = $2::date, paid_at = $3, receiver = 'person', reference = $4,
              version = version + 1, updated_at = $3, updated_by_id = $5, updated_by_name = $5 where id = $1`,
      [line.id, today, fileAt, `VBA${line.line_code.slice(2)}`, DEMO],
    );
  }
  const returnedNote = 'Tài khoản người nhận đã đóng';
  if (fileReturned) {
    await client.query(
      `update payments.payment_lines set status = 'returned', status_note = $2, version = version + 1, updated_at = $3, updated_by_id = $4, updated_by_name = $4 where id = $1`,
      [fileReturned.id, returnedNote, fileAt, DEMO],
    );
  }
  await client.query(
    `insert into payments.payment_updates
       (line_id, list_id, unit_id, for_date, status, paid_at, receiver, reference, note, source, late, recorded_at, recorded_by_id, recorded_by_name)
     select l.id, l.list_id, l.unit_id, $2::date, l.status, l.paid_at, l.receiver, l.reference, l.status_note, 'result-file', false, $3, $4, $4
       from payments.payment_lines l where l.id = any($1::uuid[])`,
    [
      [...matched, fileReturned].filter((line) => line !== undefined).map((line) => line.id),
      today,
      fileAt,
      DEMO,
    ],
  );
  const mismatches: object[] = [];
  let row = matched.length + (fileReturned ? 1 : 0);
  if (alreadyPaid) {
    row += 1;
    mismatches.push({
      row,
      reference: alreadyPaid.line_code,
      kind: 'ALREADY_PAID',
      expectedAmount: null,
      foundAmount: null,
      message: `Dòng ${alreadyPaid.line_code} đã được ghi nhận chi trả ngày ${displayDate(today)}: kết quả này không được ghi.`,
    });
  }
  if (amountDiffers) {
    row += 1;
    const expected = Number(amountDiffers.total);
    const found = expected - 50_000;
    mismatches.push({
      row,
      reference: amountDiffers.line_code,
      kind: 'AMOUNT_DIFFERS',
      expectedAmount: expected,
      foundAmount: found,
      message: `Số tiền của dòng ${amountDiffers.line_code} là ${expected.toLocaleString('vi-VN')} đồng, tệp ghi ${found.toLocaleString('vi-VN')} đồng.`,
    });
  }
  row += 1;
  const unknown = 'CT999999999';
  mismatches.push({
    row,
    reference: unknown,
    kind: 'UNKNOWN_REFERENCE',
    expectedAmount: null,
    foundAmount: null,
    message: `Mã dòng ${unknown} không có trong danh sách chi trả nào thuộc phạm vi của bạn.`,
  });
  await client.query(
    `insert into payments.reconciliations (list_id, unit_id, provider, file_id, file_name, rows, matched_paid, matched_failed, mismatches, recorded_at, recorded_by_id, recorded_by_name)
     select p.id, p.unit_id, $2, null, $3, $4, $5, $6, $7::jsonb, $8, $9, $9 from payments.payment_lists p where p.id = $1`,
    [
      reconciled.id,
      RESULT_FILE_PROVIDER,
      `VBA_ket_qua_${today.replaceAll('-', '')}.csv`,
      row,
      matched.length,
      fileReturned ? 1 : 0,
      JSON.stringify(mismatches),
      fileAt,
      DEMO,
    ],
  );
}

/**
 * The units' lists of each month, in order: made by the generation, approved, paid and, for months
 * before the current one, closed; the current month's are being paid (its scenes in `scene`). A month
 * after the current one gets nothing. Returns the number of lists made.
 */
export async function seedDemoPaymentLists(
  client: pg.ClientBase,
  unitIds: readonly string[],
  months: readonly string[],
  scene: DemoPaymentScene,
): Promise<number> {
  if (!unitIds.length) return 0;
  const scope = await provinceScope(client);
  let made = 0;
  for (const month of months) {
    if (month > scene.currentMonth) break;
    const lists = await makeDrafts(client, unitIds, month, scope);
    const listIds = lists.map((list) => list.id);
    if (!listIds.length) continue;
    made += listIds.length;
    if (month < scene.currentMonth) {
      await approveAndPay(client, listIds, {
        generated: vietnamTime(`${month}-01`, '07:30'),
        approved: vietnamTime(`${month}-02`, '10:00'),
        paying: vietnamTime(`${month}-03`, '07:30'),
      });
      await payPastMonth(client, listIds, month);
      await closeDemoLists(client, listIds, vietnamTime(`${month}-25`, '16:30'));
    } else {
      // Made the day before at the latest (on the 1st, the month's lists were ready the evening before).
      const yesterday = todayInVietnam(new Date(scene.at.getTime() - 86_400_000));
      const first = `${month}-01` < yesterday ? `${month}-01` : yesterday;
      await approveAndPay(client, listIds, {
        generated: vietnamTime(first, '07:00'),
        approved: vietnamTime(first, '07:30'),
        paying: vietnamTime(first, '08:00'),
      });
      await ensureHeldLine(client, listIds);
      await payThisMonth(client, lists, scene);
    }
  }
  return made;
}

/** How many payment lists and lines the database has (the demo's, after the seed). */
export async function countPayments(client: pg.ClientBase): Promise<{ lists: number; lines: number }> {
  const { rows } = await client.query<{ lists: number; lines: number }>(
    `select (select count(*) from payments.payment_lists)::int as lists, (select count(*) from payments.payment_lines)::int as lines`,
  );
  return rows[0]!;
}
