import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import ExcelJS from 'exceljs';
import { sqlRows, startStack, tokenFor, type Stack } from '../support/stack.ts';

let stack: Stack;

beforeAll(async () => {
  stack = await startStack();
});

afterAll(async () => {
  await stack?.stop();
});

const IMPORT = `mutation ($file: Upload!, $unitCode: ID, $mapping: [ImportColumnMapping!]) {
  importPersons(file: $file, unitCode: $unitCode, mapping: $mapping) {
    id state error
    personImport {
      fileName rows created updated unchanged rejected duplicateWarnings ignoredColumns
      problems { row column message } reportUrl
    }
  }
}`;

/** Sends a GraphQL multipart request (one file) through the gateway, as a browser or curl would. */
async function upload(
  content: Buffer | string,
  fileName: string,
  options: { username?: string; variables?: Record<string, unknown> } = {},
) {
  const form = new FormData();
  form.append(
    'operations',
    JSON.stringify({ query: IMPORT, variables: { file: null, ...options.variables } }),
  );
  form.append('map', JSON.stringify({ 0: ['variables.file'] }));
  form.append('0', new Blob([content]), fileName);
  const headers: Record<string, string> = {};
  if (options.username !== '')
    headers.authorization = `Bearer ${await tokenFor(options.username ?? 'xa.18652')}`;
  const response = await fetch(stack.gateway.url, { method: 'POST', body: form, headers });
  const body = (await response.json()) as { data?: any; errors?: any[] };
  // A small file is imported within the request: its job comes back done, with the import's result.
  const job = body.data?.importPersons;
  if (job) {
    expect(job).toMatchObject({ state: 'DONE', error: null });
    body.data.importPersons = { ...job.personImport, job };
  }
  return { status: response.status, ...body };
}

async function count(sql: string, params: unknown[] = []): Promise<number> {
  const [row] = await sqlRows(stack.database.url, sql, params);
  return Number(row!.count);
}

const HEADER =
  'STT;Họ và tên;Ngày sinh;Giới tính;Dân tộc;Số CCCD;Địa chỉ;Mã hộ;Quan hệ với chủ hộ;Ngân hàng;Số tài khoản;Chủ tài khoản';
const CSV = [
  '\ufeff' + HEADER,
  '1;Hoàng Văn Nhập;05/03/1948;Nam;Kinh;042048001001;Thôn 1;H-01;Chủ hộ;Agribank;3700205000001;HOANG VAN NHAP',
  '2;Hoàng Thị Nhập;1950;Nữ;Mường;042150001002;Thôn 1;H-01;Vợ;;;',
  '3;Lò Văn Sai;12/12/1960;Nam;Kinh;042060001003;;;;;;',
  '4;Đỗ Thị Lỗi;01/01/1955;Nữ;Kinh;042055001004;;;;;;', // digit 4 is 0 (male) for a woman
  '5;Cầm Văn Tộc;1945;Nam;Ngoài Hành Tinh;;;;;;;',
  '6;Vi Văn Tương Lai;01/01/2090;Nam;Tày;;;;;;;',
  "7;Nông Thị Hộ Nghèo;1939;Nữ;H'Mông;;Bản Mới;H-02;Chủ hộ;VBSP;10203040506;NGUYEN VAN KHAC",
].join('\r\n');

describe('importPersons through the gateway (GraphQL multipart upload)', () => {
  it('keeps the good rows, reports every bad one, and changes nothing when imported again', async () => {
    const first = await upload(CSV, 'danh-sach.csv');
    expect(first.errors).toBeUndefined();
    expect(first.data!.importPersons).toMatchObject({
      fileName: 'danh-sach.csv',
      rows: 7,
      created: 4,
      updated: 0,
      unchanged: 0,
      rejected: 3,
      ignoredColumns: ['STT'],
    });
    const problems = first.data!.importPersons.problems;
    expect(problems).toEqual([
      { row: 5, column: 'Số CCCD', message: expect.stringContaining('Giới tính') },
      { row: 6, column: 'Dân tộc', message: expect.stringContaining('Ngoài Hành Tinh') },
      { row: 7, column: 'Ngày sinh', message: expect.stringContaining('tương lai') },
    ]);
    const [head] = await sqlRows(
      stack.database.url,
      `select u.code as residence_unit_code, u.valid_to is null as unit_in_force, p.ethnicity_code, h.code as household,
              h.head_person_id = p.id as is_head, a.provider_code, a.is_default, a.holder_name_matches
         from registry.persons p join registry.households h on h.id = p.household_id
         join registry.administrative_units u on u.id = p.residence_unit_id
         join registry.payment_accounts a on a.person_id = p.id
        where p.citizen_id = '042048001001'`,
    );
    expect(head).toEqual({
      // Phường Hà Huy Tập as it is today, not the old Xã Tân Lâm Hương that had the code 18652 until 2025-06-30.
      residence_unit_code: '18652',
      unit_in_force: true,
      ethnicity_code: '01',
      household: 'H-01',
      is_head: true,
      provider_code: 'VBA',
      is_default: true,
      holder_name_matches: true,
    });
    const [guardian] = await sqlRows(
      stack.database.url,
      `select a.holder_name_matches from registry.persons p join registry.payment_accounts a on a.person_id = p.id
        where p.full_name = 'Nông Thị Hộ Nghèo'`,
    );
    expect(guardian!.holder_name_matches).toBe(false);
    const history = await count(
      `select count(*) from registry.change_history where actor_name = 'xa.18652' and table_name = 'persons' and action = 'create'`,
    );
    expect(history).toBe(4);

    // The report lists the refused rows with an error column, for the official who imported.
    const reportUrl = new URL(first.data!.importPersons.reportUrl, stack.gateway.url);
    const refused = await fetch(reportUrl, {
      headers: { authorization: `Bearer ${await tokenFor('xa.18073')}` },
    });
    expect(refused.status).toBe(404);
    const download = await fetch(reportUrl, {
      headers: { authorization: `Bearer ${await tokenFor('xa.18652')}` },
    });
    expect(download.status).toBe(200);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(Buffer.from(await download.arrayBuffer()) as never);
    const sheet = workbook.worksheets[0]!;
    expect(sheet.getRow(1).getCell(1).value).toBe('Dòng');
    expect(sheet.rowCount).toBe(4);
    expect(String(sheet.getRow(2).getCell(HEADER.split(';').length + 2).value)).toContain('Giới tính');

    const before = await count('select count(*) from registry.change_history');
    const again = await upload(CSV, 'danh-sach.csv');
    expect(again.data!.importPersons).toMatchObject({
      rows: 7,
      created: 0,
      updated: 0,
      unchanged: 4,
      rejected: 3,
    });
    expect(await count('select count(*) from registry.change_history')).toBe(before);

    const changed = await upload(CSV.replace('Thôn 1;H-01;Vợ', 'Thôn 2;H-01;Vợ'), 'danh-sach.csv');
    expect(changed.data!.importPersons).toMatchObject({ created: 0, updated: 1, unchanged: 3 });
  });

  it('reads an XLSX with a title above the header and a broken row in the middle', async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('Danh sách');
    sheet.addRow(['DANH SÁCH ĐỐI TƯỢNG BẢO TRỢ XÃ HỘI']);
    sheet.addRow(['Họ và tên', 'Ngày sinh', 'Giới tính', 'Số CCCD', 'Mã xã']);
    sheet.addRow(['Kha Văn Một', new Date(Date.UTC(1951, 4, 6)), 'Nam', '042051002001', '18652']);
    sheet.addRow(['Kha Văn Hai', 'ngày xưa', 'Nam', '042051002002', '18652']);
    sheet.addRow(['Kha Văn Ba', '1952', 'Nam', 42052002003, '18652']);
    const file = Buffer.from(await workbook.xlsx.writeBuffer());
    const answer = await upload(file, 'danh-sach.xlsx');
    expect(answer.errors).toBeUndefined();
    expect(answer.data!.importPersons).toMatchObject({ rows: 3, created: 2, rejected: 1 });
    expect(answer.data!.importPersons.problems).toEqual([
      { row: 4, column: 'Ngày sinh', message: expect.any(String) },
    ]);
    expect(await count(`select count(*) from registry.persons where citizen_id = '042052002003'`)).toBe(1);
  });

  it('makes one person of a CCCD listed twice in one file', async () => {
    const answer = await upload(
      [
        'Họ và tên;Ngày sinh;Giới tính;Số CCCD',
        'Mạc Văn Đôi;1949;Nam;042049003001',
        'Mạc Văn Đôi;1949;Nam;042 049 003 001',
      ].join('\r\n'),
      'trung.csv',
    );
    expect(answer.data!.importPersons).toMatchObject({ rows: 2, created: 1, rejected: 0, unchanged: 1 });
    expect(answer.data!.importPersons.problems).toEqual([]);
    expect(await count('select count(*) from registry.persons where citizen_id = $1', ['042049003001'])).toBe(
      1,
    );
  });

  it.each([
    ['a file of 0 rows', HEADER + '\r\n', 'danh-sach.csv'],
    [
      'a file that is not a spreadsheet',
      Buffer.from('%PDF-1.7\n%âãÏÓ\n1 0 obj\n<<>>\nendobj\n'),
      'danh-sach.csv',
    ],
    ['a spreadsheet without a name column', 'Số CCCD;Ngày sinh\r\n042048001001;1948\r\n', 'danh-sach.csv'],
  ])('refuses %s with a clear error and writes nothing', async (_label, content, fileName) => {
    const before = await count('select count(*) from registry.change_history');
    const answer = await upload(content, fileName);
    expect(answer.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'file' });
    expect(answer.errors?.[0]?.message).toMatch(/[àáảãạăâđêôơư]/i);
    expect(await count('select count(*) from registry.change_history')).toBe(before);
  });

  it('refuses imports outside the caller scope and callers without the right', async () => {
    const before = await count('select count(*) from registry.persons');
    const otherCommune = await upload(CSV, 'danh-sach.csv', { variables: { unitCode: '18229' } });
    expect(otherCommune.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const rowsElsewhere = await upload(
      'Họ và tên;Ngày sinh;Mã xã\r\nTạ Văn Ngoài;1950;18229\r\n',
      'danh-sach.csv',
    );
    expect(rowsElsewhere.data!.importPersons).toMatchObject({ rows: 1, created: 0, rejected: 1 });
    expect(rowsElsewhere.data!.importPersons.problems[0].column).toBe('Mã xã');
    // The former district (read roles only, and a unit that has ended): its upload is refused, or its import.
    const district = await upload(CSV, 'danh-sach.csv', { username: 'huyen.436' });
    expect(district.status === 403 || district.errors?.[0]?.extensions?.code === 'FORBIDDEN').toBe(true);
    const anonymous = await upload(CSV, 'danh-sach.csv', { username: '' });
    expect(anonymous.status).toBe(401);
    expect(await count('select count(*) from registry.persons')).toBe(before);
  });
});
