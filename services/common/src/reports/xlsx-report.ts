import { PassThrough, type Writable } from 'node:stream';
import { setImmediate as nextTurn, setTimeout as sleep } from 'node:timers/promises';
import type { Row, Style, Worksheet } from 'exceljs';
import { badInput } from '../errors/app-error.ts';
import { neutralizeFormula } from '../text/spreadsheet-cell.ts';
import {
  columnWidth,
  isoDayOf,
  numberOf,
  plainText,
  ReportTotals,
  valuesOf,
  type ReportValue,
} from './report-cells.ts';
import { ReportSink } from './report-sink.ts';
import type { ReportColumn, ReportTable } from './report-table.ts';

/** Rows of one sheet in Excel (1,048,576) less the title, subtitle, blank, header and totals rows. */
export const MAX_XLSX_ROWS = 1_048_576 - 5;
const HEADER_ROW = 4;
/** Longest text Excel keeps in a cell. */
const MAX_CELL_CHARACTERS = 32_767;

/**
 * exceljs writes a committed row into the zip's input at once, whatever the target's pace: rows pile up
 * there when compression or the target is slower than the rows come. Every ROWS_PER_CHECK rows the writer
 * lets the event loop run, and waits while more than MAX_BACKLOG_BYTES wait there.
 */
const ROWS_PER_CHECK = 512;
const MAX_BACKLOG_BYTES = 1024 * 1024;

const BOLD = { bold: true } as const;
const NUMBER_FORMAT = '#,##0';
const DATE_FORMAT = 'dd/mm/yyyy';
const THIN = { style: 'thin' } as const;

// Shared style objects: exceljs recognises an object it has seen and reuses its style id, instead of
// building and looking up the style's XML for every cell of a million rows.
const STYLES = {
  title: { font: { bold: true, size: 14 } },
  subtitle: { font: { italic: true } },
  header: {
    font: BOLD,
    alignment: { vertical: 'middle', horizontal: 'center', wrapText: true },
    fill: { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFE8E8E8' } },
    border: { top: THIN, bottom: THIN, left: THIN, right: THIN },
  },
  text: {},
  number: { numFmt: NUMBER_FORMAT },
  date: { numFmt: DATE_FORMAT, alignment: { horizontal: 'center' } },
  month: { alignment: { horizontal: 'center' } },
  totalText: { font: BOLD, border: { top: THIN } },
  totalNumber: { font: BOLD, numFmt: NUMBER_FORMAT, border: { top: THIN } },
} satisfies Record<string, Partial<Style>>;

// Characters XML 1.0 cannot hold: a cell with one makes Excel "repair" (empty) the whole sheet.
// eslint-disable-next-line no-control-regex
const NOT_XML = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/;
const ALL_NOT_XML = new RegExp(NOT_XML.source, 'g');

/** Text as a cell holds it: valid XML, at most Excel's length, never a formula. */
function cellText(text: string): string {
  const clean = NOT_XML.test(text) ? text.replace(ALL_NOT_XML, '') : text;
  return neutralizeFormula(clean.length > MAX_CELL_CHARACTERS ? clean.slice(0, MAX_CELL_CHARACTERS) : clean);
}

/** A sheet's name from the title: Excel refuses more than 31 characters, `[]:*?/\` and a leading or closing `'`. */
export function sheetName(title: string): string {
  const name = title
    .normalize('NFC')
    .replace(/[[\]:*?/\\]/g, ' ')
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f]/g, '')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 31)
    .replace(/^'+|'+$/g, '')
    .trim();
  return name || 'Báo cáo';
}

type Cell = { value: string | number | Date | null; style: Partial<Style> };

/** A data cell: counts and money as numbers, days as dates, months and text as (neutralised) text. */
function dataCell(value: ReportValue, column: ReportColumn): Cell | undefined {
  if (value === null || value === undefined || value === '') return undefined;
  switch (column.kind) {
    case 'integer':
    case 'vnd': {
      const number = numberOf(value);
      if (number !== undefined) return { value: number, style: STYLES.number };
      break;
    }
    case 'date': {
      const day = isoDayOf(value);
      if (day) return { value: new Date(`${day}T00:00:00Z`), style: STYLES.date };
      break;
    }
    case 'month':
      return { value: cellText(plainText(value, 'month')), style: STYLES.month };
  }
  return { value: cellText(plainText(value, column.kind)), style: STYLES.text };
}

function putCells(row: Row, cells: readonly (Cell | undefined)[]): void {
  for (let index = 0; index < cells.length; index++) {
    const cell = cells[index];
    if (!cell) continue;
    const target = row.getCell(index + 1);
    target.value = cell.value;
    target.style = cell.style;
  }
}

/** Bytes committed by exceljs and not yet taken by the compressor (exceljs 4.4's sheet stream feeds a PassThrough). */
function backlogBytes(sheet: Worksheet): number {
  type Buffered = { _readableState?: { length: number }; _writableState?: { length: number } };
  const pipes = (sheet as unknown as { _stream?: { pipes?: Buffered[] } })._stream?.pipes ?? [];
  let bytes = 0;
  for (const pipe of pipes) bytes += (pipe._readableState?.length ?? 0) + (pipe._writableState?.length ?? 0);
  return bytes;
}

/**
 * A report as an XLSX workbook, streamed (exceljs WorkbookWriter, inline strings, rows committed as they
 * come: memory stays flat for a million rows). One sheet: the title (bold, merged over the columns), the
 * subtitle (unit and period), a blank row, the header (bold, frozen, with filters), the rows, and a bold
 * totals row of the sums the writer adds up. Counts and money are numbers shown `#,##0`, days real dates
 * shown `dd/mm/yyyy`, months text `m/yyyy`, text neutralised against formulas.
 */
export async function writeXlsxReport(table: ReportTable, target: Writable): Promise<{ rowCount: number }> {
  // Loaded here, not at the top: every subgraph loads common, few of them write spreadsheets.
  const excel = (await import('exceljs')).default;
  const { columns } = table;
  const lastColumn = Math.max(columns.length, 1);
  const sink = new ReportSink(target);
  const zipped = new PassThrough();
  const workbook = new excel.stream.xlsx.WorkbookWriter({
    stream: zipped,
    useStyles: true,
    useSharedStrings: false,
  });
  const archive = (workbook as unknown as { zip: NodeJS.EventEmitter & { abort(): void; unpipe(): void } })
    .zip;
  // A failure of the zip (or of its compressor) fails the report, instead of the process.
  const onZipError = (error: unknown) => sink.fail(error);
  archive.on('error', onZipError);
  zipped.on('error', onZipError);
  const copied = sink.copy(zipped).catch(onZipError);

  let rowCount = 0;
  try {
    const sheet = workbook.addWorksheet(sheetName(table.title), {
      views: [{ state: 'frozen', ySplit: HEADER_ROW }],
      pageSetup: { orientation: 'landscape', fitToPage: true, fitToWidth: 1, fitToHeight: 0, paperSize: 9 },
    });
    sheet.columns = columns.map((column) => ({ width: columnWidth(column) }));

    const title = sheet.addRow([]);
    putCells(title, [{ value: cellText(table.title), style: STYLES.title }]);
    title.height = 22;
    if (lastColumn > 1) sheet.mergeCells(1, 1, 1, lastColumn);
    title.commit();
    const subtitle = sheet.addRow([]);
    putCells(subtitle, [{ value: cellText(table.subtitle), style: STYLES.subtitle }]);
    if (lastColumn > 1) sheet.mergeCells(2, 1, 2, lastColumn);
    subtitle.commit();
    sheet.addRow([]).commit();
    const header = sheet.addRow([]);
    putCells(
      header,
      columns.map((column) => ({ value: cellText(column.header), style: STYLES.header })),
    );
    header.commit();

    const totals = new ReportTotals(table);
    const cells = new Array<Cell | undefined>(columns.length);
    for await (const row of table.rows) {
      if (rowCount === MAX_XLSX_ROWS)
        throw badInput(
          'format',
          `Báo cáo có hơn ${MAX_XLSX_ROWS.toLocaleString('vi-VN')} dòng, quá số dòng của một trang tính Excel: hãy xuất CSV hoặc thu hẹp điều kiện lọc.`,
        );
      const values = valuesOf(row, columns);
      totals.add(values);
      for (let index = 0; index < columns.length; index++)
        cells[index] = dataCell(values[index], columns[index]!);
      const line = sheet.addRow([]);
      putCells(line, cells);
      line.commit();
      rowCount++;
      if (rowCount % ROWS_PER_CHECK === 0) {
        sink.check();
        await nextTurn();
        while (backlogBytes(sheet) > MAX_BACKLOG_BYTES) {
          sink.check();
          await sleep(2);
        }
      }
    }
    if (totals.present) {
      const line = sheet.addRow([]);
      putCells(
        line,
        totals
          .cells()
          .map((value) =>
            value === undefined
              ? { value: null, style: STYLES.totalText }
              : typeof value === 'number'
                ? { value, style: STYLES.totalNumber }
                : { value: cellText(value), style: STYLES.totalText },
          ),
      );
      line.commit();
    }
    // Over the header and the rows, not the totals: sorting or filtering leaves the totals row in place.
    sheet.autoFilter = {
      from: { row: HEADER_ROW, column: 1 },
      to: { row: HEADER_ROW + rowCount, column: lastColumn },
    };
    sheet.commit();
    sink.check();
    // The zip ends only if its bytes flow: a target that failed meanwhile must not leave this waiting.
    await Promise.race([workbook.commit(), sink.failed]);
    await copied;
    await sink.end();
    return { rowCount };
  } catch (error) {
    archive.unpipe();
    archive.abort();
    zipped.destroy();
    sink.fail(error);
    await copied;
    sink.abandon();
    throw error;
  } finally {
    // The zip keeps its error listener: an aborted archiver may still report one, and it is ours alone.
    sink.dispose();
  }
}
