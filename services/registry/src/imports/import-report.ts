import type { Writable } from 'node:stream';
import { neutralizeFormula, spreadsheetValue } from '@ansinh/common/standalone';
import type { SpreadsheetCell } from '@ansinh/common/standalone';

export type ReportedRow = {
  rowNumber: number;
  cells: readonly SpreadsheetCell[];
  problems: readonly { column: string; message: string }[];
};

export const REPORT_ROW_NUMBER_HEADER = 'Dòng';
export const REPORT_PROBLEMS_HEADER = 'Lỗi';

/**
 * The rows an import refused, as an XLSX the official can fix and upload again: the file's own
 * columns between `Dòng` (the row number in their file) and `Lỗi` (every problem of the row).
 * Streams: rows are written as they come. Resolves when the file is complete. Every text cell (the file's
 * own headers and cells, the problems that quote them) is written as a plain string, never a formula, and
 * neutralised (neutralizeFormula) so that a spreadsheet shows `=HYPERLINK(…)` as text instead of running it.
 */
export async function writeImportReport(
  target: string | Writable,
  headers: readonly string[],
  badRows: AsyncIterable<ReportedRow> | Iterable<ReportedRow>,
  options: { omittedRows?: () => number } = {},
): Promise<{ rowCount: number }> {
  // Loaded here, not at the top: a CSV import that refuses no row does without its 35 MB.
  const excel = (await import('exceljs')).default;
  const workbook = new excel.stream.xlsx.WorkbookWriter(
    typeof target === 'string'
      ? { filename: target, useStyles: true, useSharedStrings: false }
      : { stream: target, useStyles: true, useSharedStrings: false },
  );
  const lastColumn = headers.length + 2;
  const sheet = workbook.addWorksheet('Dòng lỗi', {
    views: [{ state: 'frozen', ySplit: 1 }],
  });
  sheet.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: lastColumn } };
  sheet.columns = [
    { width: 8 },
    ...headers.map((header) => ({ width: Math.min(Math.max(header.length + 2, 12), 40) })),
    { width: 80 },
  ];

  const headerRow = sheet.addRow([
    REPORT_ROW_NUMBER_HEADER,
    ...headers.map(neutralizeFormula),
    REPORT_PROBLEMS_HEADER,
  ]);
  headerRow.font = { bold: true };
  headerRow.commit();

  let rowCount = 0;
  for await (const badRow of badRows) {
    const problems = badRow.problems.map((problem) => `${problem.column}: ${problem.message}`).join('; ');
    const cells: SpreadsheetCell[] = [badRow.rowNumber];
    for (let i = 0; i < headers.length; i++) cells.push(spreadsheetValue(badRow.cells[i] ?? null));
    cells.push(neutralizeFormula(problems));
    const row = sheet.addRow(cells);
    badRow.cells.forEach((cell, i) => {
      if (cell instanceof Date && i < headers.length) row.getCell(i + 2).numFmt = 'dd/mm/yyyy';
    });
    row.commit();
    rowCount++;
  }
  const omitted = options.omittedRows?.() ?? 0;
  if (omitted > 0) {
    const note = sheet.addRow([
      null,
      ...headers.map(() => null),
      `Còn ${omitted.toLocaleString('vi-VN')} dòng lỗi khác không ghi vào báo cáo này (tối đa ${rowCount.toLocaleString('vi-VN')} dòng): hãy sửa các lỗi trên cho cả tệp rồi nhập lại.`,
    ]);
    note.font = { italic: true };
    note.commit();
  }
  sheet.commit();
  await workbook.commit();
  return { rowCount };
}
