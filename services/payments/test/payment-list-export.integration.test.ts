import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { addMonths, currentMonth, displayDate, displayMonth } from '@ansinh/common';
import {
  currentUnitId,
  graphql,
  provinceSystemToken,
  sqlRows,
  startSeededSubgraph,
  tokenFor,
  type SeededSubgraph,
} from '@ansinh/tests/support';
import { paymentsSubgraph } from '../src/index.ts';
import { csvRows, download, followJob, pdfText, vnd, xlsxRows } from '../../reporting/test/export-files.ts';

/**
 * `exportPaymentList` on real PostgreSQL with real Keycloak tokens: demo payment lists of Phường Thành
 * Sen exported as each role may read them, opened and compared with the lines in the payments tables,
 * the names in the register and the categories in the approvals ledger.
 */

let seeded: SeededSubgraph;
let url: string;

beforeAll(async () => {
  seeded = await startSeededSubgraph(paymentsSubgraph);
  url = seeded.subgraph.url;
  // The demo seed takes a while on a busy machine.
}, 180_000);

afterAll(() => seeded?.stop());

const EXPORT = `mutation ($listId: ID!, $format: ExportFormat!) {
  exportPaymentList(listId: $listId, format: $format) { id kind state }
}`;

async function exportList(username: string, listId: string, format: string) {
  return graphql(url, EXPORT, { token: await tokenFor(username), variables: { listId, format } });
}

async function exported(username: string, listId: string, format: string) {
  const answer = await exportList(username, listId, format);
  expect(answer.errors).toBeUndefined();
  expect(answer.data!.exportPaymentList.kind).toBe('payment-list-export');
  const token = await tokenFor(username);
  const job = await followJob(url, token, answer.data!.exportPaymentList.id, 'paymentListExport');
  expect(job).toMatchObject({ state: 'DONE', error: null });
  const result = job.paymentListExport as {
    rows: number;
    file: { url: string; fileName: string; contentType: string };
  };
  const file = await download(url, token, result.file.url);
  expect(file.status).toBe(200);
  expect(file.type).toBe(result.file.contentType);
  return { result, bytes: file.bytes };
}

/** The list of a commune (in force) for a month, with its state. */
async function listOf(unitCode: string, month: string): Promise<{ id: string; state: string }> {
  const [list] = await sqlRows(
    seeded.database.url,
    `select id, state from payments.payment_lists where unit_id = ${currentUnitId('$1')} and month = $2`,
    [unitCode, month],
  );
  expect(list).toBeDefined();
  return list as { id: string; state: string };
}

const CHANNELS: Record<string, string> = {
  cash: 'Tiền mặt',
  post: 'Bưu điện',
  bank: 'Ngân hàng',
  e_wallet: 'Ví điện tử',
  mobile_money: 'Mobile Money',
  vneid: 'Tài khoản an sinh (VNeID)',
};
const STATUSES: Record<string, string> = {
  pending: 'Chờ chi trả',
  paid: 'Đã nhận',
  unpaid: 'Chưa nhận',
  unreachable: 'Không liên lạc được',
  returned: 'Bị trả lại',
  held: 'Tạm giữ',
};
const STATES: Record<string, string> = {
  draft: 'đang lập (chưa phê duyệt)',
  approved: 'đã phê duyệt',
  paying: 'đang chi trả',
  closed: 'đã đóng',
};

/** The list's lines from the owners' tables: the line, the person's name, the entitlement's category. */
async function linesOf(listId: string) {
  const rows = await sqlRows(
    seeded.database.url,
    `select l.line_code, p.full_name, c.name as category, l.amount::float8, l.arrears::float8,
            l.carried_over::float8, l.one_off::float8, l.recovery::float8, l.total::float8,
            l.channel, l.status, l.paid_on::text as paid_on
       from payments.payment_lines l
       join registry.persons p on p.id = l.person_id
       left join approvals.entitlements e on e.id = l.entitlement_id
       left join approvals.categories c on c.id = e.category_id
      where l.list_id = $1 order by l.line_code collate "C"`,
    [listId],
  );
  return rows.map((row) => ({
    lineCode: row.line_code as string,
    fullName: row.full_name as string,
    category: (row.category as string | null) ?? '',
    amounts: [row.amount, row.arrears, row.carried_over, row.one_off, row.recovery, row.total] as number[],
    channel: CHANNELS[row.channel]!,
    status: STATUSES[row.status]!,
    paidOn: row.paid_on as string | null,
  }));
}

const AMOUNT_HEADERS = [
  'Trợ cấp tháng',
  'Truy lĩnh',
  'Chưa nhận kỳ trước',
  'Hỗ trợ một lần',
  'Thu hồi',
  'Số tiền chi trả',
];
const sums = (lines: Awaited<ReturnType<typeof linesOf>>) =>
  AMOUNT_HEADERS.map((_header, index) => lines.reduce((total, line) => total + line.amounts[index]!, 0));

describe('exportPaymentList', () => {
  it('exports a list as XLSX with names, categories, amounts and totals to an officer', async () => {
    const month = currentMonth();
    const list = await listOf('18073', month);
    const lines = await linesOf(list.id);
    expect(lines.length).toBeGreaterThan(10);
    const { result, bytes } = await exported('xa.18073', list.id, 'XLSX');
    expect(result).toMatchObject({
      report: 'payment-list',
      format: 'XLSX',
      rows: lines.length,
      file: { fileName: `danh-sach-chi-tra-18073-${month}.xlsx` },
    });
    const rows = await xlsxRows(bytes);
    expect(rows[0]![0]).toBe('Danh sách chi trả trợ cấp xã hội hằng tháng');
    expect(rows[1]![0]).toBe(
      `Đơn vị: Phường Thành Sen (18073) · Tháng: ${displayMonth(month)} · Trạng thái: ${STATES[list.state]}`,
    );
    expect(rows[3]).toEqual([
      'Mã dòng',
      'Họ và tên',
      'Chế độ',
      ...AMOUNT_HEADERS,
      'Hình thức',
      'Trạng thái',
      'Ngày nhận',
    ]);
    expect(rows.slice(4, 4 + lines.length)).toEqual(
      lines.map((line) => [
        line.lineCode,
        line.fullName,
        line.category || null,
        ...line.amounts,
        line.channel,
        line.status,
        line.paidOn ? new Date(`${line.paidOn}T00:00:00Z`) : null,
      ]),
    );
    expect(rows[4 + lines.length]).toEqual(['Tổng cộng', null, null, ...sums(lines), null, null, null]);
    expect(lines.some((line) => line.category)).toBe(true);
  });

  it('leaves the category out for a payer, who may not read it (CSV)', async () => {
    const month = addMonths(currentMonth(), -1);
    const list = await listOf('18073', month);
    const lines = await linesOf(list.id);
    expect(lines.some((line) => line.paidOn)).toBe(true);
    const { bytes } = await exported('ketoan.18073', list.id, 'CSV');
    const rows = csvRows(bytes);
    expect(rows[0]).toEqual([
      'Mã dòng',
      'Họ và tên',
      ...AMOUNT_HEADERS,
      'Hình thức',
      'Trạng thái',
      'Ngày nhận',
    ]);
    expect(rows.slice(1, 1 + lines.length)).toEqual(
      lines.map((line) => [
        line.lineCode,
        line.fullName,
        ...line.amounts.map(String),
        line.channel,
        line.status,
        line.paidOn ? displayDate(line.paidOn) : '',
      ]),
    );
    expect(rows[1 + lines.length]).toEqual(['Tổng cộng', '', ...sums(lines).map(String), '', '', '']);
    expect(rows).toHaveLength(2 + lines.length);
  });

  it('exports a list as PDF whose text holds the names and the total', async () => {
    const month = currentMonth();
    const list = await listOf('18073', month);
    const lines = await linesOf(list.id);
    const { bytes } = await exported('tinh.42', list.id, 'PDF');
    const text = await pdfText(bytes);
    expect(text).toContain('Danh sách chi trả trợ cấp xã hội hằng tháng');
    expect(text).toContain(`Tháng: ${displayMonth(month)}`);
    for (const line of lines) {
      expect(text).toContain(line.lineCode);
      expect(text).toContain(line.fullName);
    }
    expect(text).toContain(vnd(sums(lines)[5]!));
  });

  it('shows a confidential category only to a reader of confidential categories, and no name to an analyst', async () => {
    const list = await listOf('18073', currentMonth());
    // One line's entitlement becomes one of the HIV group (5.8), as the ledger records it.
    const [changed] = await sqlRows(
      seeded.database.url,
      `with line as (select entitlement_id from payments.payment_lines where list_id = $1 and entitlement_id is not null
                      order by line_code collate "C" limit 1),
            hiv as (select id, name from approvals.categories where code = '5.8' and confidential limit 1),
            entitlement as (update approvals.entitlements set category_id = (select id from hiv)
                             where id in (select entitlement_id from line) returning id),
            decisions as (update approvals.decisions set category_id = (select id from hiv)
                           where entitlement_id in (select id from entitlement) returning id)
       select (select name from hiv) as name, (select count(*)::int from decisions) as decisions`,
      [list.id],
    );
    expect(changed!.decisions).toBeGreaterThan(0);
    const lines = await linesOf(list.id);
    expect(lines[0]!.category).toBe(changed!.name);

    // The officer's job reads the category that the published view masks for everyone else.
    const officer = await xlsxRows((await exported('xa.18073', list.id, 'XLSX')).bytes);
    expect(officer[4]![2]).toBe(changed!.name);
    expect(officer.slice(4, 4 + lines.length).map((row) => row[2])).toEqual(
      lines.map((line) => line.category || null),
    );

    const analyst = csvRows((await exported('phantich.42', list.id, 'CSV')).bytes);
    expect(analyst[0]).toEqual(['Mã dòng', ...AMOUNT_HEADERS, 'Hình thức', 'Trạng thái', 'Ngày nhận']);
    const text = analyst.flat().join('\n');
    expect(text).not.toContain(changed!.name);
    for (const line of lines) expect(text).not.toContain(line.fullName);
    expect(analyst.slice(1, 1 + lines.length).map((row) => row[0])).toEqual(
      lines.map((line) => line.lineCode),
    );
  });

  it('refuses a list outside the scope, an unknown list, a caller without the right and bad input', async () => {
    const list = await listOf('18073', currentMonth());
    const outside = await exportList('xa.18652', list.id, 'XLSX');
    expect(outside.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const unknown = await exportList('xa.18073', randomUUID(), 'XLSX');
    expect(unknown.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const malformed = await exportList('xa.18073', 'danh-sach-1', 'XLSX');
    expect(malformed.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'listId' });
    const format = await exportList('xa.18073', list.id, 'DOCX');
    expect(format.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const system = await graphql(url, EXPORT, {
      token: await provinceSystemToken(),
      variables: { listId: list.id, format: 'CSV' },
    });
    expect(system.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const queued = await sqlRows(
      seeded.database.url,
      `select count(*)::int as count from jobs.jobs where kind = 'payment-list-export' and owner_name = 'xa.18652'`,
    );
    expect(queued[0]!.count).toBe(0);
  });
});
