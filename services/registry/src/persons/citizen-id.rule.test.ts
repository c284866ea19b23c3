import { describe, expect, it } from '@jest/globals';
import { checkCitizenId } from './citizen-id.rule.ts';

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
