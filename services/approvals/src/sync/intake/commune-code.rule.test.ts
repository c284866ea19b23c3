import { describe, expect, it } from '@jest/globals';
import { AppError } from '@ansinh/common';
import { resolveCommune, type UnitLineage, type UnitVersion } from './commune-code.rule.ts';

const today = '2026-12-03';

const unit = (fields: Partial<UnitVersion> & Pick<UnitVersion, 'id' | 'code'>): UnitVersion => ({
  fullName: `Xã ${fields.code}`,
  level: 'commune',
  path: `42_20250701.${fields.code}_20250701`,
  validFrom: '2025-07-01',
  validTo: null,
  successorIds: [],
  ...fields,
});

const former = (fields: Partial<UnitVersion> & Pick<UnitVersion, 'id' | 'code'>) =>
  unit({ path: `42.436.${fields.code}`, validFrom: null, validTo: '2025-06-30', ...fields });

// Today's 18073 reuses the code of the former Phường Nam Hà, which went whole into it; the former
// 18082 Đại Nài was split over 18073 and 18100; the former 18077 went whole into 18073; the former
// 18500 ended with no successor listed; 436 was a district.
const units = [
  unit({ id: 'new-18073', code: '18073', fullName: 'Phường Thành Sen' }),
  unit({ id: 'new-18100', code: '18100', fullName: 'Xã Thạch Khê' }),
  former({ id: 'old-18073', code: '18073', fullName: 'Phường Nam Hà', successorIds: ['new-18073'] }),
  former({ id: 'old-18077', code: '18077', fullName: 'Phường Bắc Hà', successorIds: ['new-18073'] }),
  former({
    id: 'old-18082',
    code: '18082',
    fullName: 'Phường Đại Nài',
    successorIds: ['new-18100', 'new-18073'],
  }),
  former({ id: 'old-18500', code: '18500', fullName: 'Xã Cũ' }),
  former({ id: 'old-436', code: '436', fullName: 'Thành phố Hà Tĩnh', level: 'district' }),
  unit({ id: 'new-42', code: '42', fullName: 'Tỉnh Hà Tĩnh', level: 'province', path: '42_20250701' }),
];

const lineage: UnitLineage = {
  byCode: units.reduce((byCode, version) => {
    byCode.set(version.code, [...(byCode.get(version.code) ?? []), version]);
    return byCode;
  }, new Map<string, UnitVersion[]>()),
  byId: new Map(units.map((version) => [version.id, version])),
};

function refusal(code: string, units: UnitLineage = lineage) {
  try {
    resolveCommune(code, units, today);
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('not refused');
}

describe('resolveCommune', () => {
  it('takes a code of a commune in force as that commune, before the former one with the same code', () => {
    expect(resolveCommune('18073', lineage, today).id).toBe('new-18073');
  });

  it('follows a former commune that went whole into one of today’s', () => {
    expect(resolveCommune('18077', lineage, today).id).toBe('new-18073');
  });

  it('follows more than one reform', () => {
    const later = unit({ id: 'later', code: '18999', validFrom: '2026-07-01' });
    const chained: UnitLineage = {
      byCode: new Map([['18077', [former({ id: 'a', code: '18077', successorIds: ['b'] })]]]),
      byId: new Map([
        ['b', unit({ id: 'b', code: '18098', validTo: '2026-06-30', successorIds: ['later'] })],
        ['later', later],
      ]),
    };
    expect(resolveCommune('18077', chained, today).id).toBe('later');
  });

  it('refuses a split commune, listing the communes it was split into', () => {
    const error = refusal('18082');
    expect(error).toMatchObject({ code: 'BAD_USER_INPUT', field: 'communeCode' });
    expect(error.message).toContain('18073 Phường Thành Sen; 18100 Xã Thạch Khê');
    expect(error.details).toEqual({ successors: ['18073', '18100'] });
  });

  it.each([
    ['an unknown code', '99999', /Không tìm thấy/],
    ['a commune that ended without a successor', '18500', /không có xã\/phường kế thừa/],
    ['a former district', '436', /không phải xã\/phường/],
    ['a province', '42', /không phải xã\/phường/],
  ])('refuses %s', (_case, code, message) => {
    const error = refusal(code);
    expect(error).toMatchObject({ code: 'BAD_USER_INPUT', field: 'communeCode' });
    expect(error.message).toMatch(message);
  });

  it('does not name a commune that has not started yet', () => {
    const future: UnitLineage = {
      byCode: new Map([['18999', [unit({ id: 'f', code: '18999', validFrom: '2027-01-01' })]]]),
      byId: new Map(),
    };
    expect(refusal('18999', future).message).toMatch(/Không tìm thấy/);
  });
});
