import { describe, expect, it } from '@jest/globals';
import {
  CANONICAL_FIELDS,
  FIELD_LABELS,
  fieldOfHeader,
  headerRecogniser,
  mapColumns,
} from './column-mapping.ts';
import { SpreadsheetError } from '@ansinh/common/standalone';

describe('fieldOfHeader', () => {
  it.each([
    ['Họ và tên', 'fullName'],
    ['HỌ TÊN', 'fullName'],
    ['  ho  va ten ', 'fullName'],
    ['Tên đối tượng', 'fullName'],
    ['Ngày tháng\nnăm sinh', 'birthDate'],
    ['Ngày/tháng/năm sinh', 'birthDate'],
    ['Năm sinh', 'birthDate'],
    ['Số CCCD (12 số)', 'citizenId'],
    ['Số định danh cá nhân', 'citizenId'],
    ['Số ĐDCN', 'citizenId'],
    ['CMND', 'oldIdNumber'],
    ['SĐT', 'phone'],
    ['Mã đơn vị', 'residenceUnitCode'],
    ['Thôn/xóm', 'address'],
    ['Số hộ', 'householdCode'],
    ['Quan hệ', 'relationToHead'],
    ['Hộ nghèo/cận nghèo', 'povertyStatus'],
    ['Năm', 'povertyYear'],
    ['Hình thức nhận', 'accountKind'],
    ['Tên ngân hàng', 'provider'],
    ['STK', 'accountNumber'],
    ['Chủ tài khoản', 'holderName'],
    ['Tình trạng', 'status'],
    ['Giới tính', 'gender'],
    ['Dân tộc', 'ethnicity'],
  ])('%p → %s', (header, field) => {
    expect(fieldOfHeader(header)).toBe(field);
  });

  it('knows no other header', () => {
    expect(fieldOfHeader('STT')).toBeUndefined();
    expect(fieldOfHeader('Ghi chú')).toBeUndefined();
  });
});

describe('mapColumns', () => {
  it('maps recognised headers, and lists the others as ignored', () => {
    const map = mapColumns(['STT', 'Họ tên', 'Ngày sinh', 'Ghi chú', 'Số CCCD', 'CCCD', '']);
    expect(map.columns).toEqual([
      { field: 'fullName', columnIndex: 1, header: 'Họ tên' },
      { field: 'birthDate', columnIndex: 2, header: 'Ngày sinh' },
      { field: 'citizenId', columnIndex: 4, header: 'Số CCCD' },
    ]);
    expect(map.ignored).toEqual([
      { columnIndex: 0, header: 'STT', reason: 'row-number' },
      { columnIndex: 3, header: 'Ghi chú', reason: 'unknown' },
      { columnIndex: 5, header: 'CCCD', reason: 'duplicate' },
    ]);
  });

  it('lets the user assign columns, over what it recognises', () => {
    const map = mapColumns(
      ['Tên người nhận', 'Ngày sinh', 'Năm sinh', 'Năm'],
      [
        { column: 'tên người nhận', field: 'fullName' },
        { column: 'Năm sinh', field: 'birthDate' },
        { column: 'Năm', field: null },
      ],
    );
    expect(map.columns).toEqual([
      { field: 'fullName', columnIndex: 0, header: 'Tên người nhận' },
      { field: 'birthDate', columnIndex: 2, header: 'Năm sinh' },
    ]);
    expect(map.ignored).toEqual([
      { columnIndex: 1, header: 'Ngày sinh', reason: 'duplicate' },
      { columnIndex: 3, header: 'Năm', reason: 'excluded' },
    ]);
  });

  it('names the required columns that are missing', () => {
    let thrown: unknown;
    try {
      mapColumns(['STT', 'Địa chỉ']);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(SpreadsheetError);
    expect(thrown).toMatchObject({
      code: 'MISSING_COLUMN',
      message: 'Tệp thiếu cột bắt buộc "Họ và tên" và "Ngày sinh".',
      missingFields: ['fullName', 'birthDate'],
    });
    expect(() => mapColumns(['Họ và tên'])).toThrow('"Ngày sinh"');
  });

  it('refuses an assignment to a column the file does not have', () => {
    expect(() =>
      mapColumns(['Họ và tên', 'Ngày sinh'], [{ column: 'Số CMT', field: 'oldIdNumber' }]),
    ).toThrow(expect.objectContaining({ code: 'ASSIGNED_COLUMN_NOT_FOUND' }));
  });

  it('labels every field in Vietnamese', () => {
    expect(Object.keys(FIELD_LABELS).sort()).toEqual([...CANONICAL_FIELDS].sort());
  });
});

describe('a column of either identity number', () => {
  it('is recognised as the header "Số CCCD/CMND" and its spellings, apart from the two fields', () => {
    for (const header of ['Số CCCD/CMND', 'CMND/CCCD', 'Số CMND, CCCD', 'so cccd / cmnd']) {
      const map = mapColumns(['Họ và tên', 'Ngày sinh', header]);
      expect(map.identityColumn).toEqual({ columnIndex: 2, header });
      expect(map.columns.map((column) => column.field)).toEqual(['fullName', 'birthDate']);
      expect(map.ignored).toEqual([]);
    }
  });

  it('counts for finding the header row', () => {
    expect(headerRecogniser()('Số CCCD/CMND')).toBe(true);
  });
});
