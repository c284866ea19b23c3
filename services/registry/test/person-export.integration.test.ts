import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { displayDate, foldText } from '@ansinh/common';
import {
  graphql,
  provinceSystemToken,
  sqlRows,
  startSeededSubgraph,
  tokenFor,
  type SeededSubgraph,
} from '@ansinh/tests/support';
import { ETHNICITIES } from '../src/code-lists/ethnicities.ts';
import { registrySubgraph } from '../src/index.ts';
import { personExportTable, type PersonExportPayload } from '../src/persons/person-export.job.ts';
import { csvRows, download, followJob, pdfText, xlsxRows } from '../../reporting/test/export-files.ts';

/**
 * `exportPersons` on real PostgreSQL with real Keycloak tokens: the demo register of Hà Tĩnh, exported
 * as each role may read it, opened and compared with the register's own rows.
 */

let seeded: SeededSubgraph;
let url: string;

beforeAll(async () => {
  seeded = await startSeededSubgraph(registrySubgraph);
  url = seeded.subgraph.url;
  // The demo seed takes a while on a busy machine.
}, 180_000);

afterAll(() => seeded?.stop());

const EXPORT = `mutation ($unitCode: ID, $filter: PersonFilter, $format: ExportFormat!) {
  exportPersons(unitCode: $unitCode, filter: $filter, format: $format) { id kind state }
}`;

async function exportPersons(username: string, variables: Record<string, unknown>) {
  return graphql(url, EXPORT, { token: await tokenFor(username), variables });
}

async function exported(username: string, variables: Record<string, unknown>) {
  const answer = await exportPersons(username, variables);
  expect(answer.errors).toBeUndefined();
  expect(answer.data!.exportPersons.kind).toBe('person-export');
  const job = await followJob(url, await tokenFor(username), answer.data!.exportPersons.id, 'personExport');
  expect(job).toMatchObject({ state: 'DONE', error: null });
  const result = job.personExport as {
    rows: number;
    file: { url: string; fileName: string; contentType: string };
  };
  const file = await download(url, await tokenFor(username), result.file.url);
  expect(file.status).toBe(200);
  expect(file.type).toBe(result.file.contentType);
  return { result, bytes: file.bytes };
}

const GENDERS: Record<string, string> = { male: 'Nam', female: 'Nữ', unknown: 'Không rõ' };
const STATUSES: Record<string, string> = {
  living: 'Đang sống',
  deceased: 'Đã mất',
  moved_away: 'Đã chuyển đi',
};

/** The persons of the unit the code names today (its read paths), from the register's table, in name order. */
async function registerOf(unitCode: string, where = 'true', params: unknown[] = []) {
  const rows = await sqlRows(
    seeded.database.url,
    `select p.full_name, p.birth_date::text as birth_date, p.birth_year, p.gender, p.ethnicity_code,
            p.citizen_id, p.address, p.status, u.code as unit_code, u.full_name as unit_name
       from registry.persons p join registry.administrative_units u on u.id = p.residence_unit_id
      where u.path <@ (select scope_paths from registry.v_units where code = $1 and valid_to is null)
        and ${where}
      order by p.name_folded, p.id`,
    [unitCode, ...params],
  );
  return rows.map((row) => ({
    fullName: row.full_name as string,
    birth: row.birth_date ? displayDate(row.birth_date) : String(row.birth_year),
    year: String(row.birth_year),
    gender: GENDERS[row.gender]!,
    ethnicity: row.ethnicity_code ? ETHNICITIES.get(row.ethnicity_code)! : '',
    citizenId: (row.citizen_id as string | null) ?? '',
    address: (row.address as string | null) ?? '',
    unit: `${row.unit_name} (${row.unit_code})`,
    status: STATUSES[row.status]!,
  }));
}

const blankAsNull = (values: string[]) => values.map((value) => (value === '' ? null : value));

describe('exportPersons', () => {
  it('exports the living persons of a commune as XLSX with every column to an officer', async () => {
    const expected = await registerOf('18073', `p.status = 'living'`);
    expect(expected.length).toBeGreaterThan(10);
    expect(expected.some((person) => person.citizenId)).toBe(true);
    const { result, bytes } = await exported('xa.18073', {
      unitCode: '18073',
      filter: { status: 'LIVING' },
      format: 'XLSX',
    });
    expect(result).toMatchObject({
      report: 'persons',
      format: 'XLSX',
      rows: expected.length,
      file: { fileName: 'danh-sach-doi-tuong-18073.xlsx' },
    });
    const rows = await xlsxRows(bytes);
    expect(rows[0]![0]).toBe('Danh sách đối tượng bảo trợ xã hội');
    expect(rows[1]![0]).toBe(`Đơn vị: Phường Thành Sen (18073) · Lọc: đang sống · ${expected.length} người`);
    expect(rows[3]).toEqual([
      'Họ và tên',
      'Ngày sinh',
      'Giới tính',
      'Dân tộc',
      'Số CCCD',
      'Địa chỉ',
      'Xã/phường',
      'Tình trạng',
    ]);
    expect(rows.slice(4)).toEqual(
      expected.map((person) =>
        blankAsNull([
          person.fullName,
          person.birth,
          person.gender,
          person.ethnicity,
          person.citizenId,
          person.address,
          person.unit,
          person.status,
        ]),
      ),
    );
    // Names keep their diacritics (Đặng Đức Thắng, Bùi Ngọc Hằng…).
    expect(rows.slice(4).some((row) => /[ăâđêôơư]/i.test(String(row[0])))).toBe(true);
  });

  it('exports what the name filter of `persons` finds, as CSV', async () => {
    const [first] = await registerOf('42');
    const word = foldText(first!.fullName).split(' ')[0]!;
    const expected = await registerOf('42', `(' ' || p.name_folded) like $2`, [`% ${word}%`]);
    expect(expected.length).toBeGreaterThan(0);
    const { result, bytes } = await exported('tinh.42', { filter: { name: word }, format: 'CSV' });
    expect(result.rows).toBe(expected.length);
    const lines = csvRows(bytes);
    expect(lines[0]).toEqual([
      'Họ và tên',
      'Ngày sinh',
      'Giới tính',
      'Dân tộc',
      'Số CCCD',
      'Địa chỉ',
      'Xã/phường',
      'Tình trạng',
    ]);
    expect(lines.slice(1).map((line) => [line[0], line[4], line[6]])).toEqual(
      expected.map((person) => [person.fullName, person.citizenId, person.unit]),
    );
  });

  it('leaves out the columns a role may not read: no name, birth date or CCCD for an analyst', async () => {
    const expected = await registerOf('18073');
    const { bytes } = await exported('phantich.42', { unitCode: '18073', format: 'PDF' });
    const text = await pdfText(bytes);
    expect(text).toContain('Danh sách đối tượng bảo trợ xã hội');
    expect(text).toContain('Năm sinh');
    expect(text).toContain('Phường Thành Sen (18073)');
    for (const person of expected) {
      expect(text).not.toContain(person.fullName);
      if (person.citizenId) expect(text).not.toContain(person.citizenId);
    }
    expect(text).not.toContain('Họ và tên');
    expect(text).not.toContain('Số CCCD');
    expect(text).not.toContain('Địa chỉ');

    // An auditor reads who the person is, not where they live.
    const audited = await exported('kiemtoan.42', { unitCode: '18073', format: 'XLSX' });
    const rows = await xlsxRows(audited.bytes);
    expect(rows[3]).toEqual([
      'Họ và tên',
      'Ngày sinh',
      'Giới tính',
      'Dân tộc',
      'Số CCCD',
      'Xã/phường',
      'Tình trạng',
    ]);
    expect(rows.slice(4).map((row) => row[0])).toEqual(expected.map((person) => person.fullName));
  });

  it('refuses a unit outside the scope, a caller without the right, a name search to an analyst and bad input', async () => {
    const outside = await exportPersons('xa.18652', { unitCode: '18073', format: 'XLSX' });
    expect(outside.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const system = await graphql(url, EXPORT, {
      token: await provinceSystemToken(),
      variables: { format: 'CSV' },
    });
    expect(system.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const byName = await exportPersons('phantich.42', { filter: { name: 'nguyen' }, format: 'CSV' });
    expect(byName.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const unknown = await exportPersons('tinh.42', { unitCode: '99999', format: 'CSV' });
    expect(unknown.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'unitCode' });
    const idNumber = await exportPersons('tinh.42', { filter: { idNumber: '12345' }, format: 'CSV' });
    expect(idNumber.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'filter.idNumber',
    });
    const format = await exportPersons('tinh.42', { format: 'DOCX' });
    expect(format.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const queued = await sqlRows(
      seeded.database.url,
      `select count(*)::int as count from jobs.jobs where kind = 'person-export' and owner_name in ('xa.18652', 'phantich.42', 'tinh.42') and state = 'queued'`,
    );
    expect(queued[0]!.count).toBe(0);
  });

  it('counts the list up to one past the cap, so that a list too long is refused before it is written', async () => {
    const client = new pg.Client({ connectionString: seeded.database.url });
    await client.connect();
    try {
      await client.query('begin');
      const [scope] = (
        await client.query<{ paths: string[] }>(
          `select scope_paths::text[] as paths from registry.v_units where code = '42' and valid_to is null`,
        )
      ).rows;
      const payload: PersonExportPayload = {
        report: 'persons',
        format: 'csv',
        readConfidential: false,
        unitCode: '42',
        unitPaths: scope!.paths,
        search: { nameWords: [], citizenId: null, oldIdNumber: null, status: null, householdId: null },
        rights: { identity: true, contact: false },
      };
      const capped = await personExportTable(client, payload, new AbortController().signal, 3);
      expect(capped.expectedRows).toBe(4);
      const whole = await personExportTable(client, payload, new AbortController().signal);
      const all = await registerOf('42');
      expect(whole.expectedRows).toBe(all.length);
      const read: string[] = [];
      for await (const row of whole.rows) read.push(String(row.fullName));
      expect(read).toEqual(all.map((person) => person.fullName));
    } finally {
      await client.query('rollback');
      await client.end();
    }
  });
});
