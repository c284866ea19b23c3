/**
 * Resolution 42: a person in several groups' lists receives one support only (domain guide §6). The
 * rule, which `approvals.r42_settle` (Migration20261202150000) applies in SQL to every human an import
 * touches, in the same order:
 * 1. a category with a configured priority (`approvals.r42_priority.rank`, 1 first) before one without;
 * 2. then the highest amount (the default, when no priority is configured);
 * 3. then the earlier decision, then the list, then the row (stable: the same lists always pay the
 *    same row).
 * Every other row of the person is flagged with the reason, naming the group paid.
 */
export type SupportCandidate = {
  rowId: string;
  listId: string;
  rowNumber: number;
  categoryName: string;
  /** The configured priority of the row's category (1 first); null when none is configured. */
  rank: number | null;
  /** Whole đồng. */
  amount: number;
  /** `YYYY-MM-DD`. */
  decisionDate: string;
  decisionNumber: string;
};

export type SupportChoice<T extends SupportCandidate> = {
  paid: T;
  flagged: { candidate: T; reason: string }[];
};

const compareText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Orders the rows of one person: the first is paid. */
export function compareCandidates(a: SupportCandidate, b: SupportCandidate): number {
  if (a.rank !== b.rank) {
    if (a.rank === null) return 1;
    if (b.rank === null) return -1;
    return a.rank - b.rank;
  }
  return (
    b.amount - a.amount ||
    compareText(a.decisionDate, b.decisionDate) ||
    compareText(a.listId, b.listId) ||
    a.rowNumber - b.rowNumber
  );
}

/** Why a row is not paid (the text `approvals.r42_settle` writes too). */
export function flaggedReason(paid: SupportCandidate): string {
  return `Đã được hỗ trợ theo nhóm "${paid.categoryName}" (quyết định số ${paid.decisionNumber}, dòng ${paid.rowNumber}): mỗi người chỉ được nhận một khoản hỗ trợ.`;
}

/** The one row of a person that is paid, and the others with their reason. */
export function chooseSupport<T extends SupportCandidate>(candidates: readonly T[]): SupportChoice<T> {
  if (candidates.length === 0) throw new RangeError('chooseSupport: no candidate');
  const [paid, ...others] = [...candidates].sort(compareCandidates) as [T, ...T[]];
  const reason = flaggedReason(paid);
  return { paid, flagged: others.map((candidate) => ({ candidate, reason })) };
}

/** The amount of a row: the category's fixed amount, × the months when it is paid per month. */
export function supportAmount(
  category: { fixedAmount: number; perMonth: boolean; maxMonths: number | null },
  months: number | null,
): { months: number | null; amount: number } {
  if (!category.perMonth) return { months: null, amount: category.fixedAmount };
  const counted = months ?? category.maxMonths ?? 1;
  return { months: counted, amount: category.fixedAmount * counted };
}
