// XLSX files as other tools than Excel write them: each test builds the parts the way one generator
// does (said in its comment), or reads a file LibreOffice itself wrote (fixtures/).
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SpreadsheetRow } from '@ansinh/common/standalone';
import { openSpreadsheet } from '../src/imports/person-spreadsheet.ts';
import { sharedStringsXml, sheetXml, stylesXml, workbookOf, xmlText } from './fixtures/xlsx-parts.ts';

const fixtures = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');

let folder: string;
beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'ansinh-generators-'));
});
afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

let files = 0;
async function read(content: Buffer | string): Promise<{ headers: string[]; rows: SpreadsheetRow[] }> {
  let path = content;
  if (Buffer.isBuffer(content)) {
    path = join(folder, `book-${++files}.xlsx`);
    await writeFile(path, content);
  }
  const opened = await openSpreadsheet(path as string);
  const rows: SpreadsheetRow[] = [];
  for await (const row of opened.rows) rows.push(row);
  return { headers: opened.headers, rows };
}

const utc = (year: number, month: number, day: number) => new Date(Date.UTC(year, month - 1, day));
const s = (index: number, ref?: string) => `<c${ref ? ` r="${ref}"` : ''} t="s"><v>${index}</v></c>`;

describe('XLSX written by other tools than Excel', () => {
  it('openpyxl / pandas: absolute relationship targets, numbers and datetimes as numbers', async () => {
    // openpyxl 3.1 (pandas' default engine for .xlsx) zips the sheets first and the workbook last, points
    // workbook.xml.rels at sheets from the root (`/xl/worksheets/sheet1.xml`), writes text inline
    // (t="inlineStr"), a datetime as a serial with its own `yyyy-mm-dd h:mm:ss` format and an int
    // column (CCCDs read by pandas as int64) as plain numbers (t="n").
    const inline = (ref: string, text: string) => `<c r="${ref}" t="inlineStr"><is><t>${text}</t></is></c>`;
    const book = workbookOf({
      order: 'openpyxl',
      sheets: [
        {
          name: 'Sheet1',
          target: '/xl/worksheets/sheet1.xml',
          part: 'xl/worksheets/sheet1.xml',
          xml: sheetXml(
            `<row r="1">${inline('A1', 'Họ và tên')}${inline('B1', 'Ngày sinh')}${inline('C1', 'Số CCCD')}</row>` +
              `<row r="2">${inline('A2', 'Nguyễn Văn An')}<c r="B2" s="1" t="n"><v>17597</v></c><c r="C2" t="n"><v>42190001234</v></c></row>`,
          ),
        },
      ],
      sharedStrings: { target: 'sharedStrings.xml', part: 'xl/sharedStrings.xml', xml: sharedStringsXml([]) },
      styles: { target: 'styles.xml', part: 'xl/styles.xml', xml: stylesXml([0, 'yyyy-mm-dd h:mm:ss']) },
    });
    const { headers, rows } = await read(book);
    expect(headers).toEqual(['Họ và tên', 'Ngày sinh', 'Số CCCD']);
    expect(rows).toEqual([{ rowNumber: 2, cells: ['Nguyễn Văn An', utc(1948, 3, 5), 42190001234] }]);
  });

  it('openpyxl with iso_dates: t="d" cells, and a datetime\'s time of day dropped', async () => {
    // openpyxl's Workbook(iso_dates=True) writes dates as ISO 8601 text in t="d" cells; a datetime at
    // 18:00 (a serial ending in .75) is still the day it shows.
    const inline = (ref: string, text: string) => `<c r="${ref}" t="inlineStr"><is><t>${text}</t></is></c>`;
    const book = workbookOf({
      order: 'openpyxl',
      sheets: [
        {
          name: 'Sheet1',
          target: '/xl/worksheets/sheet1.xml',
          part: 'xl/worksheets/sheet1.xml',
          xml: sheetXml(
            `<row r="1">${inline('A1', 'Họ và tên')}${inline('B1', 'Ngày sinh')}</row>` +
              `<row r="2">${inline('A2', 'Ngô Văn Tư')}<c r="B2" t="d" s="1"><v>1948-03-05T18:00:00</v></c></row>` +
              `<row r="3">${inline('A3', 'Ngô Thị Năm')}<c r="B3" s="1"><v>17597.75</v></c></row>`,
          ),
        },
      ],
      styles: { target: 'styles.xml', part: 'xl/styles.xml', xml: stylesXml([0, 'yyyy-mm-dd h:mm:ss']) },
    });
    const { rows } = await read(book);
    expect(rows.map((row) => row.cells[1])).toEqual([utc(1948, 3, 5), utc(1948, 3, 5)]);
  });

  it('Google Sheets: relative targets, a custom dd/mm/yyyy format, booleans and error values', async () => {
    // Google Sheets' download as .xlsx: shared strings, dates styled with a custom numFmt (id 164+),
    // TRUE/FALSE as t="b", a formula error as t="e".
    const book = workbookOf({
      sheets: [
        {
          name: 'Trang tính1',
          target: 'worksheets/sheet1.xml',
          part: 'xl/worksheets/sheet1.xml',
          xml: sheetXml(
            `<row r="1">${s(0, 'A1')}${s(1, 'B1')}${s(2, 'C1')}${s(3, 'D1')}</row>` +
              `<row r="2">${s(4, 'A2')}<c r="B2" s="1"><v>18629</v></c><c r="C2" t="b"><v>1</v></c><c r="D2" t="e"><v>#N/A</v></c></row>`,
          ),
        },
      ],
      sharedStrings: {
        target: 'sharedStrings.xml',
        part: 'xl/sharedStrings.xml',
        xml: sharedStringsXml([
          '<t>Họ và tên</t>',
          '<t>Ngày sinh</t>',
          '<t>Đang hưởng</t>',
          '<t>Ghi chú</t>',
          '<t>Trần Thị Bình</t>',
        ]),
      },
      styles: { target: 'styles.xml', part: 'xl/styles.xml', xml: stylesXml([0, 'dd/mm/yyyy']) },
    });
    const { rows } = await read(book);
    expect(rows).toEqual([{ rowNumber: 2, cells: ['Trần Thị Bình', utc(1951, 1, 1), 'TRUE', '#N/A'] }]);
  });

  it('WPS Spreadsheets: formula results as t="str", the first sheet in sheet3.xml after a hidden one', async () => {
    // WPS keeps a formula's text result in the cell (t="str"), and, like Excel after sheets were moved or
    // deleted, numbers sheet parts in creation order: the first visible sheet is not sheet1.xml.
    const book = workbookOf({
      sheets: [
        {
          name: 'Cũ',
          state: 'hidden',
          target: 'worksheets/sheet1.xml',
          part: 'xl/worksheets/sheet1.xml',
          xml: sheetXml('<row r="1"><c r="A1" t="inlineStr"><is><t>Họ và tên</t></is></c></row>'),
        },
        {
          name: 'Danh sách',
          target: 'worksheets/sheet3.xml',
          part: 'xl/worksheets/sheet3.xml',
          xml: sheetXml(
            `<row r="3">${s(0, 'A3')}${s(1, 'B3')}</row>` +
              '<row r="4"><c r="A4" t="str"><f>PROPER("lê văn cường")</f><v>Lê Văn Cường</v></c><c r="B4"><v>1960</v></c></row>',
          ),
        },
      ],
      sharedStrings: {
        target: 'sharedStrings.xml',
        part: 'xl/sharedStrings.xml',
        xml: sharedStringsXml(['<t>Họ và tên</t>', '<t>Năm sinh</t>']),
      },
    });
    const { headers, rows } = await read(book);
    expect(headers).toEqual(['Họ và tên', 'Năm sinh']);
    expect(rows).toEqual([{ rowNumber: 4, cells: ['Lê Văn Cường', 1960] }]);
  });

  it('Open XML SDK writers: every element under the x: prefix', async () => {
    // Tools built on Microsoft's Open XML SDK (many .NET exporters) declare SpreadsheetML under a prefix
    // (`<x:worksheet xmlns:x=...><x:sheetData><x:row>`), which is the same XML to any namespace-aware reader.
    const book = workbookOf({
      prefix: 'x',
      sheets: [
        {
          name: 'DS',
          target: 'worksheets/sheet1.xml',
          part: 'xl/worksheets/sheet1.xml',
          xml: sheetXml(
            '<x:row r="1"><x:c r="A1" t="s"><x:v>0</x:v></x:c><x:c r="B1" t="s"><x:v>1</x:v></x:c></x:row>' +
              '<x:row r="2"><x:c r="A2" t="inlineStr"><x:is><x:t>Phạm Văn Đức</x:t></x:is></x:c><x:c r="B2"><x:v>1955</x:v></x:c></x:row>',
            'x',
          ),
        },
      ],
      sharedStrings: {
        target: 'sharedStrings.xml',
        part: 'xl/sharedStrings.xml',
        xml: sharedStringsXml(['<x:t>Họ và tên</x:t>', '<x:t>Năm sinh</x:t>'], 'x'),
      },
    });
    const { headers, rows } = await read(book);
    expect(headers).toEqual(['Họ và tên', 'Năm sinh']);
    expect(rows).toEqual([{ rowNumber: 2, cells: ['Phạm Văn Đức', 1955] }]);
  });

  it('streaming writers: inline rich-text strings and cells and rows without r', async () => {
    // `r` is optional in ECMA-376 (cells and rows then follow each other); streaming writers that keep
    // no shared-strings table write text inline (t="inlineStr"), rich text as runs.
    const inline = (text: string) => `<c t="inlineStr"><is><t>${xmlText(text)}</t></is></c>`;
    const book = workbookOf({
      sheets: [
        {
          name: 'DS',
          target: 'worksheets/sheet1.xml',
          part: 'xl/worksheets/sheet1.xml',
          xml: sheetXml(
            `<row>${inline('Họ và tên')}${inline('Ngày sinh')}${inline('Địa chỉ')}</row>` +
              '<row><c t="inlineStr"><is><r><t xml:space="preserve">Đỗ </t></r><r><rPr><b/></rPr><t>Thị Hoa</t></r></is></c><c><v>1949</v></c>' +
              `${inline('Thôn 1 & 2')}</row>` +
              `<row r="5">${inline('Vũ Văn Nam')}<c r="C5" t="inlineStr"><is><t>Xóm 3</t></is></c></row>` +
              `<row>${inline('Hà Văn Sáu')}<c><v>1950</v></c></row>`,
          ),
        },
      ],
    });
    const { headers, rows } = await read(book);
    expect(headers).toEqual(['Họ và tên', 'Ngày sinh', 'Địa chỉ']);
    expect(rows).toEqual([
      { rowNumber: 2, cells: ['Đỗ Thị Hoa', 1949, 'Thôn 1 & 2'] },
      { rowNumber: 5, cells: ['Vũ Văn Nam', null, 'Xóm 3'] },
      { rowNumber: 6, cells: ['Hà Văn Sáu', 1950, null] },
    ]);
  });

  it('Excel for Mac workbooks in the 1904 date system, and shared strings with rich runs and phonetics', async () => {
    // Older Excel for Mac workbooks count days from 1904-01-01 (workbookPr date1904="1"); a shared
    // string formatted in parts is stored as runs, with phonetic guides (rPh) that are not its text.
    const book = workbookOf({
      workbookPr: 'date1904="1"',
      sheets: [
        {
          name: 'DS',
          target: 'worksheets/sheet1.xml',
          part: 'xl/worksheets/sheet1.xml',
          xml: sheetXml(
            `<row r="1">${s(0, 'A1')}${s(1, 'B1')}</row><row r="2">${s(2, 'A2')}<c r="B2" s="1"><v>16135</v></c></row>`,
          ),
        },
      ],
      sharedStrings: {
        target: 'sharedStrings.xml',
        part: 'xl/sharedStrings.xml',
        xml: sharedStringsXml([
          '<t>Họ và tên</t>',
          '<t>Ngày sinh</t>',
          '<r><rPr><b/></rPr><t xml:space="preserve">Bùi </t></r><r><t>Thị Lan</t></r><rPh sb="0" eb="1"><t>ブイ</t></rPh>',
        ]),
      },
      styles: { target: 'styles.xml', part: 'xl/styles.xml', xml: stylesXml([0, 14]) },
    });
    const { rows } = await read(book);
    // 16135 days after 1904-01-01.
    expect(rows).toEqual([{ rowNumber: 2, cells: ['Bùi Thị Lan', utc(1948, 3, 5)] }]);
  });

  it('LibreOffice Calc: a file it converted from CSV (fixtures/libreoffice-calc.xlsx)', async () => {
    // Made by LibreOffice 7.4 from fixtures/libreoffice-calc.csv: `soffice --headless --infilter="CSV:44,34,76,1,,1066"
    // --convert-to xlsx` (1066: Vietnamese, dd/mm/yyyy). Dates become date serials, CCCDs numbers (their 0 lost).
    const { headers, rows } = await read(join(fixtures, 'libreoffice-calc.xlsx'));
    expect(headers).toEqual(['Họ và tên', 'Ngày sinh', 'Giới tính', 'Số CCCD', 'Mã xã']);
    expect(rows).toEqual([
      { rowNumber: 2, cells: ['Nguyễn Văn An', utc(1948, 3, 5), 'Nam', 42048000123, 18073] },
      { rowNumber: 3, cells: ['Trần Thị Bình', 1950, 'Nữ', 42150000999, 18073] },
      { rowNumber: 4, cells: ['Lê Văn Cường', utc(1960, 11, 17), 'Nam', 42060000777, 18077] },
    ]);
  });
});
