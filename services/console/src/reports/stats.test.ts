import { describe, expect, it } from '@jest/globals';
import {
  defaultStatsForm,
  dimensionValue,
  formatMeasure,
  groupLabel,
  measureValue,
  statsFormOfParams,
  statsInput,
  statsParams,
  withMeasure,
  type StatsForm,
  type StatsLookups,
} from './stats.ts';

const FORM: StatsForm = {
  ...defaultStatsForm('42', '2026-03'),
  fromMonth: '2026-01',
  groupBy: 'UNIT',
  thenBy: 'GENDER',
  unitLevel: 'DISTRICT',
  unitEra: 'RECORDED',
  measures: ['PAID', 'PLANNED'],
  programId: 'decree-20',
};

const LOOKUPS: StatsLookups = {
  programs: new Map([['decree-20', 'Nghị định 20/2021/NĐ-CP']]),
  ethnicities: new Map([['01', 'Kinh']]),
};

describe('statsInput', () => {
  it('asks for the dimensions, the measures in the form’s order, the unit’s level and era, and the filter', () => {
    expect(statsInput(FORM)).toEqual({
      groupBy: ['UNIT', 'GENDER'],
      measures: ['PLANNED', 'PAID'],
      filter: { unitCode: '42', fromMonth: '2026-01', toMonth: '2026-03', programs: ['decree-20'] },
      unitLevel: 'DISTRICT',
      unitEra: 'RECORDED',
    });
  });

  it('leaves out the unit’s level and era without UNIT, a repeated dimension, and empty filters', () => {
    expect(
      statsInput({ ...FORM, groupBy: 'MONTH', thenBy: 'MONTH', unitCode: ' ', toMonth: '', programId: '' }),
    ).toEqual({
      groupBy: ['MONTH'],
      measures: ['PLANNED', 'PAID'],
      filter: { unitCode: null, fromMonth: '2026-01', toMonth: null, programs: null },
      unitLevel: null,
      unitEra: null,
    });
  });
});

describe('statsParams and statsFormOfParams', () => {
  it('keep the statistic in the address and read it back', () => {
    const params = new URLSearchParams(Object.entries(statsParams(FORM)).filter(([, value]) => value !== ''));
    expect(statsFormOfParams(params)).toEqual({ ...FORM, measures: ['PLANNED', 'PAID'] });
  });

  it('read nothing from an address that asks for no statistic', () => {
    expect(statsFormOfParams(new URLSearchParams('tab=thong-ke'))).toBeNull();
  });

  it('drop unknown codes and fall back to the defaults', () => {
    const form = statsFormOfParams(new URLSearchParams('tu-thang=2026-01&chia-theo=X&chi-tieu=Y&cap=Z'));
    expect(form).toMatchObject({
      groupBy: 'UNIT',
      thenBy: '',
      unitLevel: 'COMMUNE',
      measures: ['BENEFICIARIES'],
    });
  });
});

describe('withMeasure', () => {
  it('ticks and unticks a measure, keeping the form’s order', () => {
    expect(withMeasure(['PAID'], 'BENEFICIARIES', true)).toEqual(['BENEFICIARIES', 'PAID']);
    expect(withMeasure(['BENEFICIARIES', 'PAID'], 'BENEFICIARIES', false)).toEqual(['PAID']);
  });
});

describe('measures', () => {
  it('reads a row’s figure and writes money in đồng, counts with separators', () => {
    const row = { paid: 1_500_000, beneficiaries: 12_345, planned: null };
    expect(formatMeasure('PAID', measureValue(row, 'PAID'))).toBe('1.500.000 đ');
    expect(formatMeasure('BENEFICIARIES', measureValue(row, 'BENEFICIARIES'))).toBe('12.345');
    expect(formatMeasure('PLANNED', measureValue(row, 'PLANNED'))).toBe('—');
  });
});

describe('dimensionValue', () => {
  it('names each dimension’s codes in Vietnamese', () => {
    const row = {
      unitCode: '18073',
      unitName: 'Nam Hà',
      program: 'decree-20',
      category: '5.1',
      categoryName: 'Trẻ em mồ côi',
      gender: 'FEMALE',
      ethnicity: '01',
      ageBand: '80+',
      month: '2026-03',
      channel: 'e_wallet',
      paymentStatus: 'unreachable',
    };
    expect(
      (
        [
          'UNIT',
          'PROGRAM',
          'CATEGORY',
          'GENDER',
          'ETHNICITY',
          'AGE_BAND',
          'MONTH',
          'CHANNEL',
          'PAYMENT_STATUS',
        ] as const
      ).map((dimension) => dimensionValue(row, dimension, LOOKUPS)),
    ).toEqual([
      'Nam Hà (18073)',
      'Nghị định 20/2021/NĐ-CP',
      '5.1 Trẻ em mồ côi',
      'Nữ',
      'Kinh',
      'Từ 80 tuổi',
      'tháng 03/2026',
      'Ví điện tử',
      'Không liên lạc được',
    ]);
  });

  it('says when a value was not recorded or is not known', () => {
    expect(dimensionValue({ ethnicity: '' }, 'ETHNICITY', LOOKUPS)).toBe('Chưa ghi nhận');
    expect(dimensionValue({ ageBand: 'unknown' }, 'AGE_BAND', LOOKUPS)).toBe('Chưa rõ tuổi');
    expect(dimensionValue({ ageBand: '4-15' }, 'AGE_BAND', LOOKUPS)).toBe('4–15 tuổi');
    expect(dimensionValue({ program: 'hn-own' }, 'PROGRAM', LOOKUPS)).toBe('hn-own');
    expect(dimensionValue({}, 'GENDER', LOOKUPS)).toBe('Không xác định');
  });

  it('labels a row by its values in every dimension', () => {
    expect(groupLabel({ month: '2026-03', gender: 'MALE' }, ['MONTH', 'GENDER'], LOOKUPS)).toBe(
      'tháng 03/2026 · Nam',
    );
  });
});
