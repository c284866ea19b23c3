import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { setTimeout as sleep } from 'node:timers/promises';
import { Kind } from 'graphql';
import {
  badInput,
  currentMonth,
  cursorRows,
  unitNamedByCodeSql,
  type JobKind,
  type SubgraphDefinition,
} from '@ansinh/common';
import {
  graphql,
  provinceSystemToken,
  sqlRows,
  startSeededSubgraph,
  tokenFor,
  type SeededSubgraph,
} from '@ansinh/tests/support';
import { reportingFiles, type ReportingContext } from '../src/context.ts';
import { complianceModule } from '../src/compliance/compliance.module.ts';
import { exportsModule } from '../src/exports/exports.module.ts';
import type { ReportDefinition } from '../src/exports/report-definition.ts';
import { reportingSubgraph, reportingTypeDefs } from '../src/index.ts';
import { regulationReportsModule } from '../src/regulation-reports/regulation-reports.module.ts';
import { csvRows, download, followJob, pdfText, vnd, xlsxRows } from './export-files.ts';

/**
 * `exportReport` on real PostgreSQL with real Keycloak tokens, over reports defined here (the real
 * ones are their capabilities' to test): a report of the payments of each commune under a unit in a
 * month, read from the published views; one that is slow (to be cancelled); one too long for a PDF.
 */

const MONTH = currentMonth();

/** Lines, paid and unpaid amounts (regular + arrears) of each paying unit under the unit, in the month. */
const paidByCommune: ReportDefinition = {
  name: 'test-paid-by-commune',
  action: 'report:read',
  check(args) {
    if (!args.month) throw badInput('input.month', 'Báo cáo này cần tháng (month).');
    return { unitCode: args.unitCode, month: args.month };
  },
  async table(client, args, signal) {
    return {
      title: 'Chi trả theo xã/phường',
      subtitle: `Đơn vị: ${args.unitCode} · Tháng: ${args.month}`,
      columns: [
        { key: 'unitName', header: 'Xã/phường', kind: 'text' },
        { key: 'lines', header: 'Số dòng', kind: 'integer', total: true },
        { key: 'paid', header: 'Đã chi trả', kind: 'vnd', total: true },
        { key: 'unpaid', header: 'Chưa chi trả', kind: 'vnd', total: true },
      ],
      totalsLabel: 'Tổng cộng',
      rows: cursorRows<{ unit_name: string; lines: number; paid: string; unpaid: string }>(
        client,
        `select u.full_name as unit_name, count(*)::int as lines,
                coalesce(sum(l.amount + l.arrears) filter (where l.status = 'paid'), 0)::text as paid,
                coalesce(sum(l.amount + l.arrears) filter (where l.status <> 'paid'), 0)::text as unpaid
           from payments.v_payment_lines l join registry.v_units u on u.id = l.unit_id
          where l.month = $2
            and l.unit_id in (select x.id from registry.v_units x, registry.v_units s
                               where s.id = ${unitNamedByCodeSql('$1')} and x.path <@ s.scope_paths)
          group by u.full_name, u.code order by u.code`,
        [args.unitCode, args.month],
        (row) => ({ unitName: row.unit_name, lines: row.lines, paid: row.paid, unpaid: row.unpaid }),
        { signal },
      ),
    };
  },
};

/** Rows that come slowly (a long export), for the cancel. */
const slow: ReportDefinition = {
  name: 'test-slow',
  action: 'report:read',
  check: (args) => ({ unitCode: args.unitCode }),
  table: () =>
    Promise.resolve({
      title: 'Báo cáo chậm',
      subtitle: '',
      columns: [{ key: 'line', header: 'Dòng', kind: 'text' }],
      rows: (async function* () {
        for (let line = 1; line <= 2_000; line++) {
          await sleep(20);
          yield { line: `Dòng số ${line}` };
        }
      })(),
    }),
};

/** One row more than a PDF takes. */
const long: ReportDefinition = {
  name: 'test-long',
  action: 'report:read',
  check: (args) => ({ unitCode: args.unitCode }),
  table: (client, _args, signal) =>
    Promise.resolve({
      title: 'Báo cáo dài',
      subtitle: '',
      columns: [{ key: 'line', header: 'Dòng', kind: 'text' }],
      rows: cursorRows<{ line: number }>(
        client,
        'select line from generate_series(1, 20001) line',
        [],
        (row) => ({ line: `Dòng số ${row.line}` }),
        { signal },
      ),
    }),
};

const realReports = [...regulationReportsModule.reports, ...complianceModule.reports];
const testExports = exportsModule([...realReports, paidByCommune, slow, long]);
type ResolverMaps = Record<string, Record<string, unknown>>;
const resolvers = reportingSubgraph.resolvers as ResolverMaps;
/** The reporting subgraph with the test's reports beside the real ones. */
const definition: SubgraphDefinition<ReportingContext> = {
  ...reportingSubgraph,
  resolvers: {
    ...resolvers,
    Mutation: { ...resolvers.Mutation, ...testExports.resolvers.Mutation },
    Job: { ...resolvers.Job, ...testExports.resolvers.Job },
  },
  jobs: (orm) => ({ kinds: testExports.kinds as JobKind[], files: reportingFiles(orm.em) }),
};

let seeded: SeededSubgraph;
let url: string;

beforeAll(async () => {
  seeded = await startSeededSubgraph(definition);
  url = seeded.subgraph.url;
  // The demo seed takes a while on a busy machine.
}, 180_000);

afterAll(() => seeded?.stop());

const EXPORT = `mutation ($input: ReportExportInput!) {
  exportReport(input: $input) { id kind state ownerName unitCode }
}`;

async function exportReport(username: string, input: Record<string, unknown>) {
  return graphql(url, EXPORT, { token: await tokenFor(username), variables: { input } });
}

/** Starts an export and follows it to its end. */
async function exported(username: string, input: Record<string, unknown>) {
  const answer = await exportReport(username, input);
  expect(answer.errors).toBeUndefined();
  expect(answer.data!.exportReport).toMatchObject({ kind: 'report-export', ownerName: username });
  return followJob(url, await tokenFor(username), answer.data!.exportReport.id, 'reportExport');
}

/** The figures from the owners' tables: each paying unit under the unit the code names today, in the month. */
async function expectedByCommune(unitCode: string) {
  const rows = await sqlRows(
    seeded.database.url,
    `select u.full_name as name, count(*)::int as lines,
            coalesce(sum(l.amount + l.arrears) filter (where l.status = 'paid'), 0)::float8 as paid,
            coalesce(sum(l.amount + l.arrears) filter (where l.status <> 'paid'), 0)::float8 as unpaid
       from payments.payment_lines l join registry.administrative_units u on u.id = l.unit_id
      where l.month = $2
        and l.unit_id in (select x.id from registry.v_units x, registry.v_units s
                           where s.code = $1 and s.valid_to is null and x.path <@ s.scope_paths)
      group by u.full_name, u.code order by u.code`,
    [unitCode, MONTH],
  );
  return rows.map((row) => [row.name, row.lines, row.paid, row.unpaid] as const);
}

const filesKept = async () =>
  Number((await sqlRows(seeded.database.url, 'select count(*) from reporting.files'))[0]!.count);

describe('exportReport', () => {
  it('exports a report of the province as XLSX, with its figures, headers and totals', async () => {
    const job = await exported('tinh.42', {
      report: 'test-paid-by-commune',
      format: 'XLSX',
      unitCode: '42',
      month: MONTH,
    });
    expect(job).toMatchObject({ state: 'DONE', error: null });
    const result = job.reportExport as Record<string, any>;
    const expected = await expectedByCommune('42');
    expect(expected.length).toBeGreaterThan(1);
    expect(result).toMatchObject({
      report: 'test-paid-by-commune',
      format: 'XLSX',
      rows: expected.length,
      file: {
        fileName: `test-paid-by-commune-42-${MONTH}.xlsx`,
        contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
        url: `/files/reporting/${result.file.id}`,
      },
    });
    expect(Date.parse(result.file.expiresAt)).toBeGreaterThan(Date.now());

    const file = await download(url, await tokenFor('tinh.42'), result.file.url);
    expect(file.status).toBe(200);
    expect(file.type).toBe(result.file.contentType);
    expect(file.bytes.length).toBe(result.file.bytes);
    const rows = await xlsxRows(file.bytes);
    expect(rows[0]![0]).toBe('Chi trả theo xã/phường');
    expect(rows[1]![0]).toBe(`Đơn vị: 42 · Tháng: ${MONTH}`);
    expect(rows[3]).toEqual(['Xã/phường', 'Số dòng', 'Đã chi trả', 'Chưa chi trả']);
    const data = rows.slice(4, 4 + expected.length);
    expect(data).toEqual(expected.map((row) => [...row]));
    const sum = (index: 1 | 2 | 3) => expected.reduce((total, row) => total + row[index], 0);
    expect(rows[4 + expected.length]).toEqual(['Tổng cộng', sum(1), sum(2), sum(3)]);
    expect(rows).toHaveLength(5 + expected.length);
    // Vietnamese names as the registry writes them.
    expect(data.map((row) => row[0])).toContain('Phường Thành Sen');
  });

  it('exports CSV (UTF-8 with BOM) and PDF (its text extracted) with the same figures', async () => {
    const expected = await expectedByCommune('18073');
    expect(expected.length).toBeGreaterThan(0);
    const token = await tokenFor('xa.18073');

    const csvJob = await exported('xa.18073', {
      report: 'test-paid-by-commune',
      format: 'CSV',
      unitCode: '18073',
      month: MONTH,
    });
    expect(csvJob.state).toBe('DONE');
    const csv = await download(url, token, (csvJob.reportExport as any).file.url);
    expect(csv.type).toBe('text/csv');
    const lines = csvRows(csv.bytes);
    expect(lines[0]).toEqual(['Xã/phường', 'Số dòng', 'Đã chi trả', 'Chưa chi trả']);
    expect(lines.slice(1, 1 + expected.length)).toEqual(expected.map((row) => row.map(String)));

    const pdfJob = await exported('xa.18073', {
      report: 'test-paid-by-commune',
      format: 'PDF',
      unitCode: '18073',
      month: MONTH,
    });
    expect(pdfJob.state).toBe('DONE');
    const pdf = await download(url, token, (pdfJob.reportExport as any).file.url);
    expect(pdf.type).toBe('application/pdf');
    const text = await pdfText(pdf.bytes);
    expect(text).toContain('Chi trả theo xã/phường');
    for (const [name, , paid, unpaid] of expected) {
      expect(text).toContain(name);
      expect(text).toContain(vnd(paid));
      expect(text).toContain(vnd(unpaid));
    }
  });

  it('lets only readers of the owner unit download the file', async () => {
    const job = await exported('xa.18073', {
      report: 'test-paid-by-commune',
      format: 'CSV',
      unitCode: '18073',
      month: MONTH,
    });
    const fileUrl = (job.reportExport as any).file.url as string;
    expect((await download(url, await tokenFor('xa.18652'), fileUrl)).status).toBe(404);
    expect((await download(url, await tokenFor('tinh.42'), fileUrl)).status).toBe(200);
    // Nor does another official see the job.
    const stranger = await graphql(url, 'query ($id: ID!) { job(id: $id) { id } }', {
      token: await tokenFor('xa.18652'),
      variables: { id: job.id },
    });
    expect(stranger.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    // Reporting stores no uploads.
    const upload = await fetch(new URL('/files', url), {
      method: 'POST',
      headers: { authorization: `Bearer ${await tokenFor('xa.18073')}`, 'x-file-name': 'a.csv' },
      body: 'a,b\r\n',
    });
    expect(upload.status).toBe(404);
  });

  it('refuses a unit outside the scope, a caller without the right, an unknown report and bad arguments', async () => {
    const before = await filesKept();
    const base = { report: 'test-paid-by-commune', format: 'XLSX', unitCode: '18073', month: MONTH };

    const outside = await exportReport('xa.18652', base);
    expect(outside.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const system = await graphql(url, EXPORT, {
      token: await provinceSystemToken(),
      variables: { input: base },
    });
    expect(system.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');

    const unknown = await exportReport('xa.18073', { ...base, report: 'bao-cao-khong-co' });
    expect(unknown.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.report' });
    expect(unknown.errors?.[0]?.message).toContain('payment-summary, resolution-42-summary, test-long');

    const format = await exportReport('xa.18073', { ...base, format: 'DOCX' });
    expect(format.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');

    const month = await exportReport('xa.18073', { ...base, month: '2026-13' });
    expect(month.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.month' });
    const days = await exportReport('xa.18073', { ...base, fromDate: '2026-02-30' });
    expect(days.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.fromDate' });
    const range = await exportReport('xa.18073', { ...base, fromMonth: '2026-05', toMonth: '2026-01' });
    expect(range.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.toMonth' });
    // The report's own check.
    const { month: _month, ...withoutMonth } = base;
    const missing = await exportReport('xa.18073', withoutMonth);
    expect(missing.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.month' });
    const unit = await exportReport('xa.18073', { ...base, unitCode: '1807' });
    expect(unit.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.unitCode' });

    const jobs = await sqlRows(
      seeded.database.url,
      `select count(*)::int as count from jobs.jobs where owner_name in ('xa.18652', 'xa.18073') and state = 'queued'`,
    );
    expect(jobs[0]!.count).toBe(0);
    expect(await filesKept()).toBe(before);
  });

  it('fails a PDF too long for one with the reason, and keeps no file', async () => {
    const before = await filesKept();
    const job = await exported('xa.18073', { report: 'test-long', format: 'PDF', unitCode: '18073' });
    expect(job.state).toBe('FAILED');
    expect(job.error).toContain('quá dài để xuất PDF');
    expect(job.reportExport).toBeNull();
    expect(await filesKept()).toBe(before);
  });

  it('leaves no file of an export cancelled while it runs', async () => {
    const before = await filesKept();
    const token = await tokenFor('xa.18073');
    const started = await exportReport('xa.18073', { report: 'test-slow', format: 'CSV', unitCode: '18073' });
    expect(started.errors).toBeUndefined();
    const id = started.data!.exportReport.id as string;
    await followJob(url, token, id, 'reportExport', (job) => job.state !== 'QUEUED');
    const cancelled = await graphql(url, 'mutation ($id: ID!) { cancelJob(id: $id) { id state } }', {
      token,
      variables: { id },
    });
    expect(cancelled.errors).toBeUndefined();
    const ended = await followJob(url, token, id, 'reportExport');
    expect(ended).toMatchObject({ state: 'CANCELLED', reportExport: null });
    // The store had begun the file (unreadable while incomplete); once the worker has stopped, nothing of it is left.
    const deadline = Date.now() + 15_000;
    while ((await filesKept()) !== before && Date.now() < deadline) await sleep(200);
    expect(await filesKept()).toBe(before);
    const chunks = await sqlRows(
      seeded.database.url,
      'select count(*)::int as count from reporting.file_chunks c where not exists (select 1 from reporting.files f where f.id = c.file_id and f.complete)',
    );
    expect(chunks[0]!.count).toBe(0);
  });

  it('exports a report of the regulation reports through the same job', async () => {
    const job = await exported('xa.18073', {
      report: 'payment-summary',
      format: 'XLSX',
      unitCode: '18073',
      month: MONTH,
    });
    expect(job).toMatchObject({ state: 'DONE', error: null });
    const result = job.reportExport as Record<string, any>;
    const rows = await xlsxRows((await download(url, await tokenFor('xa.18073'), result.file.url)).bytes);
    expect(String(rows[0]![0])).toContain('Thành Sen');
    expect(rows.length).toBeGreaterThan(4 + result.rows - 1);
  });

  it('names every report it exports in the description of exportReport', () => {
    const mutation = reportingTypeDefs.definitions
      .flatMap((definition) =>
        definition.kind === Kind.OBJECT_TYPE_EXTENSION || definition.kind === Kind.OBJECT_TYPE_DEFINITION
          ? (definition.fields ?? [])
          : [],
      )
      .find((field) => field.name.value === 'exportReport');
    const described = [...(mutation?.description?.value ?? '').matchAll(/^\s*- `([a-z0-9-]+)`/gm)].map(
      (match) => match[1],
    );
    expect(described.sort()).toEqual(realReports.map((report) => report.name).sort());
  });
});
