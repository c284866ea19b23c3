import { addMonths, cleanText, isMonth, TEXT_LIMITS, todayInVietnam, type TextRule } from '@ansinh/common';
import type { DecisionKind } from './decision.entity.ts';

/** What an official enters for a decision (quyết định). */
export type DecisionInput = {
  /** Số quyết định, e.g. `125/QĐ-UBND`. */
  number: string;
  /** Ngày quyết định, `YYYY-MM-DD`. */
  decidedOn: string;
  /** Người ký (the chairman or the deputy who signed). */
  signerName: string;
  /** Thời điểm hưởng / điều chỉnh / thôi hưởng: the first month the decision applies to, `YYYY-MM`. */
  effectiveMonth: string;
  reason?: string | null | undefined;
};

export type FieldProblem = { field: string; message: string };
export type Checked<T> = { value: T } | { problems: FieldProblem[] };

const SIGNER: TextRule = { label: 'Người ký', kind: 'name', maxLength: TEXT_LIMITS.name };
/** Why a decision was taken, or why a conflict was overridden: free text of bounded length. */
export const REASON: TextRule = { label: 'Lý do', kind: 'multiline', maxLength: TEXT_LIMITS.note };

const DECISION_NUMBER = /^[0-9A-Za-zÀ-ỹĐđ][0-9A-Za-zÀ-ỹĐđ/.\- ]{0,59}$/u;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A day of the calendar written `YYYY-MM-DD`. */
export function isCalendarDay(text: string): boolean {
  const match = DATE.exec(text);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/** The decisions a month may be this far after the decision's own month at most. */
export const MAX_MONTHS_AHEAD = 12;

/**
 * Checks a decision as entered: a number of the usual shape, a date that is a calendar day and not
 * in the future (Asia/Ho_Chi_Minh), a signer, a month, and a reason of bounded length. `field` is the
 * input's path (`decision.number`).
 */
export function checkDecisionInput(
  input: DecisionInput,
  options: { today?: Date; reasonRequired?: boolean } = {},
): Checked<Required<DecisionInput>> {
  const problems: FieldProblem[] = [];
  const today = todayInVietnam(options.today ?? new Date());
  const number = input.number.trim();
  if (!DECISION_NUMBER.test(number)) {
    problems.push({
      field: 'decision.number',
      message: 'Số quyết định không hợp lệ (ví dụ: 125/QĐ-UBND; tối đa 60 ký tự, chữ, số, "/", "-", ".").',
    });
  }
  if (!isCalendarDay(input.decidedOn)) {
    problems.push({ field: 'decision.decidedOn', message: 'Ngày quyết định phải có dạng yyyy-mm-dd.' });
  } else if (input.decidedOn > today) {
    problems.push({ field: 'decision.decidedOn', message: 'Ngày quyết định không được ở tương lai.' });
  }
  const signer = cleanText(input.signerName, SIGNER);
  if (!signer.ok) {
    problems.push({ field: 'decision.signerName', message: signer.message });
  } else if (!signer.text) {
    problems.push({ field: 'decision.signerName', message: 'Cần họ tên người ký quyết định.' });
  }
  if (!isMonth(input.effectiveMonth)) {
    problems.push({ field: 'decision.effectiveMonth', message: 'Tháng áp dụng phải có dạng yyyy-mm.' });
  } else if (
    isCalendarDay(input.decidedOn) &&
    input.effectiveMonth > addMonths(input.decidedOn.slice(0, 7), MAX_MONTHS_AHEAD)
  ) {
    problems.push({
      field: 'decision.effectiveMonth',
      message: `Tháng áp dụng không được sau tháng quyết định quá ${MAX_MONTHS_AHEAD} tháng.`,
    });
  }
  let reason: string | null = null;
  if (input.reason != null) {
    const cleaned = cleanText(input.reason, REASON);
    if (!cleaned.ok) problems.push({ field: 'decision.reason', message: cleaned.message });
    else reason = cleaned.text || null;
  }
  if (options.reasonRequired && !reason && !problems.some((problem) => problem.field === 'decision.reason')) {
    problems.push({ field: 'decision.reason', message: 'Cần ghi lý do của quyết định.' });
  }
  if (problems.length) return { problems };
  return {
    value: {
      number,
      decidedOn: input.decidedOn,
      signerName: signer.ok ? signer.text : '',
      effectiveMonth: input.effectiveMonth,
      reason,
    },
  };
}

/** Where an entitlement stands, as far as the next decision is concerned. */
export type LedgerState = {
  status: 'active' | 'suspended' | 'stopped';
  startMonth: string;
  /** The effective month of its latest decision: the ledger is never rewritten before it. */
  lastEffectiveMonth: string;
};

const ALLOWED_FROM: Record<
  Exclude<DecisionKind, 'grant' | 'relocate-in' | 'one-off'>,
  LedgerState['status'][]
> = {
  change: ['active', 'suspended'],
  suspend: ['active'],
  resume: ['suspended'],
  stop: ['active', 'suspended'],
  'relocate-out': ['active', 'suspended'],
};

const REFUSED_FROM: Record<string, string> = {
  stopped: 'Mức hưởng này đã thôi hưởng; không thể ghi thêm quyết định điều chỉnh, tạm dừng hay thôi hưởng.',
  suspended: 'Mức hưởng này đang tạm dừng.',
  active: 'Mức hưởng này đang được hưởng, không ở trạng thái tạm dừng.',
};

/**
 * Whether a decision of `kind` may follow the entitlement's state: stopping a stopped entitlement,
 * suspending a suspended one or resuming an active one is refused, and a decision may not take effect
 * before the entitlement's start nor before its latest decision (the ledger is appended, not rewritten).
 */
export function checkLedgerStep(
  kind: keyof typeof ALLOWED_FROM,
  state: LedgerState,
  effectiveMonth: string,
): FieldProblem | null {
  if (!ALLOWED_FROM[kind].includes(state.status)) {
    return { field: 'entitlementId', message: REFUSED_FROM[state.status]! };
  }
  if (effectiveMonth < state.startMonth) {
    return {
      field: 'decision.effectiveMonth',
      message: `Tháng áp dụng không được trước tháng bắt đầu hưởng (${displayMonth(state.startMonth)}).`,
    };
  }
  if (effectiveMonth < state.lastEffectiveMonth) {
    return {
      field: 'decision.effectiveMonth',
      message: `Tháng áp dụng không được trước tháng của quyết định gần nhất (${displayMonth(state.lastEffectiveMonth)}).`,
    };
  }
  return null;
}

/** `2025-07` → `07/2025`, as officials write months. */
export function displayMonth(month: string): string {
  return `${month.slice(5, 7)}/${month.slice(0, 4)}`;
}

/** The unit that signs, as far as the era is concerned. */
export type SigningUnit = {
  code: string;
  level: string;
  validFrom: string | null;
  validTo: string | null;
};

const LEVEL_NAMES: Record<string, string> = { commune: 'xã/phường', district: 'huyện', province: 'tỉnh' };

/**
 * Whether `unit` may sign a decision dated `decidedOn`: the unit existed on that day, and it is of the
 * level that decided on that day (`authorityLevel`, from the workflow of that era: the district
 * chairman until 30 June 2025, the commune chairman since). A new commune cannot sign a decision dated
 * before it existed, and a commune cannot sign for the district era.
 */
export function checkSigningEra(
  unit: SigningUnit,
  decidedOn: string,
  authorityLevel: string | null,
): FieldProblem | null {
  if ((unit.validFrom && decidedOn < unit.validFrom) || (unit.validTo && decidedOn > unit.validTo)) {
    return {
      field: 'decision.decidedOn',
      message: `Ngày quyết định ${displayDay(decidedOn)} không thuộc thời gian hoạt động của đơn vị ${unit.code}${
        unit.validFrom ? ` (từ ${displayDay(unit.validFrom)})` : ''
      }: quyết định trước ngày đó do đơn vị cũ ký.`,
    };
  }
  if (authorityLevel === null) {
    return {
      field: 'decision.decidedOn',
      message: `Chưa có quy trình xét duyệt áp dụng cho ngày ${displayDay(decidedOn)}.`,
    };
  }
  if (authorityLevel !== unit.level) {
    return {
      field: 'decision.decidedOn',
      message: `Ngày ${displayDay(decidedOn)} thẩm quyền quyết định thuộc Chủ tịch UBND cấp ${
        LEVEL_NAMES[authorityLevel] ?? authorityLevel
      }, không phải đơn vị ${unit.code} (cấp ${LEVEL_NAMES[unit.level] ?? unit.level}).`,
    };
  }
  return null;
}

function displayDay(day: string): string {
  return `${day.slice(8, 10)}/${day.slice(5, 7)}/${day.slice(0, 4)}`;
}
