import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { CsvFormatError, csvRecords } from './csv-records.ts';
import { SpreadsheetError } from './spreadsheet-error.ts';
import {
  HEADER_AND_TITLE_ROWS,
  ReadingBudget,
  spreadsheetLimits,
  type SpreadsheetLimits,
} from './spreadsheet-limits.ts';
import { xlsxRows } from './xlsx-rows.ts';

export { SpreadsheetError, type SpreadsheetErrorCode } from './spreadsheet-error.ts';
export { DEFAULT_SPREADSHEET_LIMITS, type SpreadsheetLimits } from './spreadsheet-limits.ts';

export type SpreadsheetCell = string | number | Date | null;

/** A data row: `rowNumber` is the row number the official sees in Excel; `cells` line up with `headers`. */
export type SpreadsheetRow = { rowNumber: number; cells: SpreadsheetCell[] };

export type OpenedSpreadsheet = {
  format: 'csv' | 'xlsx';
  /** The header row's texts, white space collapsed; '' for a column without a header. */
  headers: string[];
  /** The data rows below the header, empty rows left out. Iterate once; stopping early closes the file. */
  rows: AsyncIterable<SpreadsheetRow>;
};

export type OpenSpreadsheetOptions = {
  /** The name the official uploaded, for messages only: the format is read from the content. */
  fileName?: string | undefined;
  /**
   * Whether a header text names a column the reader knows (the list's own columns and their aliases,
   * and any the user assigned by hand): the header row is the first that names at least two, and the
   * CSV delimiter the one that splits out the most.
   */
  isKnownHeader: (header: string) => boolean;
  /** Limits past which the file is refused (TOO_LARGE); DEFAULT_SPREADSHEET_LIMITS for those not given. */
  limits?: Partial<SpreadsheetLimits> | undefined;
};

/** Officials put titles ("DANH SÁCH ĐỐI TƯỢNG...", the commune, the date) above the header. */
const HEADER_SEARCH_ROWS = HEADER_AND_TITLE_ROWS;
/** A header row names at least this many known columns; one could be a title that happens to match. */
const MIN_KNOWN_HEADERS = 2;
/** Enough of the file to tell its format and, for CSV, its delimiter from the first lines. */
const HEAD_BYTES = 64 * 1024;
/** An unclosed quote would otherwise swallow the rest of the file into one cell. */
const MAX_CSV_RECORD_CHARS = 1_000_000;

type RawRow = { rowNumber: number; cells: SpreadsheetCell[] };
type TextEncoding = 'utf-8' | 'utf-16le' | 'utf-16be';
type DetectedFormat = { format: 'xlsx' } | { format: 'csv'; encoding: TextEncoding; headText: string };

/**
 * Opens an official's list (of persons, of supports...), CSV or XLSX (told apart by content, not name), finds its
 * header row among the first rows and streams the data rows below it. Memory stays flat: the
 * file is read as it is iterated (an XLSX's shared-strings table is the one thing kept whole), and
 * every reading is bounded by `options.limits` (rows, cells, decompressed sizes, time).
 */
export async function openSpreadsheet(
  input: string | Readable,
  options: OpenSpreadsheetOptions,
): Promise<OpenedSpreadsheet> {
  const fileLabel = options.fileName ? `Tệp "${options.fileName}"` : 'Tệp';
  const budget = new ReadingBudget(spreadsheetLimits(options.limits), fileLabel);
  const { head, complete, stream } = await peek(typeof input === 'string' ? createReadStream(input) : input);
  try {
    const detected = detectFormat(head, fileLabel);
    const { isKnownHeader } = options;
    const rawRows =
      detected.format === 'xlsx'
        ? workbookRows(typeof input === 'string' ? input : undefined, stream, budget)
        : csvRows(
            stream,
            detected.encoding,
            detectDelimiter(detected.headText, complete, isKnownHeader),
            budget,
          );
    const { headers, rows } = await locateHeader(rawRows, isKnownHeader, fileLabel);
    return { format: detected.format, headers, rows };
  } catch (error) {
    stream.destroy();
    throw error;
  }
}

/** Reads the first bytes, then gives back a stream that replays them before the rest. */
async function peek(source: Readable): Promise<{ head: Buffer; complete: boolean; stream: Readable }> {
  const chunks: AsyncIterator<Buffer | string> = source[Symbol.asyncIterator]();
  const parts: Buffer[] = [];
  let length = 0;
  let complete = false;
  while (length < HEAD_BYTES) {
    const next = await chunks.next();
    if (next.done) {
      complete = true;
      break;
    }
    const chunk = typeof next.value === 'string' ? Buffer.from(next.value) : next.value;
    parts.push(chunk);
    length += chunk.length;
  }
  const head = Buffer.concat(parts);
  async function* replay(): AsyncGenerator<Buffer | string> {
    try {
      if (head.length > 0) yield head;
      if (complete) return;
      for (let next = await chunks.next(); !next.done; next = await chunks.next()) yield next.value;
    } finally {
      await chunks.return?.();
    }
  }
  return { head, complete, stream: Readable.from(replay(), { objectMode: false }) };
}

const ZIP_SIGNATURE = Buffer.from([0x50, 0x4b, 0x03, 0x04]);
const OLE2_SIGNATURE = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);
const PDF_SIGNATURE = Buffer.from('%PDF-');

function detectFormat(head: Buffer, fileLabel: string): DetectedFormat {
  const notASpreadsheet = (detail = '') =>
    new SpreadsheetError('NOT_A_SPREADSHEET', `${fileLabel} không phải bảng tính CSV hoặc XLSX.${detail}`);
  if (head.length === 0) return emptyFile(fileLabel);
  if (startsWith(head, ZIP_SIGNATURE)) return { format: 'xlsx' };
  if (startsWith(head, OLE2_SIGNATURE)) {
    throw notASpreadsheet(
      ' Tệp Excel 97-2003 (.xls) hay Word (.doc) không đọc được: hãy mở bằng Excel và lưu lại dưới dạng "Excel Workbook (.xlsx)" hoặc "CSV UTF-8".',
    );
  }
  if (startsWith(head, PDF_SIGNATURE)) throw notASpreadsheet(' Đây là tệp PDF.');
  let encoding: TextEncoding = 'utf-8';
  if (head[0] === 0xff && head[1] === 0xfe) encoding = 'utf-16le';
  else if (head[0] === 0xfe && head[1] === 0xff) encoding = 'utf-16be';
  // UTF-16 without its mark: ASCII letters leave a zero byte after (LE) or before (BE) each.
  else if (head.length >= 4 && head[0] !== 0 && head[1] === 0 && head[2] !== 0 && head[3] === 0)
    encoding = 'utf-16le';
  else if (head.length >= 4 && head[0] === 0 && head[1] !== 0 && head[2] === 0 && head[3] !== 0)
    encoding = 'utf-16be';

  let headText: string;
  if (encoding === 'utf-8') {
    if (head.includes(0)) throw notASpreadsheet();
    try {
      // stream: a character cut in two at the end of the head is not an error.
      headText = new TextDecoder('utf-8', { fatal: true }).decode(head, { stream: true });
    } catch {
      if (controlCharacterShare(head.toString('latin1')) > 0.01) throw notASpreadsheet();
      throw new SpreadsheetError(
        'UNSUPPORTED_ENCODING',
        `${fileLabel} không được lưu bằng bảng mã UTF-8 (có thể là TCVN3, VNI hoặc Windows-1258): hãy mở bằng Excel và lưu lại dưới dạng "CSV UTF-8" hoặc "Excel Workbook (.xlsx)".`,
      );
    }
  } else {
    headText = new TextDecoder(encoding).decode(head, { stream: true });
  }
  if (controlCharacterShare(headText) > 0.01) throw notASpreadsheet();
  if (headText.trimStart().startsWith('<')) {
    throw notASpreadsheet(
      ' Tệp là trang HTML/XML (thường do phần mềm xuất ra với đuôi .xls): hãy mở bằng Excel và lưu lại dưới dạng "Excel Workbook (.xlsx)".',
    );
  }
  if (headText.trim() === '') return emptyFile(fileLabel);
  return { format: 'csv', encoding, headText };
}

function emptyFile(fileLabel: string): never {
  throw new SpreadsheetError('EMPTY', `${fileLabel} không có dữ liệu.`);
}

function startsWith(buffer: Buffer, signature: Buffer): boolean {
  return (
    buffer.length >= signature.length &&
    buffer.compare(signature, 0, signature.length, 0, signature.length) === 0
  );
}

function controlCharacterShare(text: string): number {
  let controls = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d) controls++;
  }
  return text.length === 0 ? 0 : controls / text.length;
}

const DELIMITERS = [',', ';', '\t'] as const;
const LINE_BREAK = /\r\n|\n|\r/;
const SURROUNDING_QUOTES = /^\s*"?|"?\s*$/g;

/** The delimiter that splits one of the first lines into the most known headers. */
function detectDelimiter(
  headText: string,
  complete: boolean,
  isKnownHeader: (header: string) => boolean,
): string {
  const lines = headText.split(LINE_BREAK);
  if (!complete && lines.length > 1) lines.pop();
  let best: string | undefined;
  let bestKnown = 0;
  let lookedAt = 0;
  for (const line of lines) {
    if (line.trim() === '') continue;
    for (const delimiter of DELIMITERS) {
      let known = 0;
      for (const cell of line.split(delimiter))
        if (isKnownHeader(cell.replace(SURROUNDING_QUOTES, ''))) known++;
      if (known > bestKnown) [best, bestKnown] = [delimiter, known];
    }
    if (bestKnown >= MIN_KNOWN_HEADERS || ++lookedAt >= HEADER_SEARCH_ROWS) break;
  }
  if (best !== undefined) return best;
  // No header found: the most frequent delimiter of the first line, so that the header search can say so.
  const firstLine = lines.find((line) => line.trim() !== '') ?? '';
  const counts = DELIMITERS.map((delimiter) => firstLine.split(delimiter).length);
  return DELIMITERS[counts.indexOf(Math.max(...counts))] ?? ',';
}

/** The text of a byte stream, chunk by chunk; a character cut between two chunks is kept whole. */
async function* decodedText(stream: Readable, encoding: TextEncoding): AsyncGenerator<string> {
  const decoder = new TextDecoder(encoding);
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    const text = decoder.decode(chunk, { stream: true });
    if (text) yield text;
  }
  const rest = decoder.decode();
  if (rest) yield rest;
}

/** Every CSV record, empty ones included, so that row numbers are the ones Excel shows. */
async function* csvRows(
  stream: Readable,
  encoding: TextEncoding,
  delimiter: string,
  budget: ReadingBudget,
): AsyncGenerator<RawRow> {
  let rowNumber = 0;
  try {
    for await (const record of csvRecords(decodedText(stream, encoding), {
      delimiter,
      maxRecordChars: MAX_CSV_RECORD_CHARS,
    })) {
      const cells: SpreadsheetCell[] = record;
      let filled = false;
      for (let i = 0; i < cells.length; i++) {
        if (cells[i] === '') cells[i] = null;
        else filled = true;
      }
      if (filled) budget.addRow(cells.length);
      yield { rowNumber: ++rowNumber, cells };
    }
  } catch (error) {
    if (error instanceof CsvFormatError) {
      throw new SpreadsheetError(
        'BROKEN_FILE',
        `${budget.fileLabel} bị lỗi định dạng CSV ở dòng ${error.recordNumber}: ${
          error.problem === 'QUOTE_NOT_CLOSED'
            ? 'có dấu ngoặc kép " mở mà không đóng'
            : 'một ô dài quá mức, thường do thiếu dấu ngoặc kép đóng'
        }.`,
        { cause: error },
      );
    }
    throw error;
  } finally {
    stream.destroy();
  }
}

/**
 * The rows of an XLSX workbook: read from its file (a ZIP is read from its central directory, at
 * the end), a stream first copied to a temporary file that is deleted when the rows end.
 */
async function* workbookRows(
  path: string | undefined,
  stream: Readable,
  budget: ReadingBudget,
): AsyncGenerator<RawRow> {
  let temporary: string | undefined;
  let rowsRead = 0;
  try {
    if (path === undefined) {
      temporary = join(tmpdir(), `ansinh-import-${randomUUID()}.xlsx`);
      // An error of the stream itself (an upload cut off) is thrown as it is, not as a broken file.
      await pipeline(stream, byteLimit(budget), createWriteStream(temporary, { mode: 0o600 }));
    } else {
      stream.destroy();
    }
    try {
      for await (const row of xlsxRows(temporary ?? path!, budget)) {
        rowsRead++;
        yield row;
      }
    } catch (error) {
      if (error instanceof SpreadsheetError) throw error;
      throw rowsRead === 0
        ? new SpreadsheetError(
            'NOT_A_SPREADSHEET',
            `${budget.fileLabel} không phải bảng tính XLSX hợp lệ (tệp nén bị hỏng hoặc không phải của Excel).`,
            { cause: error },
          )
        : new SpreadsheetError('BROKEN_FILE', `${budget.fileLabel} bị hỏng sau dòng ${rowsRead}.`, {
            cause: error,
          });
    }
  } finally {
    stream.destroy();
    if (temporary) await rm(temporary, { force: true });
  }
}

/** Passes bytes through until `maxFileBytes`, then fails with TOO_LARGE. */
function byteLimit(budget: ReadingBudget): Transform {
  let bytes = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      bytes += chunk.length;
      if (bytes > budget.limits.maxFileBytes)
        callback(budget.decompressedTooLarge(budget.limits.maxFileBytes));
      else callback(null, chunk);
    },
  });
}

const BLANK = /^[\s\u200b-\u200d\u2060\ufeff]*$/;

function isEmptyRow(cells: readonly SpreadsheetCell[]): boolean {
  for (const cell of cells) {
    if (cell !== null && (typeof cell !== 'string' || !BLANK.test(cell))) return false;
  }
  return true;
}

const WHITE_SPACE_RUNS = /[\s\u200b-\u200d\u2060\ufeff]+/g;

function headerTextOf(cell: SpreadsheetCell | undefined): string {
  if (cell === null || cell === undefined) return '';
  if (cell instanceof Date) return cell.toISOString().slice(0, 10);
  return String(cell).replace(WHITE_SPACE_RUNS, ' ').trim().normalize('NFC');
}

/**
 * A second header row (columns under a merged group title) names mostly known columns; a data row may
 * hold a couple of values that read like headers (gender `Nam` folds to `Năm`, an account kind
 * `Ngân hàng`) but is mostly data.
 */
function isHeaderContinuation(
  cells: readonly SpreadsheetCell[],
  isKnownHeader: (header: string) => boolean,
): boolean {
  const filled = cells.filter((cell) => headerTextOf(cell) !== '').length;
  const known = knownHeaderCount(cells, isKnownHeader);
  return known >= MIN_KNOWN_HEADERS && known * 2 >= filled;
}

function knownHeaderCount(
  cells: readonly SpreadsheetCell[],
  isKnownHeader: (header: string) => boolean,
): number {
  let known = 0;
  for (const cell of cells) if (isKnownHeader(headerTextOf(cell))) known++;
  return known;
}

const COLUMN_NUMBER = /^\(?\d{1,3}\)?$/;

/** The row of column numbers "1 2 3 ..." or "(1) (2) (3) ..." that forms put under their header. */
function isColumnNumbering(cells: readonly SpreadsheetCell[]): boolean {
  let numbers = 0;
  for (const cell of cells) {
    if (cell === null) continue;
    if (!COLUMN_NUMBER.test(headerTextOf(cell))) return false;
    numbers++;
  }
  return numbers >= 3;
}

/** Headers over two rows (a merged group title above its columns): the lower row names the columns it has. */
function mergeHeaderRows(
  upper: readonly string[],
  lower: readonly string[],
  isKnownHeader: (header: string) => boolean,
): string[] {
  const merged: string[] = [];
  for (let i = 0; i < Math.max(upper.length, lower.length); i++) {
    const above = upper[i] ?? '';
    const below = lower[i] ?? '';
    merged.push(isKnownHeader(below) || above === '' ? below : above);
  }
  return merged;
}

async function locateHeader(
  rawRows: AsyncGenerator<RawRow>,
  isKnownHeader: (header: string) => boolean,
  fileLabel: string,
): Promise<{ headers: string[]; rows: AsyncIterable<SpreadsheetRow> }> {
  const nextNonEmpty = async (): Promise<RawRow | undefined> => {
    for (let next = await rawRows.next(); !next.done; next = await rawRows.next()) {
      if (!isEmptyRow(next.value.cells)) return next.value;
    }
    return undefined;
  };
  try {
    let headerRow: RawRow | undefined;
    let rowsSeen = 0;
    while (rowsSeen < HEADER_SEARCH_ROWS) {
      const row = await nextNonEmpty();
      if (row === undefined) break;
      rowsSeen++;
      if (knownHeaderCount(row.cells, isKnownHeader) >= MIN_KNOWN_HEADERS) {
        headerRow = row;
        break;
      }
    }
    if (headerRow === undefined) {
      if (rowsSeen === 0) emptyFile(fileLabel);
      throw new SpreadsheetError(
        'NO_HEADER',
        `${fileLabel} không có dòng tiêu đề với các cột như "Họ và tên", "Ngày sinh" trong ${HEADER_SEARCH_ROWS} dòng đầu.`,
      );
    }
    let headers = headerRow.cells.map(headerTextOf);
    let firstDataRow = await nextNonEmpty();
    if (firstDataRow && isHeaderContinuation(firstDataRow.cells, isKnownHeader)) {
      headers = mergeHeaderRows(headers, firstDataRow.cells.map(headerTextOf), isKnownHeader);
      firstDataRow = await nextNonEmpty();
    }
    if (firstDataRow && isColumnNumbering(firstDataRow.cells)) firstDataRow = await nextNonEmpty();
    while (headers.length > 0 && headers[headers.length - 1] === '') headers.pop();

    const width = headers.length;
    const fitted = (row: RawRow): SpreadsheetRow => {
      const cells = row.cells;
      if (cells.length > width) cells.length = width;
      else while (cells.length < width) cells.push(null);
      return row;
    };
    async function* dataRows(): AsyncGenerator<SpreadsheetRow> {
      try {
        if (firstDataRow) yield fitted(firstDataRow);
        for (let row = await nextNonEmpty(); row; row = await nextNonEmpty()) yield fitted(row);
      } finally {
        await rawRows.return(undefined);
      }
    }
    return { headers, rows: dataRows() };
  } catch (error) {
    await rawRows.return(undefined);
    throw error;
  }
}
