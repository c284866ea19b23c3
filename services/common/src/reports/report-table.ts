/**
 * A report as a table, the one shape every export writes (XLSX, CSV, PDF): a title, the unit and
 * period it is for, typed columns with Vietnamese headers, rows streamed one by one, and a totals
 * row summed by the writer over the columns marked `total`.
 */
export type ReportColumnKind =
  /** Text as given (neutralised against formulas in spreadsheets). */
  | 'text'
  /** A count: integer with thousands separators (1.234). */
  | 'integer'
  /** Integer VND with thousands separators (1.234.000). */
  | 'vnd'
  /** A day: `Date` or `yyyy-mm-dd`, shown dd/mm/yyyy. */
  | 'date'
  /** A month: `YYYY-MM`, shown m/yyyy. */
  | 'month';

export type ReportColumn = {
  /** Property of a row that holds the column's value. */
  key: string;
  /** Vietnamese header, as officials read it. */
  header: string;
  kind: ReportColumnKind;
  /** Summed into the totals row (integer and vnd columns only). */
  total?: boolean;
  /** Width in characters (spreadsheets) or a share of the page (PDF); a default by kind when absent. */
  width?: number;
};

export type ReportRow = Readonly<Record<string, string | number | Date | null | undefined>>;

export type ReportTable = {
  /** `Tổng hợp chi trả trợ cấp xã hội hằng tháng` */
  title: string;
  /** The unit and the period, e.g. `Đơn vị: Tỉnh Hà Tĩnh · Kỳ: 11/2026`; under the title. */
  subtitle: string;
  columns: readonly ReportColumn[];
  rows: AsyncIterable<ReportRow> | Iterable<ReportRow>;
  /** Label of the totals row, in the first text column (`Tổng cộng`); no totals row without a `total` column. */
  totalsLabel?: string;
};

export const REPORT_FORMATS = ['xlsx', 'csv', 'pdf'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];
