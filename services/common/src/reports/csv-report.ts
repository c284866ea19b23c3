import type { Writable } from 'node:stream';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { csvField } from '../text/spreadsheet-cell.ts';
import {
  isNumberKind,
  numberOf,
  plainText,
  ReportTotals,
  valuesOf,
  type ReportValue,
} from './report-cells.ts';
import { ReportSink } from './report-sink.ts';
import type { ReportColumn, ReportTable } from './report-table.ts';

/** Lines gathered before one write: few writes, and a pause for the target at most this far behind. */
const CHUNK_CHARACTERS = 64 * 1024;

/**
 * A report as CSV for Excel: UTF-8 with a byte order mark (without it Excel reads Vietnamese as
 * Windows-1252), RFC 4180 quoting, CRLF line ends; the Vietnamese headers, the rows, the totals row.
 * Counts and money are plain integers (`1234000`, no separators, so that Excel reads numbers), days
 * `dd/mm/yyyy`, months `m/yyyy`; text neutralised against formulas (csvField). Title and subtitle are not
 * in the file: a CSV is one table, read back by programs too; they are in its name (reportFileName).
 */
export async function writeCsvReport(table: ReportTable, target: Writable): Promise<{ rowCount: number }> {
  const { columns } = table;
  const sink = new ReportSink(target);
  const totals = new ReportTotals(table);
  let pending = '\uFEFF' + columns.map((column) => csvField(column.header)).join(',') + '\r\n';
  let rowCount = 0;
  try {
    for await (const row of table.rows) {
      const values = valuesOf(row, columns);
      totals.add(values);
      pending += csvLine(values, columns);
      rowCount++;
      if (pending.length >= CHUNK_CHARACTERS) {
        await sink.write(pending);
        pending = '';
        // A source that never waits (rows in memory, a fast cursor) still lets timers and I/O run.
        await nextTurn();
      }
    }
    if (totals.present) pending += csvLine(totals.cells(), columns);
    await sink.write(pending);
    await sink.end();
    return { rowCount };
  } catch (error) {
    sink.abandon();
    throw error;
  } finally {
    sink.dispose();
  }
}

function csvLine(values: readonly ReportValue[], columns: readonly ReportColumn[]): string {
  let line = '';
  for (let index = 0; index < columns.length; index++) {
    const value = values[index];
    const kind = columns[index]!.kind;
    if (index > 0) line += ',';
    const number = isNumberKind(kind) ? numberOf(value) : undefined;
    line += number !== undefined ? String(number) : csvField(plainText(value, kind));
  }
  return line + '\r\n';
}
