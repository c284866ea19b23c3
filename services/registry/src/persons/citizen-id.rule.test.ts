import { describe, expect, it } from '@jest/globals';
import {
  birthYearInCitizenId,
  checkCitizenId,
  genderInCitizenId,
  parseCitizenId,
} from './citizen-id.rule.ts';

describe('checkCitizenId', () => {
  it('accepts a Hà Tĩnh CCCD whose sex-and-century digit and year match', () => {
    expect(checkCitizenId('042056000123', { gender: 'male', birthYear: 1956 })).toBeUndefined();
    expect(checkCitizenId('042315000123', { gender: 'female', birthYear: 2015 })).toBeUndefined();
  });

  it.each([
    ['04215600012', 'gồm đúng 12 chữ số'],
    ['04215600012a', 'gồm đúng 12 chữ số'],
    ['003156000123', 'Mã tỉnh'],
    ['042656000123', 'Chữ số thứ 4'],
  ])('rejects %s', (citizenId, message) => {
    expect(checkCitizenId(citizenId, { gender: 'male', birthYear: 1956 })?.message).toContain(message);
  });

  it('rejects a gender that disagrees with digit 4', () => {
    expect(checkCitizenId('042056000123', { gender: 'female', birthYear: 1956 })?.message).toContain(
      'Giới tính',
    );
  });

  it('rejects a birth year that disagrees with the century digit and YY', () => {
    expect(checkCitizenId('042256000123', { gender: 'male', birthYear: 1956 })?.message).toContain('2056');
  });

  it('does not hold gender "unknown" against the ID', () => {
    expect(checkCitizenId('042056000123', { gender: 'unknown', birthYear: 1956 })).toBeUndefined();
  });
});

describe('parseCitizenId', () => {
  it('takes a number written with separators, as stored', () => {
    expect(parseCitizenId('042 056.000-123', 'male', 1956)).toBe('042056000123');
  });

  it('names the field of its problems, and checks the number alone without a birth year', () => {
    expect(parseCitizenId('042056000123', 'female', 1956)).toEqual({
      field: 'citizenId',
      message: 'Giới tính không khớp với chữ số thứ 4 của số CCCD.',
    });
    expect(parseCitizenId('042056000123', 'male', null)).toBe('042056000123');
    expect(parseCitizenId('042656000123', 'male', null)).toMatchObject({ field: 'citizenId' });
    expect(parseCitizenId('CCCD 042056000123', 'male', 1956)).toMatchObject({
      message: 'Số CCCD phải gồm đúng 12 chữ số.',
    });
  });

  it('reads the sex and the birth year a CCCD encodes', () => {
    expect([genderInCitizenId('042156000123'), birthYearInCitizenId('042156000123')]).toEqual([
      'female',
      1956,
    ]);
    expect([genderInCitizenId('042215000123'), birthYearInCitizenId('042215000123')]).toEqual(['male', 2015]);
  });
});
