import { displayDate, displayMonth } from '../time/display-date.ts';
import { todayInVietnam } from '../time/today.ts';
import type { ReportColumn, ReportColumnKind, ReportRow, ReportTable } from './report-table.ts';

/** What every writer does with a row's values, so that an XLSX, a CSV and a PDF of a report agree. */

export type ReportValue = ReportRow[string];

export const DEFAULT_TOTALS_LABEL = 'Tổng cộng';

/** Width in characters of a column by its kind, when the report does not give one. */
const DEFAULT_WIDTHS: Readonly<Record<ReportColumnKind, number>> = {
  text: 24,
  integer: 12,
  vnd: 16,
  date: 12,
  month: 10,
};

export function columnWidth(column: ReportColumn): number {
  const width = column.width;
  return width !== undefined && Number.isFinite(width) && width > 0
    ? Math.min(width, 255)
    : DEFAULT_WIDTHS[column.kind];
}

export const isNumberKind = (kind: ReportColumnKind) => kind === 'integer' || kind === 'vnd';

const INTEGER_TEXT = /^-?\d{1,16}$/;

/**
 * The number a count or money cell holds: a number, or the digits PostgreSQL gives for a bigint or
 * numeric; undefined for anything else (empty, or text such as `—`, which is written as text).
 */
export function numberOf(value: ReportValue): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'string' && INTEGER_TEXT.test(value)) return Number(value);
  return undefined;
}

const ISO_DAY = /^(\d{4})-(\d{2})-(\d{2})(?:$|[T ])/;

/**
 * The day (`yyyy-mm-dd`) a date cell holds: the first ten characters of `yyyy-mm-dd…`, or a `Date` as
 * the day it is in Vietnam (a payment at 23:30 UTC belongs to the next morning there).
 */
export function isoDayOf(value: ReportValue): string | undefined {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : todayInVietnam(value);
  if (typeof value === 'string' && ISO_DAY.test(value)) return value.slice(0, 10);
  return undefined;
}

const ISO_MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

/** A `YYYY-MM` month as the ministry writes it in reports: `m/yyyy` (`1/2024`); other text as it is. */
export function monthText(value: string): string {
  return ISO_MONTH.test(value) ? displayMonth(value).replace(/^0/, '') : value;
}

/**
 * A cell as text, whatever its column: months `m/yyyy`, days `dd/mm/yyyy`, other values as they are
 * (numbers without separators). Empty for null and undefined.
 */
export function plainText(value: ReportValue, kind: ReportColumnKind): string {
  if (value === null || value === undefined) return '';
  if (kind === 'month' && typeof value === 'string') return monthText(value);
  if (kind === 'date' || value instanceof Date) {
    const day = isoDayOf(value);
    if (day) return displayDate(day);
  }
  return value instanceof Date ? '' : String(value);
}

/**
 * The totals row as the writers fill it: sums of the `total` count and money columns, added up as the
 * rows pass (exact for integers: a report's sums stay far below 2^53 đồng), and where its label goes.
 */
export class ReportTotals {
  /** Whether the report has a totals row at all: only when a count or money column asks for one. */
  readonly present: boolean;
  /** Column index of the label: the first text column, else the first column without a total. */
  readonly labelColumn: number;
  readonly label: string;
  private readonly summed: readonly number[];
  private readonly sums: number[];

  constructor(table: Pick<ReportTable, 'columns' | 'totalsLabel'>) {
    const { columns } = table;
    this.summed = columns.flatMap((column, index) =>
      column.total && isNumberKind(column.kind) ? [index] : [],
    );
    this.sums = columns.map(() => 0);
    this.present = this.summed.length > 0;
    const firstText = columns.findIndex((column) => column.kind === 'text');
    this.labelColumn =
      firstText >= 0 ? firstText : columns.findIndex((column, index) => !this.summed.includes(index));
    this.label = table.totalsLabel ?? DEFAULT_TOTALS_LABEL;
  }

  add(values: readonly ReportValue[]): void {
    for (const index of this.summed) this.sums[index]! += numberOf(values[index]) ?? 0;
  }

  /** The row's cells: the label, the sums, and undefined elsewhere. */
  cells(): (string | number | undefined)[] {
    const cells: (string | number | undefined)[] = this.sums.map(() => undefined);
    for (const index of this.summed) cells[index] = this.sums[index];
    if (this.labelColumn >= 0) cells[this.labelColumn] = this.label;
    return cells;
  }
}

/** A row's values in column order. */
export function valuesOf(row: ReportRow, columns: readonly ReportColumn[]): ReportValue[] {
  const values = new Array<ReportValue>(columns.length);
  for (let index = 0; index < columns.length; index++) values[index] = row[columns[index]!.key];
  return values;
}
