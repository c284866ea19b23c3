import { describe, expect, it } from '@jest/globals';
import { chooseCategory, type CategoryCandidate } from './category-code.rule.ts';

const category = (
  fields: Partial<CategoryCandidate> & Pick<CategoryCandidate, 'id' | 'code'>,
): CategoryCandidate => ({
  payment: 'monthly',
  perMember: false,
  validFromMonth: '2021-07',
  validToMonth: null,
  programValidFromMonth: '2021-07',
  programValidToMonth: null,
  programProvinceCode: null,
  ...fields,
});

const CATEGORIES = [
  category({ id: 'a', code: '5.5.a' }),
  category({ id: 'b', code: '5.5.b', validToMonth: '2025-06' }),
  category({ id: 'burial', code: 'mai-tang', payment: 'one_off' }),
  category({ id: 'own-42', code: 'HT-01', programProvinceCode: '42', programValidFromMonth: '2026-01' }),
  category({ id: 'own-01', code: 'HN-01', programProvinceCode: '01' }),
];

const refused = (code: string, filedOn = '2026-12-01', province = '42') => {
  try {
    chooseCategory(code, CATEGORIES, province, filedOn);
  } catch (error) {
    return error;
  }
  throw new Error('not refused');
};

describe('chooseCategory', () => {
  it('chooses a national category, or the province’s own, open in the filing month', () => {
    expect(chooseCategory('5.5.a', CATEGORIES, '42', '2026-12-01').id).toBe('a');
    expect(chooseCategory('HT-01', CATEGORIES, '42', '2026-01-15').id).toBe('own-42');
    expect(chooseCategory('5.5.b', CATEGORIES, '42', '2025-06-30').id).toBe('b');
  });

  it.each([
    ['an unknown code', 'X.9', '2026-12-01', /Không tìm thấy nhóm đối tượng có mã "X.9"/],
    ['another province’s own category', 'HN-01', '2026-12-01', /Không tìm thấy/],
    ['a one-off category', 'mai-tang', '2026-12-01', /chi một lần/],
    ['a category closed since the reform', '5.5.b', '2025-07-01', /không nhận hồ sơ mới sau tháng 06\/2025/],
    ['a programme not open yet', 'HT-01', '2025-12-31', /chỉ nhận hồ sơ từ tháng 01\/2026/],
  ])('refuses %s, naming categoryCode', (_case, code, filedOn, message) => {
    expect(refused(code, filedOn)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'categoryCode', message });
  });

  it('refuses a code two open programmes share rather than guess', () => {
    const twice = [...CATEGORIES, category({ id: 'own-5.5.a', code: '5.5.a', programProvinceCode: '42' })];
    expect(() => chooseCategory('5.5.a', twice, '42', '2026-12-01')).toThrow(/nhiều chính sách/);
  });
});
