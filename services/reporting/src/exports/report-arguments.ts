import { badInput, isMonth, UNIT_CODE_FORMAT, identifierArgument } from '@ansinh/common';
import type { ReportArguments } from './report-definition.ts';

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A real calendar day `YYYY-MM-DD` (no 2026-02-30). */
function isDay(value: string): boolean {
  const match = DAY.exec(value);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

type PeriodInput = {
  unitCode: string;
  month?: string | null | undefined;
  fromMonth?: string | null | undefined;
  toMonth?: string | null | undefined;
  fromDate?: string | null | undefined;
  toDate?: string | null | undefined;
};

/**
 * The arguments of `exportReport` as a report's check takes them: the unit code well formed, each month
 * `YYYY-MM` and each day a real `YYYY-MM-DD`, a range not reversed. Which of them a report needs, and how
 * long a range it takes, its own check decides.
 */
export function reportArgumentsOf(input: PeriodInput, field = 'input'): ReportArguments {
  const args: ReportArguments = {
    unitCode: identifierArgument(input.unitCode, UNIT_CODE_FORMAT, `${field}.unitCode`, 'Mã đơn vị'),
  };
  for (const name of ['month', 'fromMonth', 'toMonth'] as const) {
    const value = input[name];
    if (value == null) continue;
    if (!isMonth(value)) throw badInput(`${field}.${name}`, 'Tháng phải có dạng YYYY-MM, ví dụ 2026-11.');
    args[name] = value;
  }
  for (const name of ['fromDate', 'toDate'] as const) {
    const value = input[name];
    if (value == null) continue;
    if (!isDay(value))
      throw badInput(`${field}.${name}`, 'Ngày phải là một ngày có thật, dạng YYYY-MM-DD, ví dụ 2026-11-30.');
    args[name] = value;
  }
  if (args.fromMonth && args.toMonth && args.fromMonth > args.toMonth)
    throw badInput(`${field}.toMonth`, 'Tháng cuối phải bằng hoặc sau tháng đầu.');
  if (args.fromDate && args.toDate && args.fromDate > args.toDate)
    throw badInput(`${field}.toDate`, 'Ngày cuối phải bằng hoặc sau ngày đầu.');
  return args;
}
