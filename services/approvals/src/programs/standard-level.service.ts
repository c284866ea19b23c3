import type { EntityManager } from '@mikro-orm/postgresql';
import {
  badInput,
  cleanText,
  currentMonth,
  forbidden,
  isMonth,
  TEXT_LIMITS,
  type Session,
} from '@ansinh/common';
import { StandardLevel } from '../entitlements/entitlement.entity.ts';
import { displayMonth } from '../decisions/decision.rules.ts';

export type ProvinceLevelInput = { fromMonth: string; amount: number; legalBasis: string };

/** The highest standard level anyone may enter (whole đồng): a bound against a typing slip. */
export const MAX_STANDARD_LEVEL = 10_000_000;

/**
 * A province's own standard level from a month on (a provincial council may set it higher than the
 * national one; domain guide §2). Set by the province's administrator; from the current month on only,
 * since a past month's amounts have been paid; higher than the national level of that month, since
 * a lower one would never apply. A second level for the same month replaces the first (recorded in
 * the history).
 */
export async function setProvinceStandardLevel(
  em: EntityManager,
  session: Session,
  input: ProvinceLevelInput,
  now = new Date(),
): Promise<StandardLevel> {
  session.assert('standard-level:write');
  const scope = session.scope!;
  if (scope.level !== 'province') {
    throw forbidden('Chỉ tài khoản cấp tỉnh được quy định mức chuẩn trợ giúp xã hội của tỉnh.');
  }
  if (!isMonth(input.fromMonth)) throw badInput('input.fromMonth', 'Tháng áp dụng phải có dạng yyyy-mm.');
  if (input.fromMonth < currentMonth(now)) {
    throw badInput(
      'input.fromMonth',
      `Tháng áp dụng không được trước tháng hiện tại (${displayMonth(currentMonth(now))}): các tháng trước đã chi trả.`,
    );
  }
  if (!Number.isSafeInteger(input.amount) || input.amount <= 0 || input.amount > MAX_STANDARD_LEVEL) {
    throw badInput('input.amount', 'Mức chuẩn phải là số đồng nguyên dương, không quá 10.000.000 đồng.');
  }
  const legalBasis = cleanText(input.legalBasis, {
    label: 'Căn cứ',
    kind: 'line',
    maxLength: TEXT_LIMITS.address,
  });
  if (!legalBasis.ok) throw badInput('input.legalBasis', legalBasis.message);
  if (!legalBasis.text)
    throw badInput('input.legalBasis', 'Cần căn cứ (số nghị quyết của Hội đồng nhân dân tỉnh).');
  const [national] = await em.execute<{ amount: string | null }[]>(
    'select l.amount from approvals.standard_level_for(null, ?) l(amount)',
    [input.fromMonth],
  );
  const nationalAmount = national?.amount == null ? null : Number(national.amount);
  if (nationalAmount !== null && input.amount <= nationalAmount) {
    throw badInput(
      'input.amount',
      `Mức chuẩn của tỉnh phải cao hơn mức chuẩn quốc gia tháng ${displayMonth(input.fromMonth)} (${nationalAmount.toLocaleString('vi-VN')} đồng).`,
    );
  }
  const existing = await em.findOne(StandardLevel, {
    validFromMonth: input.fromMonth,
    provinceCode: scope.code,
  });
  const level =
    existing ??
    em.create(StandardLevel, {
      validFromMonth: input.fromMonth,
      provinceCode: scope.code,
      amount: input.amount,
      legalBasis: legalBasis.text,
    });
  em.assign(level, { amount: input.amount, legalBasis: legalBasis.text });
  await em.flush();
  return level;
}
