import { describe, expect, it } from '@jest/globals';
import { reportTabOf, tabParams } from './report-tabs.ts';

describe('reportTabOf', () => {
  it('reads the tab of the address', () => {
    expect(reportTabOf('xuat-tep')).toBe('xuat-tep');
  });

  it('opens the statistics when the address names no known tab', () => {
    expect(reportTabOf(null)).toBe('thong-ke');
    expect(reportTabOf('khac')).toBe('thong-ke');
  });
});

describe('tabParams', () => {
  it('sets the tab and drops the filters of the tab left', () => {
    const current = new URLSearchParams('tab=thong-ke&don-vi=42&tu-thang=2026-01');
    expect(tabParams(current, 'tuan-thu')).toEqual({ tab: 'tuan-thu', 'don-vi': null, 'tu-thang': null });
  });
});
