import { describe, expect, it } from '@jest/globals';
import { SpreadsheetError, type SpreadsheetCell } from '@ansinh/common';
import { fieldOfHeader, isR42Header, mapR42Columns } from './r42-columns.ts';
import { parseR42Row, readBirth, readCitizenId, readCommuneCode, readMonths } from './r42-row.rules.ts';

const TODAY = '2026-12-02';

describe('Resolution 42 list columns', () => {
  it('recognises Vietnamese headers and their aliases without accents, case or punctuation', () => {
    expect(fieldOfHeader('HỌ VÀ TÊN')).toBe('fullName');
    expect(fieldOfHeader('Ngày, tháng, năm sinh')).toBe('birthDate');
    expect(fieldOfHeader('Số CCCD/Số định danh')).toBe('citizenId');
    expect(fieldOfHeader('so dinh danh ca nhan')).toBe('citizenId');
    expect(fieldOfHeader('Mã xã/phường')).toBe('communeCode');
    expect(fieldOfHeader('Số tháng hỗ trợ')).toBe('months');
    expect(isR42Header('STT')).toBe(false);
  });

  it('maps the columns and lists the ignored ones', () => {
    const columns = mapR42Columns(['STT', 'Họ và tên', 'Năm sinh', 'CCCD', 'Số tiền', '']);
    expect([...columns.index.entries()]).toEqual([
      ['fullName', 1],
      ['birthDate', 2],
      ['citizenId', 3],
    ]);
    expect(columns.ignored).toEqual(['STT', 'Số tiền']);
  });

  it('refuses a list without name or birth column, in Vietnamese', () => {
    expect(() => mapR42Columns(['Họ và tên', 'CCCD'])).toThrow(SpreadsheetError);
    expect(() => mapR42Columns(['Họ và tên', 'CCCD'])).toThrow('Danh sách thiếu cột "Ngày sinh".');
  });
});

describe('Resolution 42 row', () => {
  const columns = mapR42Columns(['Họ và tên', 'Ngày sinh', 'Số CCCD', 'Mã xã', 'Số tháng']);
  const parse = (cells: SpreadsheetCell[]) =>
    parseR42Row(7, cells, columns, { maxMonths: 3, todayIso: TODAY });

  it('reads a good row, folding the name for matching', () => {
    const result = parse(['  Trần   Thị Hoa ', '12/03/1958', '042158001201', '18073', 2]);
    expect(result).toEqual({
      ok: true,
      row: {
        rowNumber: 7,
        fullName: 'Trần Thị Hoa',
        nameFolded: 'tran thi hoa',
        citizenId: '042158001201',
        birthDate: '1958-03-12',
        birthYear: 1958,
        communeCode: '18073',
        months: 2,
      },
    });
  });

  it('reports every problem of a row with its column', () => {
    const result = parse([null, '31/02/1958', '12345', 'xa', 4]);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems.map((problem) => problem.column)).toEqual([
      'Họ và tên',
      'Ngày sinh',
      'Số CCCD/Số định danh',
      'Mã xã',
      'Số tháng',
    ]);
    expect(result.problems[1]!.message).toBe('Ngày sinh 31/02/1958 không có thật.');
    expect(result.problems.every((problem) => problem.row === 7)).toBe(true);
  });

  it('reads births as lists give them', () => {
    expect(readBirth(new Date(Date.UTC(1960, 4, 6)), TODAY)).toEqual({
      birthDate: '1960-05-06',
      birthYear: 1960,
    });
    expect(readBirth(1949, TODAY)).toEqual({ birthDate: null, birthYear: 1949 });
    expect(readBirth('1949', TODAY)).toEqual({ birthDate: null, birthYear: 1949 });
    expect(readBirth('1960-05-06', TODAY)).toEqual({ birthDate: '1960-05-06', birthYear: 1960 });
    expect(readBirth(22_042, TODAY)).toEqual({ birthDate: '1960-05-06', birthYear: 1960 });
    expect(readBirth('6.5.1960', TODAY)).toEqual({ birthDate: '1960-05-06', birthYear: 1960 });
    expect(readBirth('02/02/2030', TODAY)).toBe('Ngày sinh 02/02/2030 ở tương lai.');
    expect(readBirth('1899', TODAY)).toBe('Năm sinh 1899 trước năm 1900.');
    expect(readBirth('hôm qua', TODAY)).toMatch(/không đúng định dạng/);
  });

  it('reads CCCDs, putting back the 0 Excel drops, and takes a 9-digit CMND as no CCCD', () => {
    expect(readCitizenId(42158001201)).toEqual({ citizenId: '042158001201' });
    expect(readCitizenId('042 158 001 201')).toEqual({ citizenId: '042158001201' });
    expect(readCitizenId('183456789')).toEqual({ citizenId: null });
    expect(readCitizenId('')).toEqual({ citizenId: null });
    expect(readCitizenId('04215800120')).toMatch(/12 chữ số/);
    expect(readCitizenId('0421580012AB')).toBe('Số CCCD chỉ gồm chữ số.');
  });

  it('reads commune codes and months', () => {
    expect(readCommuneCode(1)).toEqual({ communeCode: '00001' });
    expect(readCommuneCode('18073')).toEqual({ communeCode: '18073' });
    expect(readCommuneCode('1807')).toMatch(/5 chữ số/);
    expect(readMonths('3', 3)).toEqual({ months: 3 });
    expect(readMonths(null, 3)).toEqual({ months: null });
    expect(readMonths(0, 3)).toBe('Số tháng phải là số nguyên từ 1 đến 3.');
    expect(readMonths(2.5, 3)).toBe('Số tháng phải là số nguyên từ 1 đến 3.');
  });

  it('refuses control characters in a name through the text policy', () => {
    const result = parse(['Trần\u0000Hoa', '1958', null, null, null]);
    expect(result.ok).toBe(false);
  });
});
