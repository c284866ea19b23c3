import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Readable } from 'node:stream';
import pg from 'pg';
import { createTestDatabase, type TestDatabase } from '@ansinh/common/testing';
import { seedDemoData } from '@ansinh/infra';
import { importPersons, type PersonImportRequest } from '../src/imports/person-import.service.ts';

let database: TestDatabase;
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
// District 436: communes 18073 and 18077.
const ROWS = [
  'Trần Văn Lô;05/03/1950;Nam;042050100001;18073;L-01;Chủ hộ;Agribank;3700205100001',
  'Phan Thị Đợt;1952;Nữ;042152100002;18073;;;;',
  // A member of the household of the first row, some rows below its head.
  'Trần Thị Lô;07/08/1953;Nữ;042153100003;18073;L-01;Vợ;;',
  // The CCCD of the first row again: refused.
  'Trần Văn Lặp;01/01/1950;Nam;042050100001;18073;;;;',
  // Same name and birth as the second row's person, in the other commune of the district, without CCCD.
  'Phan Thị Đợt;1952;Nữ;;18077;;;;',
  'Lê Văn Cuối;09/09/1949;Nam;042049100006;18077;L-02;Chủ hộ;Vietcombank;0071000100006',
];
const CSV = [HEADER, ...ROWS].join('\n');

function request(overrides: Partial<PersonImportRequest> = {}): PersonImportRequest {
  return {
    databaseUrl: database.url,
    file: Readable.from([CSV]),
    fileName: 'dot-1.csv',
    scopePath: '42.436',
    actor: { id: 'test', name: 'Cán bộ huyện', unitCode: '436' },
    ...overrides,
  };
}

describe('importPersons into a district', () => {
  it('creates persons, households, accounts, history and duplicate warnings across communes', async () => {
    const report = await importPersons(request());
    expect(report).toMatchObject({ rows: 6, created: 5, updated: 0, unchanged: 0, rejected: 1 });
    expect(report.problems).toEqual([
      { row: 5, column: 'Số CCCD', message: 'Số CCCD trùng với một dòng phía trên.' },
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
    // Rows 2 and 5 (two communes of one district) raise one warning, once.
    const { rows: warnings } = await client.query<{ person: string; matched: string; reason: string }>(
      `select p.residence_unit_code as person, m.residence_unit_code as matched, w.reason
         from registry.duplicate_warnings w
         join registry.persons p on p.id = w.person_id join registry.persons m on m.id = w.matched_person_id`,
    );
    expect(warnings).toEqual([{ person: '18077', matched: '18073', reason: 'name_and_birth' }]);
    expect(report.duplicateWarnings).toBe(1);
    // Every creation has its history, written by the import's actor.
    expect(
      await count(
        `select count(*) from registry.change_history where action = 'create' and actor_name = 'Cán bộ huyện'`,
      ),
    ).toBe(5 + 2 + 2);
  });

  it('changes nothing when the same file is imported again', async () => {
    const history = await count('select count(*) from registry.change_history');
    const report = await importPersons(request());
    expect(report).toMatchObject({ created: 0, updated: 0, unchanged: 5, rejected: 1, duplicateWarnings: 0 });
    expect(await count('select count(*) from registry.change_history')).toBe(history);
    expect(
      await count(`select count(*) from registry.persons where residence_unit_code in ('18073', '18077')`),
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
