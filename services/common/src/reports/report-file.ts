import { foldText } from '../text/fold-text.ts';
import type { ReportFormat } from './report-table.ts';

/** Media type of each format, as the file store keeps it and a download announces it. */
export const REPORT_CONTENT_TYPES: Readonly<Record<ReportFormat, string>> = {
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  csv: 'text/csv',
  pdf: 'application/pdf',
};

const MAX_NAME_CHARACTERS = 100;

/**
 * A report's file name from its Vietnamese title: letters without marks (đ as d), digits and dashes,
 * then the format's extension (`Tổng hợp chi trả 11/2026` → `tong-hop-chi-tra-11-2026.xlsx`). Any
 * browser, mail client or ZIP tool keeps such a name as it is; `bao-cao` when nothing is left.
 */
export function reportFileName(base: string, format: ReportFormat): string {
  const name = foldText(base.slice(0, 1000))
    .replace(/[^a-z0-9]+/g, '-')
    .slice(0, MAX_NAME_CHARACTERS)
    .replace(/^-+|-+$/g, '');
  return `${name || 'bao-cao'}.${format}`;
}
