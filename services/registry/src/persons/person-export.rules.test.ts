import { describe, expect, it } from '@jest/globals';
import { personExportColumns, personExportRow, personExportSubtitle } from './person-export.rules.ts';

const person = {
  full_name: 'Đặng Đức Thắng',
  birth_date: '1942-08-08',
  birth_year: 1942,
  gender: 'male' as const,
  ethnicity_code: '08',
  citizen_id: '042042100031',
  address: 'Thôn 8',
  unit_code: '18073',
  unit_name: 'Phường Thành Sen',
  status: 'living' as const,
};

describe('person export columns', () => {
  it('gives a reader of identities and contacts every column', () => {
    const rights = { identity: true, contact: true };
    expect(personExportColumns(rights).map((column) => column.header)).toEqual([
      'Họ và tên',
      'Ngày sinh',
      'Giới tính',
      'Dân tộc',
      'Số CCCD',
      'Địa chỉ',
      'Xã/phường',
      'Tình trạng',
    ]);
    expect(personExportRow(person, rights)).toEqual({
      fullName: 'Đặng Đức Thắng',
      birth: '08/08/1942',
      gender: 'Nam',
      ethnicity: 'HMông',
      citizenId: '042042100031',
      address: 'Thôn 8',
      unit: 'Phường Thành Sen (18073)',
      status: 'Đang sống',
    });
  });

  it('leaves out who the person is and where they live for a role that may read neither', () => {
    const rights = { identity: false, contact: false };
    const columns = personExportColumns(rights);
    expect(columns.map((column) => column.header)).toEqual([
      'Năm sinh',
      'Giới tính',
      'Dân tộc',
      'Xã/phường',
      'Tình trạng',
    ]);
    const row = personExportRow(person, rights);
    expect(row).not.toHaveProperty('fullName');
    expect(row).not.toHaveProperty('citizenId');
    expect(row).not.toHaveProperty('address');
    expect(row.birth).toBe('1942');
    expect(Object.keys(row).sort()).toEqual(columns.map((column) => column.key).sort());
  });

  it('shows the year of birth when only the year is known', () => {
    expect(personExportRow({ ...person, birth_date: null }, { identity: true, contact: false }).birth).toBe(
      '1942',
    );
  });

  it('says which unit, which filter and how many in the subtitle', () => {
    expect(
      personExportSubtitle(
        'Phường Thành Sen (18073)',
        {
          nameWords: ['nguyen', 'van'],
          citizenId: null,
          oldIdNumber: null,
          status: 'deceased',
          householdId: null,
        },
        1234,
      ),
    ).toBe('Đơn vị: Phường Thành Sen (18073) · Lọc: tên "nguyen van", đã mất · 1.234 người');
    expect(
      personExportSubtitle(
        'Tỉnh Hà Tĩnh (42)',
        { nameWords: [], citizenId: null, oldIdNumber: null, status: null, householdId: null },
        0,
      ),
    ).toBe('Đơn vị: Tỉnh Hà Tĩnh (42) · 0 người');
  });
});
