import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import pg from 'pg';
import { createTestDatabase, type TestDatabase } from '@ansinh/common/testing';
import { seedDemoData } from '@ansinh/infra';
import {
  importPersons,
  scopedSession,
  type PersonImportRequest,
} from '../src/imports/person-import.service.ts';
import { repeatedDeflate, sharedStringsXml, sheetXml, workbookOf, zipOf } from './fixtures/xlsx-parts.ts';

let database: TestDatabase;
/** The path of Hà Tĩnh in force since 1 July 2025 (paths are qualified by the unit's start). */
const PROVINCE = '42_20250701';
/** The path of Phường Thành Sen, the new 18073. */
const THANH_SEN = '42_20250701.18073_20250701';
let client: pg.Client;

beforeAll(async () => {
  database = await createTestDatabase();
  await seedDemoData(database.url, { personsPerCommune: 0 });
  client = new pg.Client({ connectionString: database.url });
  await client.connect();
});

afterAll(async () => {
  await client?.end();
  await database?.drop();
});

async function count(sql: string, values: unknown[] = []): Promise<number> {
  const { rows } = await client.query<{ count: string }>(sql, values);
  return Number(rows[0]!.count);
}

const HEADER = 'Họ và tên;Ngày sinh;Giới tính;Số CCCD;Mã xã;Mã hộ;Quan hệ với chủ hộ;Ngân hàng;Số tài khoản';
// Two current communes of Hà Tĩnh whose territory lay in the former district 436 (Thành phố Hà Tĩnh):
// 18073 Phường Thành Sen and 18652 Phường Hà Huy Tập. Since 1 July 2025 there is no district: the
// province imports across its communes.
const ROWS = [
  'Trần Văn Lô;05/03/1950;Nam;042050100001;18073;L-01;Chủ hộ;Agribank;3700205100001',
  'Phan Thị Đợt;1952;Nữ;042152100002;18073;;;;',
  // A member of the household of the first row, some rows below its head.
  'Trần Thị Lô;07/08/1953;Nữ;042153100003;18073;L-01;Vợ;;',
  // The CCCD of the first row again, with other values: the same person, reported.
  'Trần Văn Lặp;01/01/1950;Nam;042050100001;18073;;;;',
  // Same name and birth as the second row's person, in the other commune of the same former district, without CCCD.
  'Phan Thị Đợt;1952;Nữ;;18652;;;;',
  'Lê Văn Cuối;09/09/1949;Nam;042049100006;18652;L-02;Chủ hộ;Vietcombank;0071000100006',
];
const CSV = [HEADER, ...ROWS].join('\n');

function request(overrides: Partial<PersonImportRequest> = {}): PersonImportRequest {
  return {
    databaseUrl: database.url,
    file: Readable.from([CSV]),
    fileName: 'dot-1.csv',
    scopePath: PROVINCE,
    actor: { id: 'test', name: 'Cán bộ tỉnh', unitCode: '42' },
    ...overrides,
  };
}

describe('importPersons into the communes of a province', () => {
  it('creates persons, households, accounts, history and duplicate warnings across communes', async () => {
    const report = await importPersons(request());
    expect(report).toMatchObject({ rows: 6, created: 5, updated: 0, unchanged: 0, rejected: 1 });
    expect(report.problems).toEqual([
      {
        row: 5,
        column: 'Họ và tên',
        message:
          'Cùng một người với dòng 2 (cùng số CCCD) nhưng khác ở cột Họ và tên, Ngày sinh, Mã hộ, Quan hệ với chủ hộ, Ngân hàng, Số tài khoản: chỉ dòng 2 được nhập. Hãy sửa cho hai dòng khớp nhau hoặc xoá một dòng.',
      },
    ]);
    // The household of rows 1 and 3 is one household, with its head and both members.
    const { rows: members } = await client.query<{ full_name: string; is_head: boolean }>(
      `select p.full_name, h.head_person_id = p.id as is_head
         from registry.persons p join registry.households h on h.id = p.household_id
        where h.code = 'L-01' order by p.full_name`,
    );
    expect(members).toEqual([
      { full_name: 'Trần Thị Lô', is_head: false },
      { full_name: 'Trần Văn Lô', is_head: true },
    ]);
    expect(await count(`select count(*) from registry.households where code in ('L-01', 'L-02')`)).toBe(2);
    expect(await count('select count(*) from registry.payment_accounts where is_default')).toBe(2);
    // Rows 2 and 5 (two communes over one former district) raise one warning, once.
    const { rows: warnings } = await client.query<{ person: string; matched: string; reason: string }>(
      `select (select u.code from registry.administrative_units u where u.id = p.residence_unit_id) as person, (select u.code from registry.administrative_units u where u.id = m.residence_unit_id) as matched, w.reason
         from registry.duplicate_warnings w
         join registry.persons p on p.id = w.person_id join registry.persons m on m.id = w.matched_person_id`,
    );
    expect(warnings).toEqual([{ person: '18652', matched: '18073', reason: 'name_and_birth' }]);
    expect(report.duplicateWarnings).toBe(1);
    // Every creation has its history, written by the import's actor.
    expect(
      await count(
        `select count(*) from registry.change_history where action = 'create' and actor_name = 'Cán bộ tỉnh'`,
      ),
    ).toBe(5 + 2 + 2);
  });

  it('changes nothing when the same file is imported again', async () => {
    const history = await count('select count(*) from registry.change_history');
    const report = await importPersons(request());
    expect(report).toMatchObject({ created: 0, updated: 0, unchanged: 5, rejected: 1, duplicateWarnings: 0 });
    expect(await count('select count(*) from registry.change_history')).toBe(history);
    expect(
      await count(
        `select count(*) from registry.persons where residence_unit_id in (select id from registry.administrative_units where code in ('18073', '18652') and valid_to is null)`,
      ),
    ).toBe(5);
  });

  it('counts a person whose account changed as updated', async () => {
    const updated = ROWS.map((row) => row.replace('0071000100006', '0071000199999'));
    const report = await importPersons(request({ file: Readable.from([[HEADER, ...updated].join('\n')]) }));
    expect(report).toMatchObject({ created: 0, updated: 1, unchanged: 4, rejected: 1 });
  });

  it('writes nothing of a file that breaks off half-way', async () => {
    const persons = await count('select count(*) from registry.persons');
    const history = await count('select count(*) from registry.change_history');
    async function* brokenOff() {
      yield [
        HEADER,
        'Mai Văn Một;1950;Nam;042050100011;18073;M-01;Chủ hộ;;',
        'Mai Văn Hai;1951;Nam;042051100012;18073;M-01;Con;;',
        'Mai Văn Ba;1952;Nam;042052100013;18073;;;;',
        '',
      ].join('\n');
      throw new Error('Mất kết nối khi tải tệp lên.');
    }
    await expect(importPersons(request({ file: Readable.from(brokenOff()) }))).rejects.toThrow(
      'Mất kết nối khi tải tệp lên.',
    );
    expect(await count('select count(*) from registry.persons')).toBe(persons);
    expect(await count('select count(*) from registry.change_history')).toBe(history);
    expect(await count(`select count(*) from registry.households where code = 'M-01'`)).toBe(0);
  });
});

describe('rows of one person in one file', () => {
  const header = 'Họ và tên;Ngày sinh;Giới tính;Số CCCD;Mã xã;Địa chỉ';
  it('makes one person of identical rows, and reports a later row that differs', async () => {
    const file = [
      header,
      'Hồ Văn Một;02/02/1950;Nam;042050100101;18073;Thôn 1',
      'Hồ Văn Một;02/02/1950;Nam;042050100101;18073;Thôn 1',
      // No CCCD: the same person by name, date of birth and commune.
      'Hồ Thị Hai;03/03/1951;Nữ;;18073;Thôn 2',
      'HỒ THỊ HAI;03/03/1951;Nữ;;18073;Thôn 2',
      'Hồ Văn Một;02/02/1950;Nam;042050100101;18073;Thôn 9',
    ].join('\n');
    const report = await importPersons(request({ file: Readable.from([file]), fileName: 'trung.csv' }));
    expect(report).toMatchObject({ rows: 5, created: 2, rejected: 2, unchanged: 1 });
    expect(report.problems).toEqual([
      {
        row: 5,
        column: 'Họ và tên',
        message:
          'Cùng một người với dòng 4 (cùng họ tên, ngày sinh và xã, không có CCCD) nhưng khác ở cột Họ và tên: chỉ dòng 4 được nhập. Hãy sửa cho hai dòng khớp nhau hoặc xoá một dòng.',
      },
      {
        row: 6,
        column: 'Địa chỉ',
        message:
          'Cùng một người với dòng 2 (cùng số CCCD) nhưng khác ở cột Địa chỉ: chỉ dòng 2 được nhập. Hãy sửa cho hai dòng khớp nhau hoặc xoá một dòng.',
      },
    ]);
    expect(await count(`select count(*) from registry.persons where citizen_id = '042050100101'`)).toBe(1);
    expect(await count(`select count(*) from registry.persons where name_folded = 'ho thi hai'`)).toBe(1);
    expect(
      await count(
        `select count(*) from registry.persons where citizen_id = '042050100101' and address = 'Thôn 1'`,
      ),
    ).toBe(1);
  });
});

describe('identity numbers as Excel stores them', () => {
  it('fills CCCD or CMND from a "Số CCCD/CMND" column by length, its lost leading 0 put back', async () => {
    const text = (ref: string, value: string) => `<c r="${ref}" t="inlineStr"><is><t>${value}</t></is></c>`;
    const number = (ref: string, value: number) => `<c r="${ref}"><v>${value}</v></c>`;
    const row = (n: number, name: string, id: string) =>
      `<row r="${n}">${text(`A${n}`, name)}${number(`B${n}`, 1950 + n)}${id.replace(/@/g, String(n))}${number(`D${n}`, 18652)}</row>`;
    const book = workbookOf({
      sheets: [
        {
          name: 'DS',
          target: 'worksheets/sheet1.xml',
          part: 'xl/worksheets/sheet1.xml',
          xml: sheetXml(
            `<row r="1">${text('A1', 'Họ và tên')}${text('B1', 'Năm sinh')}${text('C1', 'Số CCCD/CMND')}${text('D1', 'Mã xã')}</row>` +
              // A CCCD Excel turned into a number: 042… lost its 0.
              row(2, 'Đinh Văn Số', number('C@', 42052100201)) +
              // An old CMND of Hà Nội, also a number, also without its 0.
              row(3, 'Đinh Văn Cũ', number('C@', 12345678)) +
              row(4, 'Đinh Thị Chữ', text('C@', '042154100204')) +
              row(5, 'Đinh Văn Chín', text('C@', '212345679')),
          ),
        },
      ],
      sharedStrings: { target: 'sharedStrings.xml', part: 'xl/sharedStrings.xml', xml: sharedStringsXml([]) },
    });
    const report = await importPersons(request({ file: Readable.from([book]), fileName: 'cccd-cmnd.xlsx' }));
    expect(report).toMatchObject({ rows: 4, created: 4, rejected: 0 });
    const { rows } = await client.query(
      `select full_name, citizen_id, old_id_number from registry.persons
        where full_name like 'Đinh %' order by full_name`,
    );
    expect(rows).toEqual([
      { full_name: 'Đinh Thị Chữ', citizen_id: '042154100204', old_id_number: null },
      { full_name: 'Đinh Văn Chín', citizen_id: null, old_id_number: '212345679' },
      { full_name: 'Đinh Văn Cũ', citizen_id: null, old_id_number: '012345678' },
      { full_name: 'Đinh Văn Số', citizen_id: '042052100201', old_id_number: null },
    ]);
  });
});

describe('the import runs in the scoped session of its request', () => {
  let login: { role: string; pool: pg.Pool } | undefined;
  beforeAll(async () => {
    // A login that is no superuser and may only become the registry's role, as a subgraph's login is.
    const role = `ansinh_import_test_${randomBytes(4).toString('hex')}`;
    const password = randomBytes(12).toString('hex');
    await client.query(`create role ${role} login noinherit password '${password}' in role ansinh_registry`);
    const url = new URL(database.url);
    url.username = role;
    url.password = password;
    login = { role, pool: new pg.Pool({ connectionString: url.toString(), max: 2 }) };
  });
  afterAll(async () => {
    if (!login) return;
    await login.pool.end();
    await client.query(`drop role if exists ${login.role}`);
  });

  const communeFile = ['Họ và tên;Ngày sinh;Số CCCD;Mã xã', 'Quách Văn Phạm;1950;042050100301;18073'].join(
    '\n',
  );

  it('imports through a non-superuser pool with the request session, as that role, under its scope', async () => {
    const session = scopedSession(THANH_SEN, { id: 'officer-1', name: 'Cán bộ phạm vi', unitCode: '18073' });
    const report = await importPersons({
      database: { pool: login!.pool, session },
      file: Readable.from([communeFile]),
      fileName: 'pham-vi.csv',
    });
    expect(report).toMatchObject({ rows: 1, created: 1, rejected: 0 });
    const { rows } = await client.query(
      `select actor_name from registry.change_history h join registry.persons p on p.id = h.row_id
        where p.citizen_id = '042050100301' and h.action = 'create'`,
    );
    expect(rows).toEqual([{ actor_name: 'Cán bộ phạm vi' }]);
  });

  it('cannot reach persons outside the session scope, whatever the file says', async () => {
    // A person of another commune, known by an old CMND only.
    const { rows: units } = await client.query<{ code: string; id: string }>(
      `select code, id from registry.administrative_units
        where valid_to is null and level = 'commune' and not path <@ '42_20250701.18073_20250701'::ltree order by code limit 1`,
    );
    const elsewhere = units[0]!.code;
    await client.query(
      `insert into registry.persons (id, full_name, name_folded, birth_year, gender, old_id_number, residence_unit_id, status, created_at, updated_at)
       values (gen_random_uuid(), 'Kiều Văn Xa', 'kieu van xa', 1950, 'male', '087654321', $1, 'living', now(), now())`,
      [units[0]!.id],
    );
    // The same CMND in a file of Phường Thành Sen: row-level security hides the other commune's person,
    // so the import cannot match it and move it here; it makes a person of its own.
    const session = scopedSession(THANH_SEN, { id: 'officer-2', name: 'Cán bộ xã', unitCode: '18073' });
    const report = await importPersons({
      database: { pool: login!.pool, session },
      file: Readable.from(['Họ và tên;Năm sinh;Số CMND;Mã xã\nKiều Văn Xa;1950;087654321;18073\n']),
      fileName: 'cmnd.csv',
    });
    expect(report).toMatchObject({ rows: 1, created: 1, updated: 0 });
    const { rows } = await client.query(
      `select (select u.code from registry.administrative_units u where u.id = residence_unit_id) as residence_unit_code from registry.persons where old_id_number = '087654321' order by 1`,
    );
    expect(rows.map((row) => row.residence_unit_code).sort()).toEqual(['18073', elsewhere].sort());
  });

  it('refuses a session without a role or scope, writing nothing', async () => {
    const persons = await count('select count(*) from registry.persons');
    await expect(
      importPersons({
        database: { pool: login!.pool, session: {} },
        file: Readable.from([communeFile.replace('042050100301', '042050100302')]),
        fileName: 'khong-pham-vi.csv',
      }),
    ).rejects.toThrow('scoped session');
    expect(await count('select count(*) from registry.persons')).toBe(persons);
  });

  it('writes nothing for a former district (ended 30 June 2025): no commune to name, and row-level security refuses', async () => {
    // A person of old 18073 Phường Nam Hà (district 436), before the reform.
    const { rows: old } = await client.query<{ id: string }>(
      `insert into registry.persons (id, full_name, name_folded, birth_year, gender, residence_unit_id, status, created_at, updated_at)
       values (gen_random_uuid(), 'Vũ Thị Cũ', 'vu thi cu', 1948, 'female',
               (select id from registry.administrative_units where code = '18073' and valid_to = '2025-06-30'),
               'living', now(), now()) returning id`,
    );
    const persons = await count('select count(*) from registry.persons');
    const history = await count('select count(*) from registry.change_history');
    const session = scopedSession('42.436', { id: 'officer-3', name: 'Cán bộ huyện cũ', unitCode: '436' });
    // Neither the commune in force with that code nor the old one (it has ended) can be named.
    const report = await importPersons({
      database: { pool: login!.pool, session },
      file: Readable.from([
        ['Họ và tên;Ngày sinh;Số CCCD;Mã xã', 'Quách Văn Cấm;1950;042050100303;18073'].join('\n'),
      ]),
      fileName: 'huyen-cu.csv',
    });
    expect(report).toMatchObject({ rows: 1, created: 0, updated: 0, rejected: 1 });
    expect(report.problems).toEqual([
      expect.objectContaining({
        row: 2,
        message: 'Xã/phường mã "18073" không có hoặc không thuộc đơn vị của bạn.',
      }),
    ]);
    // The district still reads its old person, and the policies refuse it any change of it.
    const connection = await login!.pool.connect();
    try {
      await connection.query('begin');
      await connection.query(`set local role ${session.role}`);
      for (const [name, value] of Object.entries(session.variables!)) {
        await connection.query('select set_config($1, $2, true)', [name, value]);
      }
      const { rows: seen } = await connection.query('select id from registry.persons where id = $1', [
        old[0]!.id,
      ]);
      expect(seen).toEqual([{ id: old[0]!.id }]);
      await expect(
        connection.query(`update registry.persons set address = 'Tổ 1' where id = $1`, [old[0]!.id]),
      ).rejects.toThrow(/row-level security/);
    } finally {
      await connection.query('rollback');
      connection.release();
    }
    expect(await count('select count(*) from registry.persons')).toBe(persons);
    expect(await count('select count(*) from registry.change_history')).toBe(history);
    expect(
      await count(`select count(*) from registry.persons where id = $1 and address is null`, [old[0]!.id]),
    ).toBe(1);
  });
});

describe('a decompression bomb', () => {
  it('is refused as TOO_LARGE (BAD_USER_INPUT on file in GraphQL), writing nothing, memory flat', async () => {
    // The workbook's parts, and a shared-strings part of 3.2 GB in 3 MB.
    const sharedStrings = repeatedDeflate(
      '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>Họ và tên</t></si><si><t>Ngày sinh</t></si>',
      '<si><t>a</t></si>'.repeat(61_680),
      3200,
      '</sst>',
    );
    const rels =
      '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>';
    const bomb = zipOf([
      {
        name: '_rels/.rels',
        data: '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
      },
      {
        name: 'xl/workbook.xml',
        data: '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="DS" sheetId="1" r:id="rId1"/></sheets></workbook>',
      },
      { name: 'xl/_rels/workbook.xml.rels', data: rels },
      {
        name: 'xl/worksheets/sheet1.xml',
        data: sheetXml('<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>'),
      },
      { name: 'xl/sharedStrings.xml', data: sharedStrings },
    ]);
    const persons = await count('select count(*) from registry.persons');
    const before = process.memoryUsage.rss();
    await expect(
      importPersons(request({ file: Readable.from([bomb]), fileName: 'bom.xlsx' })),
    ).rejects.toMatchObject({
      name: 'SpreadsheetError',
      code: 'TOO_LARGE',
      message: expect.stringContaining('Tệp "bom.xlsx" khi giải nén lớn hơn mức cho phép'),
    });
    expect(process.memoryUsage.rss() - before).toBeLessThan(64 * 1024 * 1024);
    expect(await count('select count(*) from registry.persons')).toBe(persons);
  });
});

describe('a file refused half-way through its rows', () => {
  it('answers at once and gives its connection back out of COPY, ready for the next import', async () => {
    const manyRows = [HEADER, ...Array.from({ length: 3000 }, () => ROWS[1])].join('\n');
    const before = await count('select count(*) from registry.change_history');
    const started = performance.now();
    // Past the row limit the reading stops while the COPY is open: the rollback used to wait forever.
    await expect(
      importPersons(request({ file: Readable.from([manyRows]), limits: { maxRows: 1000 } })),
    ).rejects.toMatchObject({ code: 'TOO_LARGE' });
    expect(performance.now() - started).toBeLessThan(10_000);
    expect(await count('select count(*) from registry.change_history')).toBe(before);
    const next = await importPersons(request({ fileName: 'sau-khi-loi.csv' }));
    expect(next.rows).toBe(ROWS.length);
  }, 30_000);
});
