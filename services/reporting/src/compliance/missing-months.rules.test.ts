import { describe, expect, it } from '@jest/globals';
import { ministryMonth, renderMissingMonths } from './missing-months.rules.ts';

describe('missing months as the ministry writes them', () => {
  it("renders the ministry's own examples", () => {
    expect(renderMissingMonths(['2024-01', '2024-02', '2024-03', '2024-04'])).toBe('1/2024 -> 4/2024');
    expect(renderMissingMonths(['2023-12', '2024-01', '2024-03'])).toBe('12/2023, 1/2024, 3/2024');
    expect(renderMissingMonths(['2023-12', '2024-01', '2024-02', '2024-04'])).toBe(
      '12/2023 -> 2/2024 & 4/2024',
    );
  });

  it('writes a single month alone, and nothing for no month', () => {
    expect(renderMissingMonths(['2024-03'])).toBe('3/2024');
    expect(renderMissingMonths(['2025-12'])).toBe('12/2025');
    expect(renderMissingMonths([])).toBe('');
  });

  it('lists a run of two months, and makes a range from three', () => {
    expect(renderMissingMonths(['2024-05', '2024-06'])).toBe('5/2024, 6/2024');
    expect(renderMissingMonths(['2024-05', '2024-06', '2024-07'])).toBe('5/2024 -> 7/2024');
  });

  it('counts months across a year end as consecutive', () => {
    expect(renderMissingMonths(['2023-11', '2023-12', '2024-01'])).toBe('11/2023 -> 1/2024');
    expect(renderMissingMonths(['2023-12', '2024-01'])).toBe('12/2023, 1/2024');
    expect(renderMissingMonths(['2024-10', '2024-12', '2025-01', '2025-02'])).toBe(
      '10/2024 & 12/2024 -> 2/2025',
    );
  });

  it('joins a range to the months listed before and after it with &', () => {
    expect(renderMissingMonths(['2023-10', '2023-12', '2024-01', '2024-02', '2024-04'])).toBe(
      '10/2023 & 12/2023 -> 2/2024 & 4/2024',
    );
    expect(renderMissingMonths(['2024-01', '2024-02', '2024-03', '2024-05', '2024-06'])).toBe(
      '1/2024 -> 3/2024 & 5/2024, 6/2024',
    );
    expect(renderMissingMonths(['2024-01', '2024-03', '2024-05', '2024-06', '2024-07'])).toBe(
      '1/2024, 3/2024 & 5/2024 -> 7/2024',
    );
  });

  it('spells out exactly five months, and writes more than five as > 5 tháng', () => {
    expect(renderMissingMonths(['2024-01', '2024-02', '2024-03', '2024-04', '2024-05'])).toBe(
      '1/2024 -> 5/2024',
    );
    expect(renderMissingMonths(['2024-01', '2024-03', '2024-05', '2024-07', '2024-09'])).toBe(
      '1/2024, 3/2024, 5/2024, 7/2024, 9/2024',
    );
    expect(renderMissingMonths(['2024-01', '2024-02', '2024-03', '2024-04', '2024-05', '2024-06'])).toBe(
      '> 5 tháng',
    );
    expect(renderMissingMonths(['2023-01', '2023-05', '2023-09', '2024-01', '2024-05', '2024-09'])).toBe(
      '> 5 tháng',
    );
  });

  it('takes the months in any order and counts a repeated month once', () => {
    expect(renderMissingMonths(['2024-04', '2023-12', '2024-02', '2024-01'])).toBe(
      '12/2023 -> 2/2024 & 4/2024',
    );
    expect(renderMissingMonths(['2024-01', '2024-01', '2024-02', '2024-03', '2024-04', '2024-05'])).toBe(
      '1/2024 -> 5/2024',
    );
  });

  it('writes a month without a leading zero', () => {
    expect(ministryMonth('2024-01')).toBe('1/2024');
    expect(ministryMonth('2023-12')).toBe('12/2023');
  });
});
