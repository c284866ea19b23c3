// Hostile XLSX files: decompression bombs (honest and lying central directories) and files with more
// rows, cells or shared strings than an import takes. Each is refused with a clear Vietnamese message
// before the process's memory grows.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { openSpreadsheet, type OpenSpreadsheetOptions } from '../src/imports/person-spreadsheet.ts';
import { repeatedDeflate, sharedStringsXml, sheetXml, zipOf } from './fixtures/xlsx-parts.ts';

let folder: string;
beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'ansinh-bombs-'));
});
afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

const MiB = 1024 * 1024;
/** What reading a refused file may add to the process's resident memory. */
const RSS_BOUND = 64 * MiB;

let files = 0;
async function fileOf(content: Buffer): Promise<string> {
  const path = join(folder, `bomb-${++files}.xlsx`);
  await writeFile(path, content);
  return path;
}

type Refusal = {
  error: { isSpreadsheetError: boolean; code: unknown; message: string } | null;
  rssGrowth: number;
  seconds: number;
};

const CHILD = fileURLToPath(new URL('./fixtures/spreadsheet-refusal.child.ts', import.meta.url));

/**
 * Opens and reads the file whole in a process of its own; gives the error it was refused with and the
 * growth of that process's RSS meanwhile.
 */
function refusal(path: string, options: OpenSpreadsheetOptions = {}): Promise<Refusal> {
  return new Promise((resolve, reject) => {
    const child = fork(CHILD, [path, JSON.stringify(options)], { stdio: 'inherit' });
    let report: Refusal | undefined;
    child.on('message', (message) => (report = message as Refusal));
    child.on('error', reject);
    child.on('exit', (code) =>
      report
        ? resolve(report)
        : reject(new Error(`the reading process ended (code ${code}) without a report`)),
    );
  });
}

const workbookRootRels =
  '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>';
const workbookXml =
  '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="DS" sheetId="1" r:id="rId1"/></sheets></workbook>';
const workbookRels =
  '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>';

const HEADER_ROW = '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>';

/** A workbook of one sheet whose shared-strings part is `sharedStrings` (a bomb), with its declared size. */
function bookWithSharedStrings(
  sharedStrings: { deflated: Buffer; uncompressedSize: number },
  declared?: number,
) {
  return zipOf([
    { name: '_rels/.rels', data: workbookRootRels },
    { name: 'xl/workbook.xml', data: workbookXml },
    { name: 'xl/_rels/workbook.xml.rels', data: workbookRels },
    // Excel writes the sheets before the shared strings.
    { name: 'xl/worksheets/sheet1.xml', data: sheetXml(HEADER_ROW) },
    {
      name: 'xl/sharedStrings.xml',
      data: sharedStrings,
      ...(declared === undefined ? {} : { declaredSize: declared }),
    },
  ]);
}

const SST_HEAD =
  '<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>Họ và tên</t></si><si><t>Ngày sinh</t></si>';
const MANY_STRINGS = '<si><t>a</t></si>'.repeat(MiB / 17);

describe('decompression bombs', () => {
  it('refuses at once a shared-strings part that says it expands to 3.2 GB (a 3 MB file)', async () => {
    const bomb = repeatedDeflate(SST_HEAD, MANY_STRINGS, 3200, '</sst>');
    const file = bookWithSharedStrings(bomb);
    expect(file.length).toBeLessThan(8 * MiB);
    const { error, rssGrowth, seconds } = await refusal(await fileOf(file));
    expect(error?.isSpreadsheetError).toBe(true);
    expect(error).toMatchObject({
      code: 'TOO_LARGE',
      message: expect.stringMatching(/^Tệp "danh-sach.xlsx" khi giải nén lớn hơn mức cho phép/),
    });
    expect(rssGrowth).toBeLessThan(RSS_BOUND);
    expect(seconds).toBeLessThan(5);
  });

  it('refuses while inflating a part whose directory entry lies about its size', async () => {
    const bomb = repeatedDeflate(SST_HEAD, MANY_STRINGS, 3200, '</sst>');
    const { error, rssGrowth } = await refusal(await fileOf(bookWithSharedStrings(bomb, 4096)));
    expect(error).toMatchObject({ code: 'TOO_LARGE' });
    expect(error?.message).toContain('danh-sach.xlsx');
    expect(rssGrowth).toBeLessThan(RSS_BOUND);
  });

  it('refuses a shared-strings table of more strings than allowed, within its size', async () => {
    const bomb = repeatedDeflate(SST_HEAD, MANY_STRINGS, 40, '</sst>');
    const { error, rssGrowth } = await refusal(await fileOf(bookWithSharedStrings(bomb)), {
      limits: { maxSharedStrings: 500_000 },
    });
    expect(error).toMatchObject({
      code: 'TOO_LARGE',
      message: expect.stringContaining('500.000'),
    });
    expect(rssGrowth).toBeLessThan(RSS_BOUND);
  });

  it('refuses a cell whose text goes on for megabytes without a tag', async () => {
    const bomb = repeatedDeflate(SST_HEAD + '<si><t>', 'a'.repeat(MiB), 100, '</t></si></sst>');
    const { error, rssGrowth } = await refusal(await fileOf(bookWithSharedStrings(bomb)));
    expect(error).toMatchObject({ code: 'TOO_LARGE', message: expect.stringContaining('ô') });
    expect(rssGrowth).toBeLessThan(RSS_BOUND);
  });
});

describe('an XLSX handed as a stream', () => {
  it('is copied to a temporary file no larger than maxFileBytes, then refused', async () => {
    const { Readable } = await import('node:stream');
    const big = bookWithSharedStrings(repeatedDeflate(SST_HEAD, MANY_STRINGS, 1, '</sst>'));
    expect(big.length).toBeGreaterThan(2048);
    const chunks = Array.from({ length: Math.ceil(big.length / 512) }, (_, i) =>
      big.subarray(i * 512, (i + 1) * 512),
    );
    const opening = openSpreadsheet(Readable.from(chunks), {
      fileName: 'tai-len.xlsx',
      limits: { maxFileBytes: 1024 },
    });
    await expect(opening.then((opened) => opened.rows[Symbol.asyncIterator]().next())).rejects.toMatchObject({
      code: 'TOO_LARGE',
      message: expect.stringContaining('Tệp "tai-len.xlsx"'),
    });
  });
});

describe('too many rows or cells', () => {
  // 2.9 million rows of two cells in about 15 MB: the file of the issue, made as its sheet repeats one row.
  const manyRows = () => {
    const row = '<row><c t="inlineStr"><is><t>Nguyễn Văn An</t></is></c><c><v>1950</v></c></row>';
    const sheet = repeatedDeflate(
      sheetXml(HEADER_ROW).replace(/<\/sheetData>.*$/s, ''),
      row.repeat(1000),
      2900,
      '</sheetData></worksheet>',
    );
    return zipOf([
      { name: '_rels/.rels', data: workbookRootRels },
      { name: 'xl/workbook.xml', data: workbookXml },
      { name: 'xl/_rels/workbook.xml.rels', data: workbookRels },
      { name: 'xl/sharedStrings.xml', data: sharedStringsXml(['<t>Họ và tên</t>', '<t>Năm sinh</t>']) },
      { name: 'xl/worksheets/sheet1.xml', data: sheet },
    ]);
  };

  it('stops reading at the row limit and says so', async () => {
    const { error, rssGrowth } = await refusal(await fileOf(manyRows()), { limits: { maxRows: 50_000 } });
    expect(error).toMatchObject({
      code: 'TOO_LARGE',
      message:
        'Tệp "danh-sach.xlsx" có hơn 50.000 dòng, quá giới hạn của một lần nhập: hãy chia danh sách thành nhiều tệp.',
    });
    expect(rssGrowth).toBeLessThan(RSS_BOUND);
  });

  it('stops reading at the cell limit, and at the time limit', async () => {
    const path = await fileOf(manyRows());
    expect((await refusal(path, { limits: { maxCells: 10_000 } })).error).toMatchObject({
      code: 'TOO_LARGE',
      message: expect.stringContaining('10.000 ô'),
    });
    const timed = await refusal(path, { limits: { maxSeconds: 0.2 } });
    expect(timed.error).toMatchObject({ code: 'TOO_LARGE', message: expect.stringContaining('giây') });
    expect(timed.seconds).toBeLessThan(3);
  });

  it('has a row limit for CSV files too', async () => {
    const csv = join(folder, 'many.csv');
    await writeFile(csv, 'Họ và tên;Năm sinh\n' + 'An;1950\n'.repeat(2000));
    const { error } = await refusal(csv, { limits: { maxRows: 1000 } });
    expect(error).toMatchObject({ code: 'TOO_LARGE', message: expect.stringContaining('1.000 dòng') });
  });
});
