import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Readable } from 'node:stream';
import { graphql, sqlRows, startSeededSubgraph, tokenFor, type SeededSubgraph } from '@ansinh/tests/support';
import { registrySubgraph } from '../src/index.ts';
import { importPersons } from '../src/imports/person-import.service.ts';

// The import and the API check a person, a household and an account with the same functions: what
// one stores, the other accepts. An imported landline once made updatePerson refuse even an address.

let seeded: SeededSubgraph;

beforeAll(async () => {
  seeded = await startSeededSubgraph(registrySubgraph);
});

afterAll(() => seeded?.stop());

const run = async (query: string, variables: Record<string, unknown>) =>
  graphql(seeded.subgraph.url, query, { token: await tokenFor('xa.18073'), variables });

const UPDATE = `mutation ($id: ID!, $input: UpdatePersonInput!) {
  updatePerson(id: $id, input: $input) { id phone address }
}`;

async function importRows(header: string, rows: string[]) {
  return importPersons({
    databaseUrl: seeded.database.url,
    scopePath: '42_20250701.18073_20250701',
    actor: { id: 'test', name: 'Cán bộ xã', unitCode: '18073' },
    file: Readable.from([[header, ...rows].join('\n')]),
    fileName: 'dien-thoai-ban.csv',
  });
}

async function personIdOf(citizenId: string): Promise<string> {
  const [row] = await sqlRows(seeded.database.url, 'select id from registry.persons where citizen_id = $1', [
    citizenId,
  ]);
  return String(row!.id);
}

describe('a landline (0 + area code 02x, 11 digits)', () => {
  it('is stored by the import, and the person can then have their address changed', async () => {
    const report = await importRows('Họ và tên;Ngày sinh;Giới tính;Số CCCD;Mã xã;Số điện thoại', [
      'Hoàng Văn Bàn;12/04/1941;Nam;042041300101;18073;(0239) 3855 123',
      'Hoàng Thị Máy;1943;Nữ;042143300102;18073;024 3825 1234',
    ]);
    expect(report).toMatchObject({ created: 2, rejected: 0 });
    const id = await personIdOf('042041300101');

    const answer = await run(UPDATE, { id, input: { address: 'Xóm Chợ, thôn 2' } });
    expect(answer.errors).toBeUndefined();
    expect(answer.data!.updatePerson).toEqual({ id, phone: '02393855123', address: 'Xóm Chợ, thôn 2' });
  });

  it('is accepted by updatePerson as it is by the import, and a number neither takes is refused by both', async () => {
    const id = await personIdOf('042143300102');
    const landline = await run(UPDATE, { id, input: { phone: '+84 24 3825 9999' } });
    expect(landline.errors).toBeUndefined();
    expect(landline.data!.updatePerson).toMatchObject({ phone: '02438259999' });

    // A mobile number from before the 2018 renumbering (01x, 11 digits) and a 10-digit 02x.
    for (const phone of ['0168 123 4567', '0241234567']) {
      const refused = await run(UPDATE, { id, input: { phone } });
      expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'phone' });
      const report = await importRows('Họ và tên;Ngày sinh;Giới tính;Mã xã;Số điện thoại', [
        `Hoàng Văn Thử;1950;Nam;18073;${phone}`,
      ]);
      expect(report).toMatchObject({ created: 0, rejected: 1 });
      expect(report.problems[0]).toMatchObject({ column: 'Số điện thoại' });
    }
  });
});

describe('a household imported as poor', () => {
  it('needs its year of review in the file as in the API, and can then be changed through the API', async () => {
    const header =
      'Họ và tên;Ngày sinh;Giới tính;Số CCCD;Mã xã;Mã hộ;Quan hệ với chủ hộ;Hộ nghèo/cận nghèo;Năm';
    const withoutYear = await importRows(header, [
      'Đinh Văn Nghèo;1955;Nam;042055300201;18073;HN-R1;Chủ hộ;Hộ nghèo;',
    ]);
    expect(withoutYear).toMatchObject({ created: 0, rejected: 1 });
    expect(withoutYear.problems[0]).toMatchObject({
      column: 'Năm',
      message: 'Hộ nghèo / cận nghèo cần năm xét duyệt.',
    });

    const report = await importRows(header, [
      'Đinh Văn Nghèo;1955;Nam;042055300201;18073;HN-R1;Chủ hộ;Hộ nghèo;2025',
    ]);
    expect(report).toMatchObject({ created: 1, rejected: 0 });
    const [household] = await sqlRows(
      seeded.database.url,
      `select id from registry.households where code = 'HN-R1' and (select u.code from registry.administrative_units u where u.id = residence_unit_id) = '18073'`,
    );
    const answer = await run(
      `mutation ($id: ID!, $input: UpdateHouseholdInput!) {
        updateHousehold(id: $id, input: $input) { address povertyStatus povertyYear }
      }`,
      { id: household!.id, input: { address: 'Thôn 3' } },
    );
    expect(answer.errors).toBeUndefined();
    expect(answer.data!.updateHousehold).toEqual({
      address: 'Thôn 3',
      povertyStatus: 'POOR',
      povertyYear: 2025,
    });
  });
});
