import { displayDate } from '@ansinh/common';
import type { ComplianceUnitRow } from './compliance-unit.repository.ts';
import type { DailyUpdateIssue } from './late-daily-updates.repository.ts';

/**
 * A unit in a report's `Đơn vị` column: its full name and code, and for a unit that has ended the last day
 * it was in force, since a code may name other territory today (`Phường Nam Hà (18073, đến 30/06/2025)`).
 */
export function unitLabel(unit: Pick<ComplianceUnitRow, 'fullName' | 'code' | 'former' | 'validTo'>): string {
  return unit.former && unit.validTo
    ? `${unit.fullName} (${unit.code}, đến ${displayDate(unit.validTo)})`
    : `${unit.fullName} (${unit.code})`;
}

export const DAILY_UPDATE_ISSUE_LABELS: Record<DailyUpdateIssue, string> = {
  missing: 'Chưa cập nhật',
  late: 'Cập nhật sau 17:30',
};

// Built once: constructing a formatter is not cheap.
const VIETNAM_TIME = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Asia/Ho_Chi_Minh',
  hour: '2-digit',
  minute: '2-digit',
  day: '2-digit',
  month: '2-digit',
  year: 'numeric',
  hourCycle: 'h23',
});

/** An instant as officials read it, in Vietnam: `18:05 02/12/2026`; empty for none. */
export function vietnamDateTime(iso: string | null): string {
  if (iso === null) return '';
  const parts = Object.fromEntries(
    VIETNAM_TIME.formatToParts(new Date(iso)).map((part) => [part.type, part.value]),
  );
  return `${parts['hour']}:${parts['minute']} ${parts['day']}/${parts['month']}/${parts['year']}`;
}
