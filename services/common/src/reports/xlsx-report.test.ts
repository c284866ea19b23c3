import { describe, expect, it } from '@jest/globals';
import ExcelJS from 'exceljs';
import {
  CollectingTarget,
  manyRows,
  PAYMENT_COLUMNS,
  PAYMENT_ROWS,
  paymentTable,
  sumOf,
} from './report-fixture.ts';
import type { ReportTable } from './report-table.ts';
import { sheetName, writeXlsxReport } from './xlsx-report.ts';

async function written(table: ReportTable, target = new CollectingTarget()) {
  const result = await writeXlsxReport(table, target);
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(target.content as unknown as ArrayBuffer);
  const sheet = workbook.worksheets[0]!;
  return { result, workbook, sheet, target };
}

describe('writeXlsxReport', () => {
  it('writes the title merged over the columns, the subtitle, a blank row and the bold, frozen, filtered header', async () => {
    const { result, sheet } = await written(paymentTable());
    expect(result).toEqual({ rowCount: PAYMENT_ROWS.length });
    expect(sheet.name).toBe('Danh sách chi trả trợ cấp xã hộ');
    expect(sheet.getCell('A1').value).toBe('Danh sách chi trả trợ cấp xã hội hằng tháng');
    expect(sheet.getCell('A1').font?.bold).toBe(true);
    expect(sheet.model.merges).toEqual(expect.arrayContaining(['A1:G1', 'A2:G2']));
    expect(sheet.getCell('A2').value).toBe('Đơn vị: Tỉnh Hà Tĩnh · Kỳ: 1/2026');
    expect(sheet.getRow(3).cellCount).toBe(0);
    const header = sheet.getRow(4);
    expect(PAYMENT_COLUMNS.map((_, index) => header.getCell(index + 1).value)).toEqual(
      PAYMENT_COLUMNS.map((column) => column.header),
    );
    expect(PAYMENT_COLUMNS.every((_, index) => header.getCell(index + 1).font?.bold)).toBe(true);
    expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 4 });
    // The filter covers the header and the rows, not the totals row below them.
    expect(sheet.autoFilter).toBe(`A4:G${4 + PAYMENT_ROWS.length}`);
  });

  it('writes counts and money as numbers shown #,##0, days as dates dd/mm/yyyy, months as m/yyyy, Vietnamese as it is', async () => {
    const { sheet } = await written(paymentTable());
    const first = sheet.getRow(5);
    expect(first.getCell(1).value).toBe('18073');
    expect(first.getCell(2).value).toBe('Phường Thành Sen');
    expect(first.getCell(3).value).toBe('Nguyễn Thị Hồng');
    expect(first.getCell(4).value).toBe('1/2026');
    expect(first.getCell(5).value).toBe(1);
    expect(first.getCell(6).value).toBe(500_000);
    expect(first.getCell(6).numFmt).toBe('#,##0');
    expect(first.getCell(5).numFmt).toBe('#,##0');
    expect(first.getCell(7).value).toEqual(new Date('2026-01-05T00:00:00Z'));
    expect(first.getCell(7).numFmt).toBe('dd/mm/yyyy');

    const second = sheet.getRow(6);
    expect(second.getCell(3).value).toBe('Trần Văn Đức, "Út"');
    expect(second.getCell(4).value).toBe('12/2025');
    // A bigint PostgreSQL hands over as text is a number in the sheet.
    expect(second.getCell(6).value).toBe(1_234_567_890);
    // 18:30 UTC on the 4th is the 5th in Vietnam.
    expect(second.getCell(7).value).toEqual(new Date('2026-01-05T00:00:00Z'));

    const fourth = sheet.getRow(8);
    expect(fourth.getCell(2).value).toBe('Xã Thạch Hà\nthôn 2');
    expect(fourth.getCell(5).value).toBeNull();
    expect(fourth.getCell(6).value).toBeNull();
  });

  it('neutralises text that would run as a formula and writes no formula', async () => {
    const { sheet } = await written(paymentTable({ title: '=1+1', subtitle: '@SUM(A1)' }));
    expect(sheet.getCell('A1').value).toBe("'=1+1");
    expect(sheet.getCell('A2').value).toBe("'@SUM(A1)");
    expect(sheet.getRow(7).getCell(3).value).toBe('\'=HYPERLINK("http://x","bấm")');
    expect(sheet.getRow(8).getCell(3).value).toBe("'+84 912 345 678");
    sheet.eachRow((row) => row.eachCell((cell) => expect(cell.type).not.toBe(ExcelJS.ValueType.Formula)));
  });

  it('ends with a bold totals row: the label in the first text column and the sums of the total columns', async () => {
    const { sheet } = await written(paymentTable());
    const totals = sheet.getRow(5 + PAYMENT_ROWS.length);
    expect(totals.getCell(1).value).toBe('Tổng cộng');
    expect(totals.getCell(5).value).toBe(sumOf(PAYMENT_ROWS, 'people'));
    expect(totals.getCell(6).value).toBe(sumOf(PAYMENT_ROWS, 'amount'));
    expect(totals.getCell(6).numFmt).toBe('#,##0');
    expect(totals.getCell(1).font?.bold).toBe(true);
    expect(totals.getCell(6).font?.bold).toBe(true);
    expect(sheet.rowCount).toBe(5 + PAYMENT_ROWS.length);

    const labelled = await written(paymentTable({ totalsLabel: 'Cộng toàn tỉnh' }));
    expect(labelled.sheet.getRow(5 + PAYMENT_ROWS.length).getCell(1).value).toBe('Cộng toàn tỉnh');
  });

  it('writes no totals row when no column asks for one, and a header alone for no rows', async () => {
    const columns = PAYMENT_COLUMNS.map((column) => ({ ...column, total: false }));
    const { sheet } = await written(paymentTable({ columns }));
    expect(sheet.rowCount).toBe(4 + PAYMENT_ROWS.length);

    const empty = await written(paymentTable({ rows: [] }));
    expect(empty.result.rowCount).toBe(0);
    expect(empty.sheet.getRow(5).getCell(1).value).toBe('Tổng cộng');
    expect(empty.sheet.getRow(5).getCell(6).value).toBe(0);
  });

  it('sets column widths from the report, else by kind', async () => {
    const { sheet } = await written(paymentTable());
    expect(sheet.getColumn(1).width).toBe(10);
    expect(sheet.getColumn(2).width).toBe(24);
    expect(sheet.getColumn(4).width).toBe(10);
    expect(sheet.getColumn(6).width).toBe(16);
  });

  it('drops characters XML cannot hold, which would make Excel discard the sheet', async () => {
    const rows = [{ ...PAYMENT_ROWS[0]!, fullName: 'Nguyễn\u0001 Thị\u000b Hồng\uffff' }];
    const { sheet } = await written(paymentTable({ rows }));
    expect(sheet.getRow(5).getCell(3).value).toBe('Nguyễn Thị Hồng');
  });

  it('names the sheet within Excel rules', () => {
    expect(sheetName('Báo cáo [tháng] 1/2026: chi trả*?')).toBe('Báo cáo tháng 1 2026 chi trả');
    expect(sheetName("'Tổng hợp'")).toBe('Tổng hợp');
    expect(sheetName('x'.repeat(40))).toHaveLength(31);
    expect(sheetName(' /\\ ')).toBe('Báo cáo');
  });

  it('streams many rows into a slow target and sums them', async () => {
    const count = 10_000;
    const target = new CollectingTarget({ slow: true });
    const { result, sheet } = await written(paymentTable({ rows: manyRows(count) }), target);
    expect(result.rowCount).toBe(count);
    let expected = 0;
    for (let index = 0; index < count; index++) expected += 500_000 + (index % 1000);
    const totals = sheet.getRow(5 + count);
    expect(totals.getCell(5).value).toBe(count);
    expect(totals.getCell(6).value).toBe(expected);
    expect(sheet.getRow(5 + count - 1).getCell(3).value).toBe(`Nguyễn Thị Hồng ${count - 1}`);
  });
});
