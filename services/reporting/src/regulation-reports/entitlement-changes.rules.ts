import type { ReportColumn, ReportRow } from '@ansinh/common';

export type ChangeDirectionValue = 'increase' | 'decrease' | 'change';

/**
 * The reasons of biến động: the kinds of the approvals' decisions (services/approvals/src/decisions),
 * in the order a report lists them, increases first, with the name officials use. A decision's own
 * `reason` is free text (`Đối tượng mất`) and is not a category of the report.
 */
const REASONS: readonly { code: string; name: string }[] = [
  { code: 'grant', name: 'Hưởng mới' },
  { code: 'resume', name: 'Tiếp tục hưởng sau tạm dừng' },
  { code: 'relocate-in', name: 'Chuyển đến từ địa bàn khác' },
  { code: 'one-off', name: 'Hỗ trợ một lần' },
  { code: 'stop', name: 'Thôi hưởng' },
  { code: 'suspend', name: 'Tạm dừng hưởng' },
  { code: 'relocate-out', name: 'Chuyển đi địa bàn khác' },
  { code: 'change', name: 'Điều chỉnh mức hưởng (đổi nhóm, số người được nuôi)' },
];

export const DIRECTION_NAMES: Record<ChangeDirectionValue, string> = {
  increase: 'Tăng',
  decrease: 'Giảm',
  change: 'Điều chỉnh',
};

const DIRECTION_ORDER: readonly ChangeDirectionValue[] = ['increase', 'decrease', 'change'];

/** A decision kind as officials name it; a kind this report does not know yet is shown with its code. */
export function reasonName(code: string): string {
  return REASONS.find((reason) => reason.code === code)?.name ?? `Lý do khác (${code})`;
}

/** Where a reason comes in a report: known ones in REASONS' order, unknown ones after them. */
function reasonPlace(code: string): number {
  const place = REASONS.findIndex((reason) => reason.code === code);
  return place === -1 ? REASONS.length : place;
}

/**
 * The label of a category that a reader may not see: the confidential ones (HIV, 5.3 and 5.8) are
 * counted together under it, never named, so that the rows still add up to the totals.
 */
export const HIDDEN_CATEGORY_NAME = 'Khác (bảo mật)';

/** The label of a reason's total, every category together. */
export const ALL_CATEGORIES_NAME = 'Tất cả';

/** What the published view gives for a reason and a category (the category null when hidden). */
export type ChangeGroupRow = {
  direction: ChangeDirectionValue;
  reasonCode: string;
  categoryCode: string | null;
  /** Null when the category is hidden from the reader. */
  categoryName: string | null;
  decisions: number;
  persons: number;
  amountBefore: number;
  amountAfter: number;
};

type Counts = { decisions: number; persons: number; amountBefore: number; amountAfter: number };

export type ChangeFigures = Counts & {
  direction: ChangeDirectionValue;
  reasonCode: string;
  reasonName: string;
  categoryCode: string | null;
  categoryName: string;
  amountChange: number;
};

export type DirectionFigures = Counts & {
  direction: ChangeDirectionValue;
  directionName: string;
  amountChange: number;
};

const NONE: Counts = { decisions: 0, persons: 0, amountBefore: 0, amountAfter: 0 };

const add = (a: Counts, b: Counts): Counts => ({
  decisions: a.decisions + b.decisions,
  persons: a.persons + b.persons,
  amountBefore: a.amountBefore + b.amountBefore,
  amountAfter: a.amountAfter + b.amountAfter,
});

/**
 * The rows of a biến động report by reason and category (reasons in their order, categories by code,
 * the hidden group last), the totals of each reason and of each direction (always the three), summed
 * from the rows as an exported file's totals row is.
 */
export function summariseChanges(groups: readonly ChangeGroupRow[]): {
  rows: ChangeFigures[];
  reasons: ChangeFigures[];
  directions: DirectionFigures[];
} {
  const rows = groups
    .map((group): ChangeFigures => ({
      ...group,
      reasonName: reasonName(group.reasonCode),
      categoryName:
        group.categoryCode === null ? HIDDEN_CATEGORY_NAME : (group.categoryName ?? group.categoryCode),
      amountChange: group.amountAfter - group.amountBefore,
    }))
    .sort(
      (a, b) =>
        DIRECTION_ORDER.indexOf(a.direction) - DIRECTION_ORDER.indexOf(b.direction) ||
        reasonPlace(a.reasonCode) - reasonPlace(b.reasonCode) ||
        a.reasonCode.localeCompare(b.reasonCode) ||
        compareCategories(a.categoryCode, b.categoryCode),
    );
  const reasons = new Map<string, ChangeFigures>();
  const directions = new Map<ChangeDirectionValue, Counts>(
    DIRECTION_ORDER.map((direction) => [direction, NONE]),
  );
  for (const row of rows) {
    const key = `${row.direction}|${row.reasonCode}`;
    const reason = reasons.get(key);
    const counts = add(reason ?? NONE, row);
    reasons.set(key, {
      ...counts,
      direction: row.direction,
      reasonCode: row.reasonCode,
      reasonName: row.reasonName,
      categoryCode: null,
      categoryName: ALL_CATEGORIES_NAME,
      amountChange: counts.amountAfter - counts.amountBefore,
    });
    directions.set(row.direction, add(directions.get(row.direction) ?? NONE, row));
  }
  return {
    rows,
    reasons: [...reasons.values()],
    directions: [...directions].map(([direction, counts]) => ({
      ...counts,
      direction,
      directionName: DIRECTION_NAMES[direction],
      amountChange: counts.amountAfter - counts.amountBefore,
    })),
  };
}

/** Categories by code in natural order (5.5.a before 5.6, 5.10 after 5.9), the hidden group last. */
function compareCategories(a: string | null, b: string | null): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  return a.localeCompare(b, 'vi', { numeric: true });
}

/** Columns of the exported biến động report: one row per reason and category. */
export const ENTITLEMENT_CHANGE_COLUMNS: readonly ReportColumn[] = [
  { key: 'directionName', header: 'Biến động', kind: 'text', width: 11 },
  { key: 'reasonName', header: 'Lý do', kind: 'text', width: 30 },
  { key: 'categoryName', header: 'Nhóm đối tượng', kind: 'text', width: 40 },
  { key: 'decisions', header: 'Số quyết định', kind: 'integer', total: true },
  { key: 'persons', header: 'Số người', kind: 'integer', total: true },
  { key: 'amountBefore', header: 'Mức hưởng tháng trước', kind: 'vnd', total: true },
  { key: 'amountAfter', header: 'Mức hưởng trong tháng', kind: 'vnd', total: true },
  { key: 'amountChange', header: 'Chênh lệch', kind: 'vnd', total: true },
];

/** A row of the exported table; the category with its code when shown (`5.1 Trẻ em dưới 16 tuổi ...`). */
export function entitlementChangeRow(row: ChangeFigures): ReportRow {
  return {
    directionName: DIRECTION_NAMES[row.direction],
    reasonName: row.reasonName,
    categoryName: row.categoryCode === null ? row.categoryName : `${row.categoryCode} ${row.categoryName}`,
    decisions: row.decisions,
    persons: row.persons,
    amountBefore: row.amountBefore,
    amountAfter: row.amountAfter,
    amountChange: row.amountChange,
  };
}
