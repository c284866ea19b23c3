import { createReadStream, ReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import type ExcelJS from 'exceljs';
import { headerRecogniser, type ColumnAssignment } from './column-mapping.ts';
import { CsvFormatError, csvRecords } from './csv-records.ts';
import { SpreadsheetError } from './spreadsheet-error.ts';

export { SpreadsheetError, type SpreadsheetErrorCode } from './spreadsheet-error.ts';

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
  /** Columns the user assigned by hand: their headers count as known when looking for the header row. */
  columns?: readonly ColumnAssignment[] | undefined;
};

/** Officials put titles ("DANH SÁCH ĐỐI TƯỢNG...", the commune, the date) above the header. */
const HEADER_SEARCH_ROWS = 10;
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
 * Opens an official's list of persons, CSV or XLSX (told apart by content, not name), finds its
 * header row among the first rows and streams the data rows below it. Memory stays flat: the
 * file is read as it is iterated (an XLSX's shared-strings table is the one thing kept whole).
 */
export async function openSpreadsheet(
  input: string | Readable,
  options: OpenSpreadsheetOptions = {},
): Promise<OpenedSpreadsheet> {
  const fileLabel = options.fileName ? `Tệp "${options.fileName}"` : 'Tệp';
  const { head, complete, stream } = await peek(typeof input === 'string' ? createReadStream(input) : input);
  try {
    const detected = detectFormat(head, fileLabel);
    const isKnownHeader = headerRecogniser(options.columns);
    const rawRows =
      detected.format === 'xlsx'
        ? xlsxRows(stream, fileLabel)
        : csvRows(
            stream,
            detected.encoding,
            detectDelimiter(detected.headText, complete, isKnownHeader),
            fileLabel,
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
  fileLabel: string,
): AsyncGenerator<RawRow> {
  let rowNumber = 0;
  try {
    for await (const record of csvRecords(decodedText(stream, encoding), {
      delimiter,
      maxRecordChars: MAX_CSV_RECORD_CHARS,
    })) {
      const cells: SpreadsheetCell[] = record;
      for (let i = 0; i < cells.length; i++) if (cells[i] === '') cells[i] = null;
      yield { rowNumber: ++rowNumber, cells };
    }
  } catch (error) {
    if (error instanceof CsvFormatError) {
      throw new SpreadsheetError(
        'BROKEN_FILE',
        `${fileLabel} bị lỗi định dạng CSV ở dòng ${error.recordNumber}: ${
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

type WorkbookModel = { sheets?: { name: string; state?: string }[] };

/** The rows of the first visible worksheet of an XLSX workbook. */
async function* xlsxRows(stream: Readable, fileLabel: string): AsyncGenerator<RawRow> {
  // Loaded here, not at the top: a CSV import does without its 35 MB.
  const excel = (await import('exceljs')).default;
  const reader = new excel.stream.xlsx.WorkbookReader(stream, {
    worksheets: 'emit',
    sharedStrings: 'cache',
    hyperlinks: 'ignore',
    // Styles tell date cells from numbers; without them a date comes as its serial number.
    styles: 'cache',
    entries: 'ignore',
  });
  decodeXmlAcrossChunks(reader);
  // Iterated by hand, not with for-await, which would end it on an early stop (see the finally).
  const worksheets = reader[Symbol.asyncIterator]();
  let worksheetFound = false;
  let worksheetInReading: ExcelJS.stream.xlsx.WorksheetReader | undefined;
  let rowsRead = 0;
  try {
    for (let next = await worksheets.next(); !next.done; next = await worksheets.next()) {
      const worksheet = next.value;
      if (worksheetFound || !isFirstVisibleWorksheet(reader, worksheet)) {
        // Gone past rather than stopped at: exceljs deletes a worksheet's temporary file only then.
        closeUnreadWorksheet(worksheet);
        continue;
      }
      worksheetFound = true;
      worksheetInReading = worksheet;
      for await (const row of worksheet) {
        rowsRead++;
        yield { rowNumber: row.number, cells: cellsOf(row) };
      }
      worksheetInReading = undefined;
    }
  } catch (error) {
    if (error instanceof SpreadsheetError) throw error;
    throw rowsRead === 0
      ? new SpreadsheetError(
          'NOT_A_SPREADSHEET',
          `${fileLabel} không phải bảng tính XLSX hợp lệ (tệp nén bị hỏng hoặc không phải của Excel).`,
          { cause: error },
        )
      : new SpreadsheetError('BROKEN_FILE', `${fileLabel} bị hỏng sau dòng ${rowsRead}.`, { cause: error });
  } finally {
    if (worksheetInReading) {
      closeUnreadWorksheet(worksheetInReading);
      // Read from a temporary file, the whole ZIP has been read: the workbook can be gone past to
      // its end for exceljs to delete its temporary files, with the input closed.
      if (isFromTemporaryFile(worksheetInReading)) void skipRemainingWorksheets(worksheets);
    }
    stream.destroy();
  }
  if (!worksheetFound) {
    throw new SpreadsheetError(
      'NOT_A_SPREADSHEET',
      `${fileLabel} không phải bảng tính XLSX: đây là tệp nén ZIP không có trang tính nào (có thể là tệp Word .docx).`,
    );
  }
}

type WorkbookReaderInternals = {
  _parseSharedStrings(entry: Readable): AsyncGenerator<unknown>;
  _parseWorksheet(chunks: AsyncIterable<Buffer | string>, sheetNo: string): Generator<unknown>;
};

/**
 * exceljs 4.4.0 decodes each chunk of a sheet's XML on its own, so a letter cut between two chunks
 * becomes U+FFFD: about one Vietnamese name in 200 (exceljs/exceljs#2084, its fix unmerged). It
 * leaves text alone, so it is handed text decoded across chunks, through two of its internals.
 */
function decodeXmlAcrossChunks(reader: ExcelJS.stream.xlsx.WorkbookReader): void {
  const internals = reader as unknown as WorkbookReaderInternals;
  const parseSharedStrings = internals._parseSharedStrings;
  const parseWorksheet = internals._parseWorksheet;
  if (typeof parseSharedStrings !== 'function' || typeof parseWorksheet !== 'function') {
    throw new Error('exceljs WorkbookReader has changed: check decodeXmlAcrossChunks');
  }
  internals._parseSharedStrings = function (entry) {
    entry.setEncoding('utf8');
    return parseSharedStrings.call(this, entry);
  };
  internals._parseWorksheet = function (chunks, sheetNo) {
    return parseWorksheet.call(this, utf8Text(chunks), sheetNo);
  };
}

type WorksheetText = AsyncIterable<string> & { destroy(): void; fromTemporaryFile: boolean };

function utf8Text(chunks: AsyncIterable<Buffer | string>): WorksheetText {
  async function* decode(): AsyncGenerator<string> {
    const decoder = new StringDecoder('utf8');
    for await (const chunk of chunks) {
      const text = typeof chunk === 'string' ? chunk : decoder.write(chunk);
      if (text !== '') yield text;
    }
    const rest = decoder.end();
    if (rest !== '') yield rest;
  }
  // exceljs parks a worksheet it meets before the shared strings in a temporary file (as Excel
  // writes them: always). closeUnreadWorksheet closes it through destroy.
  return Object.assign(decode(), {
    destroy: () => (chunks as Partial<Readable>).destroy?.(),
    fromTemporaryFile: chunks instanceof ReadStream,
  });
}

function isFirstVisibleWorksheet(
  reader: ExcelJS.stream.xlsx.WorkbookReader,
  worksheet: ExcelJS.stream.xlsx.WorksheetReader,
): boolean {
  const sheets = (reader as unknown as { model?: WorkbookModel }).model?.sheets;
  const first = sheets?.find((sheet) => sheet.state !== 'hidden' && sheet.state !== 'veryHidden');
  // Without the workbook's sheet list (an unusual file order), the first sheet in the file is taken.
  return first === undefined || (worksheet as unknown as { name: string }).name === first.name;
}

/** A worksheet waiting in a temporary file keeps it open until read to its end: close it. */
function closeUnreadWorksheet(worksheet: ExcelJS.stream.xlsx.WorksheetReader): void {
  textOfWorksheet(worksheet)?.destroy();
}

function isFromTemporaryFile(worksheet: ExcelJS.stream.xlsx.WorksheetReader): boolean {
  return textOfWorksheet(worksheet)?.fromTemporaryFile ?? false;
}

function textOfWorksheet(worksheet: ExcelJS.stream.xlsx.WorksheetReader): WorksheetText | undefined {
  return (worksheet as unknown as { iterator?: WorksheetText }).iterator;
}

async function skipRemainingWorksheets(worksheets: AsyncIterator<ExcelJS.stream.xlsx.WorksheetReader>) {
  try {
    for (let next = await worksheets.next(); !next.done; next = await worksheets.next()) {
      closeUnreadWorksheet(next.value);
    }
  } catch {
    // Only cleaning up after a reader that stopped.
  }
}

function cellsOf(row: ExcelJS.Row): SpreadsheetCell[] {
  // values is indexed by column number: [ , A, B, ...]
  const values = row.values as ExcelJS.CellValue[];
  const cells: SpreadsheetCell[] = new Array<SpreadsheetCell>(Math.max(values.length - 1, 0));
  for (let i = 1; i < values.length; i++) cells[i - 1] = cellOf(values[i]);
  return cells;
}

function cellOf(value: unknown): SpreadsheetCell {
  switch (typeof value) {
    case 'string':
      return value === '' ? null : value;
    case 'number':
      return Number.isFinite(value) ? value : null;
    case 'boolean':
      return value ? 'TRUE' : 'FALSE';
    case 'object': {
      if (value === null) return null;
      if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value;
      if ('richText' in value) {
        const text = (value.richText as { text?: string }[]).map((run) => run.text ?? '').join('');
        return text === '' ? null : text;
      }
      if ('result' in value) return cellOf(value.result);
      if ('formula' in value || 'sharedFormula' in value) return null;
      if ('text' in value) return cellOf(value.text);
      if ('error' in value) return String(value.error);
      return null;
    }
    default:
      return null;
  }
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
