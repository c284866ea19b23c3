import { badInput, displayDate, displayMonth } from '@ansinh/common';
import type { Day } from '../../applications/working-days.rule.ts';

/** A category with the programme it belongs to, as the intake chooses among them by code. */
export type CategoryCandidate = {
  id: string;
  code: string;
  payment: 'monthly' | 'one_off';
  perMember: boolean;
  validFromMonth: string;
  validToMonth: string | null;
  programValidFromMonth: string;
  programValidToMonth: string | null;
  /** A province's own programme; null for a national one. */
  programProvinceCode: string | null;
};

/** The months a category takes new dossiers in: its own and its programme's, both. */
function window(category: CategoryCandidate): { from: string; to: string | null } {
  const from =
    category.validFromMonth > category.programValidFromMonth
      ? category.validFromMonth
      : category.programValidFromMonth;
  const ends = [category.validToMonth, category.programValidToMonth].filter(
    (end): end is string => end !== null,
  );
  return { from, to: ends.length ? ends.sort()[0]! : null };
}

const opens = (category: CategoryCandidate, month: string) => {
  const { from, to } = window(category);
  return from <= month && (to === null || month <= to);
};

/**
 * The category a code names for a dossier of the province filed on `filedOn`: a category of a national
 * programme or of the province's own, paid monthly (one-off support is not applied for by dossier), and
 * open to new dossiers in the filing month. Each refusal names `categoryCode`.
 */
export function chooseCategory(
  code: string,
  candidates: readonly CategoryCandidate[],
  provinceCode: string,
  filedOn: Day,
): CategoryCandidate {
  const known = candidates.filter(
    (category) =>
      category.code === code &&
      (category.programProvinceCode === null || category.programProvinceCode === provinceCode),
  );
  if (!known.length) throw badInput('categoryCode', `Không tìm thấy nhóm đối tượng có mã "${code}".`);
  const monthly = known.filter((category) => category.payment === 'monthly');
  if (!monthly.length) {
    throw badInput(
      'categoryCode',
      `Nhóm đối tượng "${code}" được chi một lần, không qua hồ sơ trợ cấp hằng tháng.`,
    );
  }
  const month = filedOn.slice(0, 7);
  const open = monthly.filter((category) => opens(category, month));
  if (open.length === 1) return open[0]!;
  if (open.length > 1) {
    throw badInput(
      'categoryCode',
      `Mã nhóm đối tượng "${code}" có ở nhiều chính sách đang nhận hồ sơ: liên hệ Sở Y tế để được hướng dẫn mã riêng.`,
    );
  }
  const { from, to } = window(monthly[0]!);
  throw badInput(
    'categoryCode',
    month < from
      ? `Nhóm đối tượng "${code}" chỉ nhận hồ sơ từ tháng ${displayMonth(from)} (ngày tiếp nhận ${displayDate(filedOn)}).`
      : `Nhóm đối tượng "${code}" không nhận hồ sơ mới sau tháng ${displayMonth(to!)} (ngày tiếp nhận ${displayDate(filedOn)}).`,
  );
}
