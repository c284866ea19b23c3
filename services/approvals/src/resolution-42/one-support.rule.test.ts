import { describe, expect, it } from '@jest/globals';
import {
  chooseSupport,
  compareCandidates,
  flaggedReason,
  supportAmount,
  type SupportCandidate,
} from './one-support.rule.ts';

const candidate = (overrides: Partial<SupportCandidate> & { rowId: string }): SupportCandidate => ({
  listId: '00000000-0000-4000-8000-000000000001',
  rowNumber: 1,
  categoryName: 'Nhóm',
  rank: null,
  amount: 1_500_000,
  decisionDate: '2020-05-01',
  decisionNumber: '1/QĐ-UBND',
  ...overrides,
});

describe('one support per person (Resolution 42)', () => {
  const socialProtection = candidate({ rowId: 'a', categoryName: 'Bảo trợ xã hội', amount: 1_500_000 });
  const poorMember = candidate({ rowId: 'b', categoryName: 'Thành viên hộ nghèo', amount: 750_000 });
  const lostJob = candidate({ rowId: 'c', categoryName: 'Mất việc làm', amount: 2_000_000 });

  it('pays the highest amount of a person in three groups and flags the two others, naming the group paid', () => {
    const choice = chooseSupport([socialProtection, poorMember, lostJob]);
    expect(choice.paid.rowId).toBe('c');
    expect(choice.flagged.map((flag) => flag.candidate.rowId).sort()).toEqual(['a', 'b']);
    for (const flag of choice.flagged) expect(flag.reason).toContain('"Mất việc làm"');
  });

  it('follows a configured priority before the amount; unranked groups come after ranked ones', () => {
    const ranked = chooseSupport([{ ...socialProtection, rank: 2 }, { ...poorMember, rank: 1 }, lostJob]);
    expect(ranked.paid.rowId).toBe('b');
    expect(chooseSupport([{ ...socialProtection, rank: 5 }, lostJob]).paid.rowId).toBe('a');
  });

  it('pays the earlier decision, then the list, then the row, when the amounts are equal', () => {
    const later = candidate({ rowId: 'x', decisionDate: '2020-06-01' });
    const earlier = candidate({ rowId: 'y', decisionDate: '2020-05-01' });
    expect(chooseSupport([later, earlier]).paid.rowId).toBe('y');
    const otherList = candidate({ rowId: 'z', listId: '00000000-0000-4000-8000-000000000002' });
    expect(compareCandidates(earlier, otherList)).toBeLessThan(0);
    const nextRow = candidate({ rowId: 'w', rowNumber: 2 });
    expect(compareCandidates(earlier, nextRow)).toBeLessThan(0);
  });

  it('says why a row is not paid in Vietnamese', () => {
    expect(flaggedReason({ ...lostJob, decisionNumber: '131/QĐ-UBND', rowNumber: 4 })).toBe(
      'Đã được hỗ trợ theo nhóm "Mất việc làm" (quyết định số 131/QĐ-UBND, dòng 4): mỗi người chỉ được nhận một khoản hỗ trợ.',
    );
  });

  it('refuses to choose among nobody', () => {
    expect(() => chooseSupport([])).toThrow(RangeError);
  });

  it('derives the amount from the category: × the months when per month, the maximum when the list says none', () => {
    const perMonth = { fixedAmount: 1_000_000, perMonth: true, maxMonths: 3 };
    expect(supportAmount(perMonth, 2)).toEqual({ months: 2, amount: 2_000_000 });
    expect(supportAmount(perMonth, null)).toEqual({ months: 3, amount: 3_000_000 });
    expect(supportAmount({ fixedAmount: 500_000, perMonth: false, maxMonths: null }, 3)).toEqual({
      months: null,
      amount: 500_000,
    });
  });
});
