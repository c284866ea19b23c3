import { describe, expect, it } from '@jest/globals';
import { unitLabel, vietnamDateTime } from './compliance-display.rules.ts';
import { completenessGroupingOption, percentMissing, vietnamesePercent } from './data-completeness.rules.ts';

describe('data completeness', () => {
  it('takes the share missing in percent with one decimal, rounded half up', () => {
    expect(percentMissing(4, 29)).toBe(13.8);
    expect(percentMissing(1, 8)).toBe(12.5);
    expect(percentMissing(1, 3)).toBe(33.3);
    expect(percentMissing(2, 3)).toBe(66.7);
    expect(percentMissing(0, 15)).toBe(0);
    expect(percentMissing(15, 15)).toBe(100);
  });

  it('has no share of nobody', () => {
    expect(percentMissing(0, 0)).toBeNull();
    expect(vietnamesePercent(null)).toBe('');
  });

  it('writes a percentage with a decimal comma', () => {
    expect(vietnamesePercent(13.8)).toBe('13,8');
    expect(vietnamesePercent(100)).toBe('100');
  });

  it("reads an export's grouping, communes by default", () => {
    expect(completenessGroupingOption(undefined)).toBe('commune');
    expect(completenessGroupingOption({ groupBy: 'CHILD_UNIT' })).toBe('child_unit');
    expect(() => completenessGroupingOption({ groupBy: 'DISTRICT' }, 'input.options')).toThrow(
      expect.objectContaining({ code: 'BAD_USER_INPUT', field: 'input.options' }),
    );
    expect(() => completenessGroupingOption({ groupBy: 'COMMUNE', month: '2026-01' })).toThrow(
      expect.objectContaining({ code: 'BAD_USER_INPUT', field: 'options' }),
    );
  });
});

describe('compliance tables', () => {
  it('names a former unit with the last day it was in force', () => {
    expect(unitLabel({ fullName: 'Phường Nam Hà', code: '18073', former: true, validTo: '2025-06-30' })).toBe(
      'Phường Nam Hà (18073, đến 30/06/2025)',
    );
    expect(unitLabel({ fullName: 'Phường Thành Sen', code: '18073', former: false, validTo: null })).toBe(
      'Phường Thành Sen (18073)',
    );
  });

  it('shows an instant in Vietnam time', () => {
    expect(vietnamDateTime('2026-12-02T11:05:00.000Z')).toBe('18:05 02/12/2026');
    expect(vietnamDateTime('2026-12-31T17:30:00.000Z')).toBe('00:30 01/01/2027');
    expect(vietnamDateTime(null)).toBe('');
  });
});
