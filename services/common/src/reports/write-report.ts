import type { Writable } from 'node:stream';
import { badInput } from '../errors/app-error.ts';
import { writeCsvReport } from './csv-report.ts';
import { writePdfReport } from './pdf-report.ts';
import type { ReportFormat, ReportTable } from './report-table.ts';
import { writeXlsxReport } from './xlsx-report.ts';

export { REPORT_CONTENT_TYPES, reportFileName } from './report-file.ts';
export { MAX_PDF_ROWS } from './pdf-report.ts';
export { MAX_XLSX_ROWS } from './xlsx-report.ts';

/**
 * Writes a report in the format asked for into `target`, streamed, and ends it. Resolves with the number
 * of data rows once the target has taken the whole file; rejects with the first failure (the rows'
 * source, the target, a refusal such as a PDF that is too long), after destroying the target so that its
 * reader (the file store) keeps nothing. Leaves no listener on the target either way. exceljs and pdfkit
 * are loaded by the first report that needs them.
 */
export async function writeReport(
  format: ReportFormat,
  table: ReportTable,
  target: Writable,
): Promise<{ rowCount: number }> {
  switch (format) {
    case 'xlsx':
      return writeXlsxReport(table, target);
    case 'csv':
      return writeCsvReport(table, target);
    case 'pdf':
      return writePdfReport(table, target);
    default:
      target.destroy();
      throw badInput('format', `Không có định dạng "${String(format)}": hãy chọn XLSX, CSV hoặc PDF.`);
  }
}
