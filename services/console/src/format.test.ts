import { describe, expect, it } from '@jest/globals';
import {
  addMonths,
  formatCount,
  formatDate,
  formatDateTime,
  formatDuration,
  formatMonth,
  formatTime,
  formatVnd,
  label,
  PAYMENT_STATUS,
  thisMonth,
  today,
} from './format.ts';

describe('the officials’ formats', () => {
  it('writes money and counts with dots between thousands', () => {
    expect(formatVnd(1_500_000)).toBe('1.500.000 đ');
    expect(formatCount(12_345)).toBe('12.345');
  });

  it('writes dates dd/mm/yyyy and times in Vietnam’s time, whatever the machine’s zone', () => {
    expect(formatDate('2025-07-01')).toBe('01/07/2025');
    expect(formatDate('1948')).toBe('1948');
    expect(formatDate(null)).toBe('');
    expect(formatDateTime('2026-12-03T10:30:00.000Z')).toBe('03/12/2026 17:30');
    // 23:30 UTC is already the next day in Vietnam.
    expect(formatDate('2026-12-03T23:30:00Z')).toBe('04/12/2026');
    expect(formatTime('2026-12-03T10:30:00.000Z')).toBe('17:30');
    expect(formatMonth('2026-02')).toBe('tháng 02/2026');
  });

  it('knows today and this month in Vietnam', () => {
    const lateEvening = new Date('2026-12-31T18:00:00Z');
    expect(today(lateEvening)).toBe('2027-01-01');
    expect(thisMonth(lateEvening)).toBe('2027-01');
  });

  it('moves months across years', () => {
    expect(addMonths('2026-12', 1)).toBe('2027-01');
    expect(addMonths('2026-01', -2)).toBe('2025-11');
    expect(addMonths('2026-05', 0)).toBe('2026-05');
  });

  it('writes durations in hours and minutes', () => {
    expect(formatDuration(3 * 3600_000 + 5 * 60_000)).toBe('3 giờ 05 phút');
    expect(formatDuration(59_000)).toBe('0 phút');
  });

  it('labels codes, and shows an unknown code as it is, never a prototype member', () => {
    expect(label(PAYMENT_STATUS, 'PAID')).toBe('Đã nhận');
    expect(label(PAYMENT_STATUS, 'SOMETHING')).toBe('SOMETHING');
    expect(label(PAYMENT_STATUS, 'constructor')).toBe('constructor');
    expect(label(PAYMENT_STATUS, null)).toBe('');
  });
});
