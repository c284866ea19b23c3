import { describe, expect, it } from '@jest/globals';
import { AppError } from '@ansinh/common';
import { decisionDateOf, decisionNumberOf, rowsPageOf } from './r42-input.rule.ts';

const refusal = (work: () => unknown) => {
  try {
    work();
  } catch (error) {
    if (error instanceof AppError) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error('not refused');
};

describe('Resolution 42 import input', () => {
  it('takes a decision number of one line and refuses an empty or too long one', () => {
    expect(decisionNumberOf('  125/QĐ-UBND ')).toBe('125/QĐ-UBND');
    expect(refusal(() => decisionNumberOf(' ')).message).toBe('Thiếu số quyết định phê duyệt danh sách.');
    expect(refusal(() => decisionNumberOf('x'.repeat(61))).code).toBe('BAD_USER_INPUT');
  });

  it('takes a real decision date between the resolution and today', () => {
    expect(decisionDateOf('2020-05-15', 'decisionDate', '2026-12-02')).toBe('2020-05-15');
    expect(refusal(() => decisionDateOf('2020-02-30', 'decisionDate', '2026-12-02')).message).toMatch(
      /có thật/,
    );
    expect(refusal(() => decisionDateOf('15/05/2020', 'decisionDate', '2026-12-02')).message).toMatch(
      /YYYY-MM-DD/,
    );
    expect(refusal(() => decisionDateOf('2020-04-08', 'decisionDate', '2026-12-02')).message).toMatch(
      /09\/04\/2020/,
    );
    expect(refusal(() => decisionDateOf('2026-12-03', 'decisionDate', '2026-12-02')).message).toBe(
      'Ngày quyết định ở tương lai.',
    );
  });

  it('bounds a page of rows', () => {
    expect(rowsPageOf(undefined, undefined)).toEqual({ first: 100, offset: 0 });
    expect(rowsPageOf(500, 20)).toEqual({ first: 500, offset: 20 });
    expect(refusal(() => rowsPageOf(501, 0)).message).toBe('Mỗi lần đọc từ 1 đến 500 dòng.');
    expect(refusal(() => rowsPageOf(10, -1)).code).toBe('BAD_USER_INPUT');
  });
});
