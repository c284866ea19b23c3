import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  addMonths,
  applyScopedSession,
  currentMonth,
  scopeSessionContext,
  Session,
  todayInVietnam,
  type ReportRow,
  type ReportTable,
} from '@ansinh/common';
import {
  formerUnitId,
  graphql,
  provinceSystemToken,
  sqlRows,
  startSeededSubgraph,
  tokenFor,
  type SeededSubgraph,
} from '@ansinh/tests/support';
import pg from 'pg';
import {
  dataCompletenessReport,
  lateDailyUpdatesReport,
  missingPaymentListsReport,
} from '../src/compliance/compliance.reports.ts';
import { renderMissingMonths } from '../src/compliance/missing-months.rules.ts';
import type { ReportArguments, ReportDefinition } from '../src/exports/report-definition.ts';
import { reportingSubgraph } from '../src/index.ts';

let seeded: SeededSubgraph;

beforeAll(async () => {
  seeded = await startSeededSubgraph(reportingSubgraph);
}, 120_000);

afterAll(() => seeded?.stop());

const owner = (text: string, params: unknown[] = []) => sqlRows(seeded.database.url, text, params);

const MONTH = currentMonth();
const TODAY = todayInVietnam();
/** From January 2025 (the demo's first lists, before the reform) when that is within the 60 months a query takes. */
const FROM_MONTH = addMonths(MONTH, -59) > '2025-01' ? addMonths(MONTH, -59) : '2025-01';
const dayShift = (day: string, days: number) =>
  new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
/** The longest range of days a query takes, ending today. */
const FROM_DATE = dayShift(TODAY, -91);

/** The paths the unit a code names today reads (itself and the units merged whole into it), from the registry's table. */
async function scopePathsOf(code: string): Promise<string[]> {
  const [row] = await owner(
    `select scope_paths::text[] as paths from registry.administrative_units
      where code = $1 order by valid_to is null desc, valid_to desc limit 1`,
    [code],
  );
  return row!.paths;
}

function monthsBetween(first: string, last: string): string[] {
  const months: string[] = [];
  for (let month = first; month <= last; month = addMonths(month, 1)) months.push(month);
  return months;
}

type UnitVersion = { id: string; code: string; valid_from: string | null; valid_to: string | null };
const byUnitVersion = (a: UnitVersion, b: UnitVersion) =>
  a.code.localeCompare(b.code) || (a.valid_from ?? '').localeCompare(b.valid_from ?? '');

/**
 * What `missingPaymentLists` must answer, worked out here from the owners' tables: every commune under the
 * unit's paths, for each month of the range it was in force on the month's first day, lacking a list
 * approved, paying or closed.
 */
async function expectedMissing(code: string, fromMonth: string, toMonth: string) {
  const communes = (await owner(
    `select u.id, u.code, u.valid_from::text as valid_from, u.valid_to::text as valid_to, p.code as province
       from registry.administrative_units u
       join registry.administrative_units p on p.path = subpath(u.path, 0, 1)
      where u.level = 'commune' and u.path <@ $1::ltree[]`,
    [await scopePathsOf(code)],
  )) as (UnitVersion & { province: string })[];
  const made = new Set(
    (
      await owner(
        `select unit_id, month from payments.payment_lists where state in ('approved', 'paying', 'closed')`,
      )
    ).map((row) => `${row.unit_id} ${row.month}`),
  );
  const inForce = (unit: UnitVersion, month: string) =>
    (unit.valid_from === null || unit.valid_from <= `${month}-01`) &&
    (unit.valid_to === null || unit.valid_to >= `${month}-01`);
  const months = monthsBetween(fromMonth, toMonth);
  const checked = communes.filter((unit) => months.some((month) => inForce(unit, month)));
  const rows = checked
    .sort((a, b) => a.province.localeCompare(b.province) || byUnitVersion(a, b))
    .map((unit) => ({
      province: unit.province,
      code: unit.code,
      former: unit.valid_to !== null && unit.valid_to < TODAY,
      missingMonths: months.filter((month) => inForce(unit, month) && !made.has(`${unit.id} ${month}`)),
    }))
    .filter((row) => row.missingMonths.length > 0)
    .map((row) => ({ ...row, rendered: renderMissingMonths(row.missingMonths) }));
  return { unitsChecked: checked.length, rows };
}

/**
 * What `lateDailyUpdates` must answer, worked out here from the owners' tables: each commune under the
 * unit's paths with a list of the day's month that was paying at some time of the day (Vietnam), on each
 * Monday–Friday that is not a public holiday, and its updates recorded for the day.
 */
async function expectedLateDays(code: string, fromDate: string, toDate: string) {
  const holidays = new Set(
    (await owner(`select day::text as day from approvals.public_holidays`)).map((row) => row.day as string),
  );
  const lists = await owner(
    `select l.unit_id, u.code, u.valid_from::text as valid_from, l.month, l.paying_at, l.closed_at
       from payments.payment_lists l join registry.administrative_units u on u.id = l.unit_id
      where u.level = 'commune' and u.path <@ $1::ltree[] and l.paying_at is not null`,
    [await scopePathsOf(code)],
  );
  const recorded = new Map(
    (
      await owner(
        `select unit_id, for_date::text as day, count(*)::int as updates, (count(*) filter (where late))::int as late
           from payments.payment_updates where for_date between $1 and $2 group by 1, 2`,
        [fromDate, toDate],
      )
    ).map((row) => [`${row.unit_id} ${row.day}`, row]),
  );
  const checked = new Map<string, { unitId: string; code: string; validFrom: string | null; day: string }>();
  let workingDays = 0;
  for (let day = fromDate; day <= toDate; day = dayShift(day, 1)) {
    const weekday = new Date(`${day}T00:00:00Z`).getUTCDay();
    if (weekday === 0 || weekday === 6 || holidays.has(day)) continue;
    workingDays += 1;
    const begins = new Date(`${day}T00:00:00+07:00`).getTime();
    const ends = begins + 86_400_000;
    for (const list of lists) {
      const paying = new Date(list.paying_at).getTime() < ends;
      const open = list.closed_at === null || new Date(list.closed_at).getTime() >= begins;
      if (list.month === day.slice(0, 7) && paying && open) {
        checked.set(`${list.unit_id} ${day}`, {
          unitId: list.unit_id,
          code: list.code,
          validFrom: list.valid_from,
          day,
        });
      }
    }
  }
  const judged = [...checked.values()].map((entry) => {
    const day = recorded.get(`${entry.unitId} ${entry.day}`);
    const status = !day ? 'MISSING' : day.late > 0 ? 'LATE' : null;
    return { ...entry, status, updates: day?.updates ?? 0, lateUpdates: day?.late ?? 0 };
  });
  const rows = judged
    .filter((row) => row.status !== null)
    .sort(
      (a, b) =>
        a.code.localeCompare(b.code) ||
        (a.validFrom ?? '').localeCompare(b.validFrom ?? '') ||
        a.day.localeCompare(b.day),
    )
    .map((row) => ({
      code: row.code,
      date: row.day,
      status: row.status,
      updates: row.updates,
      lateUpdates: row.lateUpdates,
    }));
  return {
    workingDays,
    communesChecked: new Set(judged.map((row) => row.unitId)).size,
    communeDaysChecked: judged.length,
    missingDays: rows.filter((row) => row.status === 'MISSING').length,
    lateDays: rows.filter((row) => row.status === 'LATE').length,
    rows,
  };
}

/**
 * What `dataCompleteness` must answer per commune and in total, from the owners' tables with the registry's
 * dataGaps definitions: living persons; CCCD, unknown gender, ethnicity, no account of any kind; and among
 * those with a monthly entitlement due this month by the approvals' ledger, a missing decision number or date.
 */
async function expectedCompleteness(code: string) {
  const persons = await owner(
    `with active as (
       select e.person_id, e.decision_number, e.decision_date from approvals.entitlements e
        where approvals.entitlement_amount(e.id, to_char(now() at time zone 'Asia/Ho_Chi_Minh', 'YYYY-MM')) is not null
          and e.category_id in (select id from approvals.categories where payment = 'monthly'))
     select u.id as unit_id, u.level,
            p.citizen_id is null as citizen_id, p.gender = 'unknown' as gender, p.ethnicity_code is null as ethnicity,
            not exists (select 1 from registry.payment_accounts a where a.person_id = p.id) as account,
            exists (select 1 from active e where e.person_id = p.id) as beneficiary,
            exists (select 1 from active e where e.person_id = p.id and coalesce(e.decision_number, '') = '') as number,
            exists (select 1 from active e where e.person_id = p.id and e.decision_date is null) as date
       from registry.persons p join registry.administrative_units u on u.id = p.residence_unit_id
      where p.status = 'living' and u.path <@ $1::ltree[]`,
    [await scopePathsOf(code)],
  );
  const figures = (rows: typeof persons) => {
    const count = (field: string) => rows.filter((row) => row[field]).length;
    const beneficiaries = count('beneficiary');
    const gap = (missing: number, outOf: number) => ({
      missing,
      outOf,
      percent: outOf === 0 ? null : Math.round((missing * 1000) / outOf) / 10,
    });
    return {
      persons: rows.length,
      beneficiaries,
      citizenId: gap(count('citizen_id'), rows.length),
      gender: gap(count('gender'), rows.length),
      ethnicity: gap(count('ethnicity'), rows.length),
      decisionNumber: gap(count('number'), beneficiaries),
      decisionDate: gap(count('date'), beneficiaries),
      paymentAccount: gap(count('account'), rows.length),
    };
  };
  const byUnit = new Map<string, typeof persons>();
  for (const person of persons) byUnit.set(person.unit_id, [...(byUnit.get(person.unit_id) ?? []), person]);
  return { total: figures(persons), of: (unitId: string) => figures(byUnit.get(unitId) ?? []) };
}

const MISSING = `query ($unitCode: ID!, $fromMonth: String!, $toMonth: String!) {
  missingPaymentLists(unitCode: $unitCode, fromMonth: $fromMonth, toMonth: $toMonth) {
    unit { code level former }
    fromMonth toMonth unitsChecked
    rows { province { code name } unit { unit { id } code name fullName level former validTo } missingMonths rendered }
  }
}`;

const LATE = `query ($unitCode: ID!, $fromDate: String!, $toDate: String!, $first: Int, $offset: Int) {
  lateDailyUpdates(unitCode: $unitCode, fromDate: $fromDate, toDate: $toDate, first: $first, offset: $offset) {
    unit { code }
    workingDays communesChecked communeDaysChecked missingDays lateDays
    rows { unit { unit { id } code fullName former validTo } date status updates lateUpdates firstRecordedAt lastRecordedAt }
  }
}`;

const GAP = 'missing outOf percent';
const COMPLETENESS = `query ($unitCode: ID!, $groupBy: DataCompletenessGrouping) {
  dataCompleteness(unitCode: $unitCode, groupBy: $groupBy) {
    groupBy
    rows { unit { unit { id } code level former } persons beneficiaries citizenId { ${GAP} } gender { ${GAP} }
           ethnicity { ${GAP} } decisionNumber { ${GAP} } decisionDate { ${GAP} } paymentAccount { ${GAP} } }
    total { unit { code } persons beneficiaries citizenId { ${GAP} } gender { ${GAP} }
            ethnicity { ${GAP} } decisionNumber { ${GAP} } decisionDate { ${GAP} } paymentAccount { ${GAP} } }
  }
}`;

async function ask(username: string, query: string, variables: Record<string, unknown>) {
  return graphql(seeded.subgraph.url, query, { token: await tokenFor(username), variables });
}

const missingShape = (answer: any) =>
  answer.rows.map((row: any) => ({
    province: row.province.code,
    code: row.unit.code,
    former: row.unit.former,
    missingMonths: row.missingMonths,
    rendered: row.rendered,
  }));

/** A report's table read as the export job reads it: in one transaction scoped as the user of `scopePath`. */
async function exportedTable(
  report: ReportDefinition,
  scopePath: string,
  args: ReportArguments,
): Promise<{ table: ReportTable; rows: ReportRow[] }> {
  const client = new pg.Client({ connectionString: seeded.database.url });
  await client.connect();
  try {
    await client.query('begin');
    await applyScopedSession(client, scopeSessionContext('reporting', scopePath));
    const table = await report.table(client, args, new AbortController().signal);
    const rows: ReportRow[] = [];
    for await (const row of table.rows) rows.push(row);
    await client.query('rollback');
    return { table, rows };
  } finally {
    await client.end();
  }
}

async function scopePathOfUser(code: string): Promise<string> {
  const [row] = await owner(
    `select path::text as path from registry.administrative_units where code = $1 order by valid_to is null desc, valid_to desc limit 1`,
    [code],
  );
  return row!.path;
}

describe('missing payment lists', () => {
  it("lists the province's communes of both eras with the months they lack, as computed from the tables", async () => {
    const answer = await ask('tinh.42', MISSING, { unitCode: '42', fromMonth: FROM_MONTH, toMonth: MONTH });
    expect(answer.errors).toBeUndefined();
    const report = answer.data!.missingPaymentLists;
    const expected = await expectedMissing('42', FROM_MONTH, MONTH);
    expect(report.unitsChecked).toBe(expected.unitsChecked);
    expect(missingShape(report)).toEqual(expected.rows);
    expect(report.unit).toEqual({ code: '42', level: 'PROVINCE', former: false });
    // The demo's current communes have every list since the reform; the old ones none after 6/2025.
    const rowsOf = (code: string) => report.rows.filter((row: any) => row.unit.code === code);
    expect(rowsOf('18073').every((row: any) => row.unit.former)).toBe(true);
    for (const row of report.rows.filter((row: any) => row.unit.former)) {
      expect(row.missingMonths.every((month: string) => month <= '2025-06')).toBe(true);
    }
    expect(report.rows.some((row: any) => row.rendered === '> 5 tháng')).toBe(true);
  });

  it('moves when a list is made and approved for a missing month', async () => {
    // Old 18253 Yên Hồ (merged whole into today's 18262 Đức Quang) made no list before the reform.
    const before = await ask('xa.18262', MISSING, {
      unitCode: '18262',
      fromMonth: '2025-01',
      toMonth: '2025-06',
    });
    expect(before.errors).toBeUndefined();
    const yenHo = () => before.data!.missingPaymentLists.rows.find((row: any) => row.unit.code === '18253');
    expect(yenHo().missingMonths).toEqual(monthsBetween('2025-01', '2025-06'));
    expect(yenHo().rendered).toBe('> 5 tháng');

    const [list] = await owner(
      `insert into payments.payment_lists (unit_id, month) values (${formerUnitId('$1')}, '2025-03') returning id`,
      ['18253'],
    );
    const draft = await ask('xa.18262', MISSING, {
      unitCode: '18262',
      fromMonth: '2025-01',
      toMonth: '2025-06',
    });
    const stillMissing = draft.data!.missingPaymentLists.rows.find((row: any) => row.unit.code === '18253');
    expect(stillMissing.missingMonths).toContain('2025-03'); // a draft is not a list made

    await owner(`update payments.payment_lists set state = 'approved', approved_at = now() where id = $1`, [
      list!.id,
    ]);
    const after = await ask('xa.18262', MISSING, {
      unitCode: '18262',
      fromMonth: '2025-01',
      toMonth: '2025-06',
    });
    const moved = after.data!.missingPaymentLists.rows.find((row: any) => row.unit.code === '18253');
    expect(moved.missingMonths).toEqual(['2025-01', '2025-02', '2025-04', '2025-05', '2025-06']);
    expect(moved.rendered).toBe('1/2025, 2/2025 & 4/2025 -> 6/2025');
    expect(missingShape(after.data!.missingPaymentLists)).toEqual(
      (await expectedMissing('18262', '2025-01', '2025-06')).rows,
    );
  });

  it("shows a former district its own communes before the reform only, and refuses it today's units", async () => {
    const answer = await ask('huyen.436', MISSING, {
      unitCode: '436',
      fromMonth: FROM_MONTH,
      toMonth: MONTH,
    });
    expect(answer.errors).toBeUndefined();
    const report = answer.data!.missingPaymentLists;
    expect(report.unit).toEqual({ code: '436', level: 'DISTRICT', former: true });
    expect(missingShape(report)).toEqual((await expectedMissing('436', FROM_MONTH, MONTH)).rows);
    expect(report.rows.length).toBeGreaterThan(0);
    for (const row of report.rows) {
      expect(row.unit).toMatchObject({ former: true, validTo: '2025-06-30', level: 'COMMUNE' });
    }
    for (const code of ['42', '18073']) {
      const refused = await ask('huyen.436', MISSING, {
        unitCode: code,
        fromMonth: FROM_MONTH,
        toMonth: MONTH,
      });
      expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    }
  });

  it('shows a commune its own units only, and refuses another commune or the province', async () => {
    const own = await ask('xa.18229', MISSING, { unitCode: '18229', fromMonth: FROM_MONTH, toMonth: MONTH });
    expect(own.errors).toBeUndefined();
    expect(missingShape(own.data!.missingPaymentLists)).toEqual(
      (await expectedMissing('18229', FROM_MONTH, MONTH)).rows,
    );
    const paths = await scopePathsOf('18229');
    const [{ count }] = (await owner(
      `select count(*)::int as count from registry.administrative_units where id = any($1::uuid[]) and not (path <@ $2::ltree[])`,
      [own.data!.missingPaymentLists.rows.map((row: any) => row.unit.unit.id), paths],
    )) as [{ count: number }];
    expect(count).toBe(0);
    for (const code of ['18073', '42']) {
      const refused = await ask('xa.18229', MISSING, {
        unitCode: code,
        fromMonth: FROM_MONTH,
        toMonth: MONTH,
      });
      expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      expect(refused.data).toBeNull();
    }
  });

  it('refuses bad ranges, codes, and callers without the right', async () => {
    const refusal = async (variables: Record<string, unknown>, code: string, field?: string) => {
      const answer = await ask('tinh.42', MISSING, { unitCode: '42', ...variables });
      expect(answer.errors?.[0]?.extensions).toMatchObject({ code, ...(field ? { field } : {}) });
      expect(answer.errors?.[0]?.message).toMatch(/[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]/);
    };
    await refusal({ fromMonth: '2025-1', toMonth: MONTH }, 'BAD_USER_INPUT', 'fromMonth');
    await refusal({ fromMonth: '2025-01', toMonth: '13/2025' }, 'BAD_USER_INPUT', 'toMonth');
    await refusal({ fromMonth: MONTH, toMonth: addMonths(MONTH, -1) }, 'BAD_USER_INPUT', 'fromMonth');
    await refusal({ fromMonth: MONTH, toMonth: addMonths(MONTH, 1) }, 'BAD_USER_INPUT', 'toMonth');
    await refusal({ fromMonth: addMonths(MONTH, -60), toMonth: MONTH }, 'BAD_USER_INPUT', 'fromMonth');
    await refusal({ unitCode: '4x', fromMonth: FROM_MONTH, toMonth: MONTH }, 'BAD_USER_INPUT', 'unitCode');
    await refusal({ unitCode: '99999', fromMonth: FROM_MONTH, toMonth: MONTH }, 'NOT_FOUND');
    const variables = { unitCode: '42', fromMonth: FROM_MONTH, toMonth: MONTH };
    const system = await graphql(seeded.subgraph.url, MISSING, {
      token: await provinceSystemToken(),
      variables,
    });
    expect(system.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const anonymous = await graphql(seeded.subgraph.url, MISSING, { variables });
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it("exports the ministry's layout with the same rows", async () => {
    const answer = await ask('tinh.42', MISSING, { unitCode: '42', fromMonth: FROM_MONTH, toMonth: MONTH });
    const { table, rows } = await exportedTable(missingPaymentListsReport, await scopePathOfUser('42'), {
      unitCode: '42',
      fromMonth: FROM_MONTH,
      toMonth: MONTH,
    });
    expect(table.columns.map((column) => column.header)).toEqual([
      'STT',
      'Tỉnh',
      'Đơn vị',
      'Các tháng chưa lập danh sách chi trả',
    ]);
    expect(table.subtitle).toContain('Tỉnh Hà Tĩnh');
    const report = answer.data!.missingPaymentLists;
    expect(rows).toHaveLength(report.rows.length);
    rows.forEach((row, index) => {
      const expected = report.rows[index];
      expect(row['index']).toBe(index + 1);
      expect(row['province']).toBe('Hà Tĩnh');
      expect(row['unit']).toContain(`${expected.unit.fullName} (${expected.unit.code}`);
      expect(row['months']).toBe(expected.rendered);
    });
    expect(() =>
      missingPaymentListsReport.check(
        { unitCode: '42', fromMonth: MONTH, toMonth: addMonths(MONTH, 1) },
        Session.anonymous(),
      ),
    ).toThrow(expect.objectContaining({ code: 'BAD_USER_INPUT', field: 'input.toMonth' }));
    expect(() =>
      missingPaymentListsReport.check(
        { unitCode: '42', fromMonth: FROM_MONTH, toMonth: MONTH, fromDate: TODAY },
        Session.anonymous(),
      ),
    ).toThrow(expect.objectContaining({ code: 'BAD_USER_INPUT', field: 'input.fromDate' }));
  });
});

describe('late daily updates', () => {
  const lateShape = (answer: any) =>
    answer.rows.map((row: any) => ({
      code: row.unit.code,
      date: row.date,
      status: row.status,
      updates: row.updates,
      lateUpdates: row.lateUpdates,
    }));
  const summaryOf = (answer: any) => ({
    workingDays: answer.workingDays,
    communesChecked: answer.communesChecked,
    communeDaysChecked: answer.communeDaysChecked,
    missingDays: answer.missingDays,
    lateDays: answer.lateDays,
  });

  it("flags the province's communes missing or late on working days, as computed from the tables", async () => {
    const answer = await ask('tinh.42', LATE, {
      unitCode: '42',
      fromDate: FROM_DATE,
      toDate: TODAY,
      first: 2000,
    });
    expect(answer.errors).toBeUndefined();
    const report = answer.data!.lateDailyUpdates;
    const expected = await expectedLateDays('42', FROM_DATE, TODAY);
    expect(expected.communeDaysChecked).toBeGreaterThan(0);
    expect(summaryOf(report)).toEqual(summaryOf(expected));
    expect(lateShape(report)).toEqual(expected.rows);
    const holidays = new Set(
      (await owner(`select day::text as day from approvals.public_holidays`)).map((row) => row.day),
    );
    const working = (day: string) =>
      ![0, 6].includes(new Date(`${day}T00:00:00Z`).getUTCDay()) && !holidays.has(day);
    // The demo: 18262 Đức Quang has not updated today; 18229 Đức Thọ recorded yesterday's payment after 17:30.
    if (working(TODAY)) {
      expect(report.rows).toContainEqual(
        expect.objectContaining({
          date: TODAY,
          status: 'MISSING',
          unit: expect.objectContaining({ code: '18262' }),
        }),
      );
    }
    const yesterday = dayShift(TODAY, -1);
    if (working(yesterday) && yesterday.slice(0, 7) === MONTH) {
      const late = report.rows.find((row: any) => row.unit.code === '18229' && row.date === yesterday);
      expect(late).toMatchObject({ status: 'LATE', lateUpdates: 1 });
      expect(new Date(late.lastRecordedAt).getTime()).toBeGreaterThanOrEqual(
        new Date(`${yesterday}T17:30:00+07:00`).getTime(),
      );
    }
  });

  it('moves when a commune records the day, and again when it records after the cut-off', async () => {
    const before = await ask('xa.18262', LATE, {
      unitCode: '18262',
      fromDate: FROM_DATE,
      toDate: TODAY,
      first: 2000,
    });
    expect(before.errors).toBeUndefined();
    const missing = before.data!.lateDailyUpdates.rows.filter((row: any) => row.status === 'MISSING').at(-1);
    expect(missing).toBeDefined();
    const [line] = await owner(
      `select l.id, l.list_id, l.unit_id from payments.payment_lines l join payments.payment_lists p on p.id = l.list_id
        where p.unit_id = $1 and p.month = $2 limit 1`,
      [missing.unit.unit.id, missing.date.slice(0, 7)],
    );
    const record = (at: string, late: boolean) =>
      owner(
        `insert into payments.payment_updates (line_id, list_id, unit_id, for_date, status, source, late, recorded_at, recorded_by_id, recorded_by_name)
         values ($1, $2, $3, $4, 'unpaid', 'officer', $5, $6, 'test', 'test')`,
        [line!.id, line!.list_id, line!.unit_id, missing.date, late, at],
      );
    await record(`${missing.date}T10:00:00+07:00`, false);
    const recorded = await ask('xa.18262', LATE, {
      unitCode: '18262',
      fromDate: FROM_DATE,
      toDate: TODAY,
      first: 2000,
    });
    const report = recorded.data!.lateDailyUpdates;
    expect(report.rows.find((row: any) => row.date === missing.date)).toBeUndefined();
    expect(report.missingDays).toBe(before.data!.lateDailyUpdates.missingDays - 1);

    await record(`${missing.date}T17:45:00+07:00`, true);
    const late = await ask('xa.18262', LATE, {
      unitCode: '18262',
      fromDate: FROM_DATE,
      toDate: TODAY,
      first: 2000,
    });
    const row = late.data!.lateDailyUpdates.rows.find((each: any) => each.date === missing.date);
    expect(row).toMatchObject({ status: 'LATE', updates: 2, lateUpdates: 1 });
    expect(row.firstRecordedAt).toBe(new Date(`${missing.date}T10:00:00+07:00`).toISOString());
    expect(row.lastRecordedAt).toBe(new Date(`${missing.date}T17:45:00+07:00`).toISOString());
    expect(lateShape(late.data!.lateDailyUpdates)).toEqual(
      (await expectedLateDays('18262', FROM_DATE, TODAY)).rows,
    );
  });

  it('pages the rows', async () => {
    const all = await ask('tinh.42', LATE, {
      unitCode: '42',
      fromDate: FROM_DATE,
      toDate: TODAY,
      first: 2000,
    });
    const page = await ask('tinh.42', LATE, {
      unitCode: '42',
      fromDate: FROM_DATE,
      toDate: TODAY,
      first: 2,
      offset: 1,
    });
    expect(page.data!.lateDailyUpdates.rows).toEqual(all.data!.lateDailyUpdates.rows.slice(1, 3));
    expect(page.data!.lateDailyUpdates.missingDays).toBe(all.data!.lateDailyUpdates.missingDays);
  });

  it('shows a former district its communes before the reform, and a commune only its own', async () => {
    const district = await ask('huyen.436', LATE, {
      unitCode: '436',
      fromDate: '2025-04-01',
      toDate: '2025-06-30',
    });
    expect(district.errors).toBeUndefined();
    const expected = await expectedLateDays('436', '2025-04-01', '2025-06-30');
    expect(expected.communeDaysChecked).toBeGreaterThan(0);
    expect(summaryOf(district.data!.lateDailyUpdates)).toEqual(summaryOf(expected));
    expect(lateShape(district.data!.lateDailyUpdates)).toEqual(expected.rows.slice(0, 500));
    for (const row of district.data!.lateDailyUpdates.rows) expect(row.unit.former).toBe(true);
    const today = await ask('huyen.436', LATE, { unitCode: '436', fromDate: FROM_DATE, toDate: TODAY });
    expect(today.data!.lateDailyUpdates).toMatchObject({ communesChecked: 0, rows: [] });

    const own = await ask('xa.18229', LATE, {
      unitCode: '18229',
      fromDate: FROM_DATE,
      toDate: TODAY,
      first: 2000,
    });
    expect(lateShape(own.data!.lateDailyUpdates)).toEqual(
      (await expectedLateDays('18229', FROM_DATE, TODAY)).rows,
    );
    for (const [username, code] of [
      ['xa.18229', '18262'],
      ['xa.18229', '42'],
      ['huyen.436', '42'],
    ] as const) {
      const refused = await ask(username, LATE, { unitCode: code, fromDate: FROM_DATE, toDate: TODAY });
      expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    }
  });

  it('refuses bad days and pages', async () => {
    const refusal = async (variables: Record<string, unknown>, field: string) => {
      const answer = await ask('tinh.42', LATE, {
        unitCode: '42',
        fromDate: FROM_DATE,
        toDate: TODAY,
        ...variables,
      });
      expect(answer.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    };
    await refusal({ fromDate: '2026-02-30' }, 'fromDate');
    await refusal({ toDate: '03/12/2026' }, 'toDate');
    await refusal({ toDate: dayShift(TODAY, 1) }, 'toDate');
    await refusal({ fromDate: dayShift(TODAY, -92) }, 'fromDate');
    await refusal({ fromDate: TODAY, toDate: dayShift(TODAY, -1) }, 'fromDate');
    await refusal({ first: 0 }, 'first');
    await refusal({ first: 2001 }, 'first');
    await refusal({ offset: -1 }, 'offset');
  });

  it('exports every row, streamed, with the same content', async () => {
    const answer = await ask('tinh.42', LATE, {
      unitCode: '42',
      fromDate: FROM_DATE,
      toDate: TODAY,
      first: 2000,
    });
    const { table, rows } = await exportedTable(lateDailyUpdatesReport, await scopePathOfUser('42'), {
      unitCode: '42',
      fromDate: FROM_DATE,
      toDate: TODAY,
    });
    expect(table.columns.map((column) => column.header)).toEqual([
      'STT',
      'Đơn vị',
      'Ngày',
      'Tình trạng',
      'Số lượt cập nhật',
      'Số lượt sau 17:30',
      'Lần ghi nhận cuối',
    ]);
    const report = answer.data!.lateDailyUpdates;
    expect(rows).toHaveLength(report.missingDays + report.lateDays);
    expect(rows.map((row) => [row['date'], row['status'], row['updates']])).toEqual(
      report.rows.map((row: any) => [
        row.date,
        row.status === 'MISSING' ? 'Chưa cập nhật' : 'Cập nhật sau 17:30',
        row.updates,
      ]),
    );
    expect(() =>
      lateDailyUpdatesReport.check(
        { unitCode: '42', fromDate: dayShift(TODAY, -92), toDate: TODAY },
        Session.anonymous(),
      ),
    ).toThrow(expect.objectContaining({ code: 'BAD_USER_INPUT', field: 'input.fromDate' }));
  });
});

describe('data completeness', () => {
  it("counts each of the province's communes and the total as the owners' tables say", async () => {
    const answer = await ask('tinh.42', COMPLETENESS, { unitCode: '42' });
    expect(answer.errors).toBeUndefined();
    const report = answer.data!.dataCompleteness;
    expect(report.groupBy).toBe('COMMUNE');
    const expected = await expectedCompleteness('42');
    expect(expected.total.persons).toBeGreaterThan(0);
    const { unit, ...total } = report.total;
    expect(unit.code).toBe('42');
    expect(total).toEqual(expected.total);
    for (const row of report.rows) {
      const { unit: rowUnit, ...figures } = row;
      expect(rowUnit.level).toBe('COMMUNE');
      expect(figures).toEqual(expected.of(rowUnit.unit.id));
    }
    // Every living person lies in a commune: the rows add up to the total.
    expect(report.rows.reduce((sum: number, row: any) => sum + row.persons, 0)).toBe(total.persons);
    // Communes in force are all there, even without persons; a former one only while persons lie in it.
    const [{ count }] = (await owner(
      `select count(*)::int as count from registry.administrative_units
        where level = 'commune' and valid_to is null and path <@ $1::ltree[]`,
      [await scopePathsOf('42')],
    )) as [{ count: number }];
    expect(report.rows.filter((row: any) => !row.unit.former)).toHaveLength(count);
    expect(report.rows.filter((row: any) => row.unit.former).every((row: any) => row.persons > 0)).toBe(true);
  });

  it('groups by the units directly under the province: its communes and its former districts', async () => {
    const answer = await ask('tinh.42', COMPLETENESS, { unitCode: '42', groupBy: 'CHILD_UNIT' });
    expect(answer.errors).toBeUndefined();
    const report = answer.data!.dataCompleteness;
    const district = report.rows.find((row: any) => row.unit.code === '436');
    expect(district.unit).toMatchObject({ level: 'DISTRICT', former: true });
    const split = await expectedCompleteness('436');
    const { unit, ...figures } = district;
    expect(unit.code).toBe('436');
    expect(figures).toEqual(split.total);
    expect(report.rows.reduce((sum: number, row: any) => sum + row.persons, 0)).toBe(report.total.persons);
  });

  it('moves when a field is filled in', async () => {
    const [person] = await owner(
      `select p.id, p.residence_unit_id from registry.persons p
        where p.status = 'living' and p.residence_unit_id = (select id from registry.administrative_units where code = '18073' and valid_to is null)
          and not exists (select 1 from registry.payment_accounts a where a.person_id = p.id) limit 1`,
    );
    const before = await ask('xa.18073', COMPLETENESS, { unitCode: '18073' });
    const rowOf = (answer: any) =>
      answer.data!.dataCompleteness.rows.find((row: any) => row.unit.unit.id === person!.residence_unit_id);
    await owner(
      `insert into registry.payment_accounts (id, person_id, kind, provider_code, account_number, holder_name, holder_name_matches, is_default, created_at, updated_at)
       values (gen_random_uuid(), $1, 'mobile_money', 'VIETTELMONEY', '0912345678', 'Test', true, true, now(), now())`,
      [person!.id],
    );
    const after = await ask('xa.18073', COMPLETENESS, { unitCode: '18073' });
    expect(rowOf(after).paymentAccount.missing).toBe(rowOf(before).paymentAccount.missing - 1);
    const { unit, ...total } = after.data!.dataCompleteness.total;
    expect(unit.code).toBe('18073');
    expect(total).toEqual((await expectedCompleteness('18073')).total);
  });

  it('shows a former district its own persons, and refuses callers out of scope', async () => {
    const district = await ask('huyen.436', COMPLETENESS, { unitCode: '436' });
    expect(district.errors).toBeUndefined();
    const { unit, ...total } = district.data!.dataCompleteness.total;
    expect(unit.code).toBe('436');
    expect(total).toEqual((await expectedCompleteness('436')).total);
    for (const row of district.data!.dataCompleteness.rows) expect(row.unit.former).toBe(true);
    for (const [username, code] of [
      ['huyen.436', '42'],
      ['xa.18229', '18073'],
      ['xa.18229', '42'],
    ] as const) {
      const refused = await ask(username, COMPLETENESS, { unitCode: code });
      expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    }
    const unknown = await ask('tinh.42', COMPLETENESS, { unitCode: '42', groupBy: 'DISTRICT' });
    expect(unknown.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('exports the rows and the total with percentages', async () => {
    const answer = await ask('tinh.42', COMPLETENESS, { unitCode: '42' });
    const { table, rows } = await exportedTable(dataCompletenessReport, await scopePathOfUser('42'), {
      unitCode: '42',
      options: { groupBy: 'COMMUNE' },
    });
    const report = answer.data!.dataCompleteness;
    expect(rows).toHaveLength(report.rows.length + 1);
    expect(table.columns.map((column) => column.header)).toContain('Thiếu CCCD');
    const last = rows.at(-1)!;
    expect(last).toMatchObject({
      unit: 'Tổng cộng',
      persons: report.total.persons,
      citizenId: report.total.citizenId.missing,
      citizenIdPercent: String(report.total.citizenId.percent).replace('.', ','),
    });
    expect(() =>
      dataCompletenessReport.check({ unitCode: '42', options: { groupBy: 'WARD' } }, Session.anonymous()),
    ).toThrow(expect.objectContaining({ code: 'BAD_USER_INPUT', field: 'input.options' }));
  });
});
