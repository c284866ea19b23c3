import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import ExcelJS from 'exceljs';
import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { crc32 } from 'node:zlib';
import yauzl from 'yauzl';
import { mapColumns } from './column-mapping.ts';
import { personRowParser } from './person-row.rules.ts';
import { SpreadsheetError, type SpreadsheetRow } from '@ansinh/common/standalone';
import { openSpreadsheet } from './person-spreadsheet.ts';

let folder: string;
beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'ansinh-imports-'));
});
afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

let fileCount = 0;
async function fileWith(content: string | Buffer, extension = 'csv'): Promise<string> {
  const path = join(folder, `file-${++fileCount}.${extension}`);
  await writeFile(path, content);
  return path;
}

async function xlsxWith(fill: (workbook: ExcelJS.Workbook) => void): Promise<string> {
  const workbook = new ExcelJS.Workbook();
  fill(workbook);
  const path = join(folder, `file-${++fileCount}.xlsx`);
  await workbook.xlsx.writeFile(path);
  return path;
}

async function allRows(rows: AsyncIterable<SpreadsheetRow>): Promise<SpreadsheetRow[]> {
  const read: SpreadsheetRow[] = [];
  for await (const row of rows) read.push(row);
  return read;
}

async function openingError(input: string | Readable, fileName?: string): Promise<SpreadsheetError> {
  try {
    const opened = await openSpreadsheet(input, { fileName });
    await allRows(opened.rows);
  } catch (error) {
    if (error instanceof SpreadsheetError) return error;
    throw error;
  }
  throw new Error('expected a SpreadsheetError');
}

/** A ZIP archive of stored (uncompressed) entries. */
function zipOf(entries: Record<string, string>): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, text] of Object.entries(entries)) {
    const data = Buffer.from(text);
    const fileName = Buffer.from(name);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt32LE(crc32(data), 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(fileName.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt32LE(crc32(data), 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(fileName.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, fileName, data);
    centrals.push(central, fileName);
    offset += local.length + fileName.length + data.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(Object.keys(entries).length, 8);
  end.writeUInt16LE(Object.keys(entries).length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

describe('openSpreadsheet, CSV', () => {
  it('reads UTF-8 with a BOM and ";" as delimiter, with Excel row numbers and empty rows left out', async () => {
    const path = await fileWith(
      '\ufeffSTT;Họ và tên;Ngày sinh;Địa chỉ\r\n' +
        '1;Nguyễn Văn An;05/03/1948;"Thôn 1; xã Bắc Hà"\r\n' +
        ';;;\r\n' +
        '\r\n' +
        '2;"Trần Thị ""Bình""";1950;"Dòng 1\nDòng 2"\r\n' +
        '3;Lê Văn Cường;1960\r\n',
    );
    const opened = await openSpreadsheet(path);
    expect(opened.format).toBe('csv');
    expect(opened.headers).toEqual(['STT', 'Họ và tên', 'Ngày sinh', 'Địa chỉ']);
    expect(await allRows(opened.rows)).toEqual([
      { rowNumber: 2, cells: ['1', 'Nguyễn Văn An', '05/03/1948', 'Thôn 1; xã Bắc Hà'] },
      { rowNumber: 5, cells: ['2', 'Trần Thị "Bình"', '1950', 'Dòng 1\nDòng 2'] },
      { rowNumber: 6, cells: ['3', 'Lê Văn Cường', '1960', null] },
    ]);
  });

  it('detects "," and tab delimiters, and UTF-8 without a BOM', async () => {
    const comma = await openSpreadsheet(await fileWith('Họ tên,Năm sinh,Địa chỉ\nAn,1948,"Thôn 1, xã A"\n'));
    expect(comma.headers).toEqual(['Họ tên', 'Năm sinh', 'Địa chỉ']);
    expect((await allRows(comma.rows))[0]?.cells).toEqual(['An', '1948', 'Thôn 1, xã A']);
    const tab = await openSpreadsheet(await fileWith('Họ và tên\tNgày sinh\nAn\t1948\n', 'txt'));
    expect(tab.headers).toEqual(['Họ và tên', 'Ngày sinh']);
  });

  it('reads the UTF-16LE text Excel saves as "Unicode Text"', async () => {
    const text = '\ufeffHọ và tên\tNgày sinh\r\nNguyễn Văn An\t05/03/1948\r\n';
    const opened = await openSpreadsheet(await fileWith(Buffer.from(text, 'utf16le'), 'txt'));
    expect(opened.headers).toEqual(['Họ và tên', 'Ngày sinh']);
    expect(await allRows(opened.rows)).toEqual([{ rowNumber: 2, cells: ['Nguyễn Văn An', '05/03/1948'] }]);
  });

  it('finds the header below title lines', async () => {
    const opened = await openSpreadsheet(
      await fileWith('DANH SÁCH ĐỐI TƯỢNG, XÃ BẮC HÀ;;\n;;\nHọ và tên;Ngày sinh;Dân tộc\nAn;1948;Kinh\n'),
    );
    expect(opened.headers).toEqual(['Họ và tên', 'Ngày sinh', 'Dân tộc']);
    expect(await allRows(opened.rows)).toEqual([{ rowNumber: 4, cells: ['An', '1948', 'Kinh'] }]);
  });

  it('reads a stream as well as a path', async () => {
    const opened = await openSpreadsheet(
      Readable.from([Buffer.from('Họ và tên;Ngà'), Buffer.from('y sinh\nAn;1948\n')]),
    );
    expect(opened.headers).toEqual(['Họ và tên', 'Ngày sinh']);
    expect(await allRows(opened.rows)).toHaveLength(1);
  });

  it('iterates no rows for a file with only its header', async () => {
    const opened = await openSpreadsheet(await fileWith('Họ và tên;Ngày sinh\r\n;\r\n'));
    expect(await allRows(opened.rows)).toEqual([]);
  });

  it('recognises the headers of columns the user assigned', async () => {
    const path = await fileWith('Tên người nhận;Sinh ngày\nAn;1948\n');
    await expect(openSpreadsheet(path)).rejects.toMatchObject({ code: 'NO_HEADER' });
    const opened = await openSpreadsheet(path, {
      columns: [
        { column: 'Tên người nhận', field: 'fullName' },
        { column: 'Sinh ngày', field: 'birthDate' },
      ],
    });
    expect(opened.headers).toEqual(['Tên người nhận', 'Sinh ngày']);
  });

  it('closes the file when the reader stops early', async () => {
    const path = await fileWith('Họ và tên;Ngày sinh\n' + 'An;1948\n'.repeat(50_000));
    const file = createReadStream(path);
    const closed = new Promise<void>((resolve) => file.once('close', () => resolve()));
    for await (const row of (await openSpreadsheet(file)).rows) {
      expect(row.rowNumber).toBe(2);
      break;
    }
    await closed;
  });

  it('refuses text in another encoding, and breaks off with BROKEN_FILE at an unclosed quote', async () => {
    const windows1258 = Buffer.from('Ho va ten;Ngay sinh\nNguy\xean Van An;1948\n', 'latin1');
    expect(await openingError(await fileWith(windows1258))).toMatchObject({ code: 'UNSUPPORTED_ENCODING' });
    const unclosed = await fileWith('Họ và tên;Ngày sinh\nAn;1948\n"Bình;1950\nCường;1960\n');
    expect(await openingError(unclosed)).toMatchObject({
      code: 'BROKEN_FILE',
      message: 'Tệp bị lỗi định dạng CSV ở dòng 3: có dấu ngoặc kép " mở mà không đóng.',
    });
  });
});

/** Names without digits, which the name rules refuse. */
const NAMES = ['Không', 'Một', 'Hai', 'Ba', 'Bốn', 'Năm'];

describe('openSpreadsheet, XLSX', () => {
  it('reads the first visible worksheet below its title rows, whatever the file is called', async () => {
    const path = await xlsxWith((workbook) => {
      workbook.addWorksheet('Ẩn', { state: 'hidden' }).addRow(['Họ và tên', 'Ngày sinh']);
      const sheet = workbook.addWorksheet('Danh sách');
      sheet.addRow(['DANH SÁCH ĐỐI TƯỢNG HƯỞNG TRỢ CẤP XÃ HỘI HẰNG THÁNG']);
      sheet.addRow(['Xã Bắc Hà, tháng 11 năm 2026']);
      sheet.addRow([]);
      sheet.addRow(['STT', 'HỌ VÀ TÊN', 'Ngày tháng\nnăm sinh', 'Số CCCD', 'Ghi chú']);
      sheet.addRow([1, 'Nguyễn Văn An', new Date(Date.UTC(1948, 2, 5)), 42048000123, null]);
      sheet.addRow([]);
      sheet.addRow([
        2,
        { richText: [{ text: 'Trần Thị ' }, { text: 'Bình', font: { bold: true } }] },
        { formula: 'DATE(1950,1,2)', result: new Date(Date.UTC(1950, 0, 2)) },
        { text: '042150000999', hyperlink: 'https://example.org' },
        'x',
      ]);
      sheet.getCell('C7').numFmt = 'dd/mm/yyyy';
      sheet.addRow([3, 'Lê Văn Cường', 17597]);
    });
    const opened = await openSpreadsheet(path, { fileName: 'danh-sach.csv' });
    expect(opened.format).toBe('xlsx');
    expect(opened.headers).toEqual(['STT', 'HỌ VÀ TÊN', 'Ngày tháng năm sinh', 'Số CCCD', 'Ghi chú']);
    const rows = await allRows(opened.rows);
    expect(rows.map((row) => row.rowNumber)).toEqual([5, 7, 8]);
    expect(rows[0]?.cells).toEqual([1, 'Nguyễn Văn An', new Date(Date.UTC(1948, 2, 5)), 42048000123, null]);
    // A formula's result in a cell formatted as a date is a date too.
    expect(rows[1]?.cells).toEqual([2, 'Trần Thị Bình', new Date(Date.UTC(1950, 0, 2)), '042150000999', 'x']);
    expect(rows[2]?.cells).toEqual([3, 'Lê Văn Cường', 17597, null, null]);
  });

  it('merges a two-row header and skips the row of column numbers', async () => {
    const path = await xlsxWith((workbook) => {
      const sheet = workbook.addWorksheet('DS');
      sheet.addRow(['STT', 'Họ và tên', 'Ngày sinh', 'Tài khoản nhận trợ cấp']);
      sheet.addRow([null, null, null, 'Ngân hàng', 'Số tài khoản']);
      sheet.mergeCells('D1:E1');
      sheet.addRow(['(1)', '(2)', '(3)', '(4)', '(5)']);
      sheet.addRow([1, 'An', 1948, 'VBA', '3700205123456']);
    });
    const opened = await openSpreadsheet(path);
    expect(opened.headers).toEqual(['STT', 'Họ và tên', 'Ngày sinh', 'Ngân hàng', 'Số tài khoản']);
    expect(await allRows(opened.rows)).toEqual([
      { rowNumber: 4, cells: [1, 'An', 1948, 'VBA', '3700205123456'] },
    ]);
  });

  it('gives problems for a broken row in the middle and for no other', async () => {
    const path = await xlsxWith((workbook) => {
      const sheet = workbook.addWorksheet('DS');
      sheet.addRow(['Danh sách']);
      sheet.addRow(['STT', 'Họ và tên', 'Ngày sinh', 'Giới tính', 'Dân tộc', 'Số CCCD']);
      for (let i = 1; i <= 5; i++) {
        sheet.addRow(
          i === 3
            ? [i, 'Người Lỗi', '31/02/1950', 'Nữ', 'Kinhh', '042150000123']
            : [i, `Người ${NAMES[i]}`, new Date(Date.UTC(1950, 0, i)), 'Nữ', 'Kinh', 42150000100 + i],
        );
      }
    });
    const opened = await openSpreadsheet(path);
    const parse = personRowParser(mapColumns(opened.headers), {
      today: new Date('2026-11-23T05:00:00Z'),
      defaultUnitCode: '18073',
    });
    const results = [];
    for await (const row of opened.rows) results.push({ rowNumber: row.rowNumber, result: parse(row.cells) });
    expect(results.filter(({ result }) => result.ok).map(({ rowNumber }) => rowNumber)).toEqual([3, 4, 6, 7]);
    expect(results[2]).toEqual({
      rowNumber: 5,
      result: {
        ok: false,
        problems: [
          { column: 'Ngày sinh', field: 'birthDate', message: 'Ngày sinh không tồn tại trên lịch.' },
          { column: 'Dân tộc', field: 'ethnicity', message: 'Không nhận ra dân tộc "Kinhh".' },
        ],
      },
    });
    expect(results[0]?.result).toMatchObject({
      ok: true,
      row: { citizenId: '042150000101', birthDate: '1950-01-01' },
    });
  });

  it('keeps Vietnamese letters whole where the XML is cut into chunks (exceljs#2084)', async () => {
    const names = Array.from({ length: 4000 }, (_, i) => `Nguyễn Thị Ánh Tuyết Đặng Hữu Phước ${i}`);
    const withSharedStrings = await xlsxWith((workbook) => {
      const sheet = workbook.addWorksheet('DS');
      sheet.addRow(['Họ và tên', 'Ngày sinh']);
      for (const name of names) sheet.addRow([name, 1950]);
    });
    const withInlineStrings = join(folder, `file-${++fileCount}.xlsx`);
    const writer = new ExcelJS.stream.xlsx.WorkbookWriter({
      filename: withInlineStrings,
      useSharedStrings: false,
    });
    const sheet = writer.addWorksheet('DS');
    sheet.addRow(['Họ và tên', 'Ngày sinh']).commit();
    for (const name of names) sheet.addRow([name, 1950]).commit();
    await writer.commit();
    for (const path of [withSharedStrings, withInlineStrings]) {
      const rows = await allRows((await openSpreadsheet(path)).rows);
      expect(rows.map((row) => row.cells[0])).toEqual(names);
    }
  });

  it('iterates no rows for a workbook with only a header, and says EMPTY for an empty one', async () => {
    const headerOnly = await xlsxWith((workbook) => {
      workbook.addWorksheet('DS').addRow(['Họ và tên', 'Ngày sinh']);
    });
    expect(await allRows((await openSpreadsheet(headerOnly)).rows)).toEqual([]);
    const empty = await xlsxWith((workbook) => {
      workbook.addWorksheet('DS');
    });
    expect(await openingError(empty)).toMatchObject({ code: 'EMPTY' });
  });

  it('breaks off with BROKEN_FILE where the sheet XML is cut, after the rows before it', async () => {
    const good = await xlsxWith((workbook) => {
      const sheet = workbook.addWorksheet('DS');
      sheet.addRow(['Họ và tên', 'Ngày sinh']);
      for (let i = 0; i < 3; i++) sheet.addRow([`Người ${NAMES[i]}`, 1950]);
    });
    // The same workbook with its sheet cut inside the last row: rebuilt part by part.
    const parts: Record<string, string> = {};
    await new Promise<void>((resolve, reject) => {
      yauzl.open(good, { lazyEntries: false }, (error, zip) => {
        if (error || !zip) return reject(error);
        let pending = zip.entryCount;
        zip.on('entry', (entry: yauzl.Entry) => {
          zip.openReadStream(entry, (streamError, stream) => {
            if (streamError || !stream) return reject(streamError);
            const chunks: Buffer[] = [];
            stream.on('data', (chunk: Buffer) => chunks.push(chunk));
            stream.on('end', () => {
              parts[entry.fileName] = Buffer.concat(chunks).toString('utf8');
              if (--pending === 0) resolve();
            });
          });
        });
      });
    });
    const sheetName = Object.keys(parts).find((name) => name.startsWith('xl/worksheets/sheet'))!;
    parts[sheetName] = parts[sheetName]!.replace(/<row r="4".*$/s, '<row r="4"><c r="A4" t="inl');
    const error = await openingError(await fileWith(zipOf(parts), 'xlsx'));
    expect(error).toMatchObject({ code: 'BROKEN_FILE', message: 'Tệp bị hỏng sau dòng 3.' });
  });

  it('closes the file when the reader stops early', async () => {
    const path = await xlsxWith((workbook) => {
      const sheet = workbook.addWorksheet('DS');
      sheet.addRow(['Họ và tên', 'Ngày sinh']);
      for (let i = 0; i < 1000; i++) sheet.addRow([`Người ${i}`, 1950]);
    });
    const file = createReadStream(path);
    const closed = new Promise<void>((resolve) => file.once('close', () => resolve()));
    const opened = await openSpreadsheet(file);
    for await (const row of opened.rows) {
      expect(row.rowNumber).toBe(2);
      break;
    }
    await closed;
    expect(file.destroyed).toBe(true);
  });
});

describe('openSpreadsheet refuses what is not a spreadsheet', () => {
  it.each([
    ['random bytes', () => randomBytes(4096)],
    [
      'a PDF',
      () => Buffer.from('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n', 'latin1'),
    ],
    [
      'an old .xls or .doc',
      () => Buffer.concat([Buffer.from('d0cf11e0a1b11ae1', 'hex'), Buffer.alloc(4000)]),
    ],
    [
      'an HTML table saved as .xls',
      () => Buffer.from('<html><body><table><tr><td>Họ và tên</td></tr></table>'),
    ],
    ['a ZIP without a worksheet (a .docx)', () => zipOf({ 'word/document.xml': '<w:document/>' })],
    ['a truncated workbook', () => Buffer.from('PK\x03\x04\x14\x00\x00\x00\x08\x00garbage')],
  ])('%s → NOT_A_SPREADSHEET', async (_, content) => {
    const error = await openingError(await fileWith(content(), 'xlsx'), 'danh-sach.xlsx');
    expect(error.code).toBe('NOT_A_SPREADSHEET');
    expect(error.message).toContain('"danh-sach.xlsx" không phải bảng tính');
  });

  it('a text without recognisable headers → NO_HEADER; nothing at all → EMPTY', async () => {
    expect(await openingError(await fileWith('Kính gửi UBND xã,\nđề nghị xét duyệt.\n'))).toMatchObject({
      code: 'NO_HEADER',
      message: expect.stringContaining('"Họ và tên"'),
    });
    expect(await openingError(await fileWith(''))).toMatchObject({ code: 'EMPTY' });
    expect(await openingError(await fileWith('\ufeff\r\n;;\r\n'))).toMatchObject({ code: 'EMPTY' });
  });

  it('reads a real XLSX that another test wrote, from a stream', async () => {
    const path = await xlsxWith((workbook) => {
      workbook.addWorksheet('DS').addRow(['Họ và tên', 'Ngày sinh']);
    });
    const opened = await openSpreadsheet(Readable.from([await readFile(path)]));
    expect(opened.format).toBe('xlsx');
  });
});

describe('a data row that reads partly like headers', () => {
  it('stays data: gender Nam folds like the header Năm, the account kind Ngân hàng is a header too', async () => {
    const csv = [
      'STT,Họ và tên,Ngày sinh,Giới tính,Năm,Loại tài khoản,Ngân hàng,Số tài khoản',
      '1,Nguyễn Văn Một,01/01/1950,Nam,2024,Ngân hàng,VBA,3700205000001',
      '2,Trần Thị Hai,1951,Nữ,,,,',
    ].join('\n');
    const sheet = await openSpreadsheet(Readable.from([Buffer.from(csv)]));
    const rows = [];
    for await (const row of sheet.rows) rows.push(row);
    expect(sheet.headers).toContain('Họ và tên');
    expect(rows.map((row) => row.rowNumber)).toEqual([2, 3]);
  });
});

describe('the row limit', () => {
  const list = (persons: number, titleRows = 0) =>
    [
      ...Array.from({ length: titleRows }, (_, index) => `Danh sách đối tượng ${index + 1}`),
      'Họ và tên;Năm sinh',
      ...Array.from({ length: persons }, (_, index) => `Người Thứ ${index};1950`),
    ].join('\n');

  it('reads a list of exactly maxRows persons under a header and a title', async () => {
    const opened = await openSpreadsheet(await fileWith(list(50, 3)), { limits: { maxRows: 50 } });
    expect(await allRows(opened.rows)).toHaveLength(50);
  });

  it('refuses a list of more persons than that', async () => {
    const error = await (async () => {
      try {
        const opened = await openSpreadsheet(await fileWith(list(61)), { limits: { maxRows: 50 } });
        await allRows(opened.rows);
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(SpreadsheetError);
    expect((error as SpreadsheetError).message).toContain('có hơn 50 dòng');
  });
});
