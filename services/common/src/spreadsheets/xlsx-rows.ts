import { StringDecoder } from 'node:string_decoder';
import type { Readable } from 'node:stream';
import { SaxesParser, type SaxesTagPlain } from 'saxes';
import yauzl from 'yauzl';
import { vietnameseNumber, type ReadingBudget } from './spreadsheet-limits.ts';
import { SpreadsheetError } from './spreadsheet-error.ts';

export type XlsxCell = string | number | Date | null;
export type XlsxRow = { rowNumber: number; cells: XlsxCell[] };

/** Workbook, relationships, styles, content types: small parts, read whole. */
const MAX_SMALL_PART_BYTES = 16 * 1024 * 1024;
/** A real workbook has tens of parts; a ZIP of many thousands is not one. */
const MAX_ZIP_ENTRIES = 10_000;
/**
 * The XML parser gathers a text or a tag whole before it reports it: so much input without a report
 * is a cell (Excel's own limit is 32,767 characters) or a tag no spreadsheet has.
 */
const MAX_CHARS_WITHOUT_EVENT = 1024 * 1024;
/** Excel's limit for a cell's text; a cell made of runs is checked as it grows. */
const MAX_CELL_CHARS = 32_767;
/** XFD, Excel's last column. */
const MAX_COLUMNS = 16_384;

type Relationship = { type: string; target: string };

/**
 * The rows of the first visible worksheet of the XLSX workbook at `path`, read as the official sees
 * them: shared and inline strings (rich text runs joined, phonetic guides left out), numbers, dates
 * (cells with a date format, in the 1900 or 1904 system) as UTC midnight, formula results, booleans
 * as TRUE/FALSE and errors as their text; row numbers as Excel shows them.
 *
 * Bounded: the parts read must say in the ZIP's central directory that they fit the limits, and are
 * counted as they inflate (a directory can lie); the shared strings are counted, rows, cells and
 * time by `budget`. Only the shared-strings table is kept in memory; the worksheet is streamed, a
 * chunk of rows at a time as they are asked for.
 */
export async function* xlsxRows(path: string, budget: ReadingBudget): AsyncGenerator<XlsxRow> {
  const zip = await openZip(path, budget);
  try {
    const entries = await zipEntries(zip, budget);
    const part = (name: string) => entries.get(partKey(name));

    const rootRelationships = await relationshipsOf(zip, entries, '', budget);
    const workbookPath =
      [...rootRelationships.values()].find((relationship) => relationship.type.endsWith('/officeDocument'))
        ?.target ?? 'xl/workbook.xml';
    const workbookEntry = part(workbookPath);
    if (!workbookEntry) throw notAWorkbook(budget);
    const workbook = await readWorkbook(await smallPart(zip, workbookEntry, budget));
    const relationships = await relationshipsOf(zip, entries, workbookPath, budget);
    const sheetTarget =
      workbook.firstVisibleSheetId && relationships.get(workbook.firstVisibleSheetId)?.target;
    const sheetEntry =
      (sheetTarget && part(sheetTarget)) ||
      // Without a sheet list or its relationship, the worksheet a workbook of one sheet has.
      part('xl/worksheets/sheet1.xml');
    if (!sheetEntry) throw notAWorkbook(budget);

    const targetOf = (kind: string) =>
      [...relationships.values()].find((relationship) => relationship.type.endsWith(kind))?.target;
    const sharedStringsEntry = part(targetOf('/sharedStrings') ?? 'xl/sharedStrings.xml');
    const stylesEntry = part(targetOf('/styles') ?? 'xl/styles.xml');

    // What the directory says, before anything large is inflated.
    const { limits } = budget;
    if (sheetEntry.uncompressedSize > limits.maxWorksheetBytes) {
      throw budget.decompressedTooLarge(limits.maxWorksheetBytes);
    }
    if (sharedStringsEntry && sharedStringsEntry.uncompressedSize > limits.maxSharedStringsBytes) {
      throw budget.decompressedTooLarge(limits.maxSharedStringsBytes);
    }
    if (stylesEntry && stylesEntry.uncompressedSize > MAX_SMALL_PART_BYTES) {
      throw budget.decompressedTooLarge(MAX_SMALL_PART_BYTES);
    }
    const declaredTotal =
      sheetEntry.uncompressedSize +
      (sharedStringsEntry?.uncompressedSize ?? 0) +
      (stylesEntry?.uncompressedSize ?? 0);
    if (declaredTotal > limits.maxTotalBytes) throw budget.decompressedTooLarge(limits.maxTotalBytes);

    const dateStyles = stylesEntry ? readDateStyles(await smallPart(zip, stylesEntry, budget)) : [];
    const sharedStrings = sharedStringsEntry ? await readSharedStrings(zip, sharedStringsEntry, budget) : [];
    yield* worksheetRows(
      partText(zip, sheetEntry, limits.maxWorksheetBytes, budget),
      { sharedStrings, dateStyles, date1904: workbook.date1904 },
      budget,
    );
  } finally {
    zip.close();
  }
}

function notAWorkbook(budget: ReadingBudget): SpreadsheetError {
  return new SpreadsheetError(
    'NOT_A_SPREADSHEET',
    `${budget.fileLabel} không phải bảng tính XLSX: đây là tệp nén ZIP không có trang tính nào (có thể là tệp Word .docx).`,
  );
}

function brokenZip(budget: ReadingBudget, cause: unknown): SpreadsheetError {
  return new SpreadsheetError(
    'NOT_A_SPREADSHEET',
    `${budget.fileLabel} không phải bảng tính XLSX hợp lệ (tệp nén bị hỏng hoặc không phải của Excel).`,
    { cause },
  );
}

// --- the ZIP ---

function openZip(path: string, budget: ReadingBudget): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) => {
    yauzl.open(
      path,
      { lazyEntries: true, autoClose: false, validateEntrySizes: true, strictFileNames: false },
      (error, zip) => {
        if (error || !zip) reject(brokenZip(budget, error));
        else resolve(zip);
      },
    );
  });
}

/** Part names compare without case and without a leading slash, as OPC has them. */
function partKey(name: string): string {
  return name.replace(/^\/+/, '').toLowerCase();
}

function zipEntries(zip: yauzl.ZipFile, budget: ReadingBudget): Promise<Map<string, yauzl.Entry>> {
  if (zip.entryCount > MAX_ZIP_ENTRIES) {
    return Promise.reject(
      budget.tooLarge(`có ${zip.entryCount} phần nén, không phải một bảng tính XLSX bình thường.`),
    );
  }
  return new Promise((resolve, reject) => {
    const entries = new Map<string, yauzl.Entry>();
    zip.on('entry', (entry: yauzl.Entry) => {
      entries.set(partKey(entry.fileName), entry);
      zip.readEntry();
    });
    zip.once('end', () => resolve(entries));
    // Also after the end: an error event without a listener would end the process.
    zip.on('error', (error: unknown) => reject(brokenZip(budget, error)));
    zip.readEntry();
  });
}

function openEntry(zip: yauzl.ZipFile, entry: yauzl.Entry): Promise<Readable> {
  return new Promise((resolve, reject) => {
    zip.openReadStream(entry, (error, stream) => (error || !stream ? reject(error) : resolve(stream)));
  });
}

/**
 * A part's text as it inflates, counted against `limit` and the budget: yauzl also stops a part that
 * inflates past the size its directory entry gives.
 */
async function* partText(
  zip: yauzl.ZipFile,
  entry: yauzl.Entry,
  limit: number,
  budget: ReadingBudget,
): AsyncGenerator<string> {
  if (entry.uncompressedSize > limit) throw budget.decompressedTooLarge(limit);
  if (entry.isEncrypted()) throw brokenZip(budget, new Error('encrypted entry'));
  let stream: Readable;
  try {
    stream = await openEntry(zip, entry);
  } catch (error) {
    throw brokenZip(budget, error);
  }
  const decoder = new StringDecoder('utf8');
  let bytes = 0;
  let first = true;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      bytes += chunk.length;
      if (bytes > limit) throw budget.decompressedTooLarge(limit);
      budget.addBytes(chunk.length);
      budget.checkTime();
      let text = decoder.write(chunk);
      if (first && text !== '') {
        first = false;
        if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      }
      if (text !== '') yield text;
    }
    const rest = decoder.end();
    if (rest !== '') yield rest;
  } catch (error) {
    if (error instanceof SpreadsheetError) throw error;
    // yauzl's "too many bytes in the stream": the directory lied about the size.
    if (error instanceof Error && /too many bytes|expected \d+/i.test(error.message)) {
      throw budget.decompressedTooLarge(Math.min(limit, entry.uncompressedSize));
    }
    throw brokenZip(budget, error);
  } finally {
    stream.destroy();
  }
}

async function smallPart(zip: yauzl.ZipFile, entry: yauzl.Entry, budget: ReadingBudget): Promise<string> {
  let text = '';
  for await (const chunk of partText(zip, entry, MAX_SMALL_PART_BYTES, budget)) text += chunk;
  return text;
}

// --- XML ---

/** `x:row` → `row`: elements are told apart by local name, whatever prefix a generator gives them. */
function localName(name: string): string {
  const colon = name.indexOf(':');
  return colon < 0 ? name : name.slice(colon + 1);
}

type XmlHandlers = {
  open(name: string, attributes: Record<string, string>): void;
  text?(text: string): void;
  close?(name: string): void;
};

function xmlParser(handlers: XmlHandlers) {
  const parser = new SaxesParser({ xmlns: false, position: false });
  let charsWithoutEvent = 0;
  parser.on('opentag', (tag: SaxesTagPlain) => {
    charsWithoutEvent = 0;
    handlers.open(localName(tag.name), tag.attributes);
  });
  if (handlers.text) {
    const text = handlers.text;
    parser.on('text', (value: string) => {
      charsWithoutEvent = 0;
      text(value);
    });
  }
  const close = handlers.close;
  parser.on('closetag', (tag: SaxesTagPlain) => {
    charsWithoutEvent = 0;
    close?.(localName(tag.name));
  });
  return {
    write(chunk: string, budget: ReadingBudget): void {
      parser.write(chunk);
      charsWithoutEvent += chunk.length;
      if (charsWithoutEvent > MAX_CHARS_WITHOUT_EVENT) throw cellTooLong(budget);
    },
    close(): void {
      parser.close();
    },
  };
}

function cellTooLong(budget: ReadingBudget): SpreadsheetError {
  return budget.tooLarge(
    `có một ô dài hơn ${vietnameseNumber(MAX_CELL_CHARS)} ký tự, giới hạn của Excel: tệp bị hỏng hoặc không phải danh sách.`,
  );
}

function brokenXml(budget: ReadingBudget, cause: unknown, rowsRead: number): SpreadsheetError {
  return rowsRead === 0
    ? brokenZip(budget, cause)
    : new SpreadsheetError('BROKEN_FILE', `${budget.fileLabel} bị hỏng sau dòng ${rowsRead}.`, { cause });
}

function parseWhole(text: string, handlers: XmlHandlers, budget: ReadingBudget): void {
  const parser = xmlParser(handlers);
  try {
    parser.write(text, budget);
    parser.close();
  } catch (error) {
    if (error instanceof SpreadsheetError) throw error;
    throw brokenZip(budget, error);
  }
}

const PACKAGE_RELATIONSHIPS_FOLDER = '_rels/';

/** The relationships of a part (`''` for the package's own), by id, their targets resolved to part names. */
async function relationshipsOf(
  zip: yauzl.ZipFile,
  entries: Map<string, yauzl.Entry>,
  source: string,
  budget: ReadingBudget,
): Promise<Map<string, Relationship>> {
  const folder = source.includes('/') ? source.slice(0, source.lastIndexOf('/') + 1) : '';
  const name = source.slice(folder.length);
  const entry = entries.get(partKey(`${folder}${PACKAGE_RELATIONSHIPS_FOLDER}${name}.rels`));
  const relationships = new Map<string, Relationship>();
  if (!entry) return relationships;
  parseWhole(
    await smallPart(zip, entry, budget),
    {
      open(element, attributes) {
        if (element !== 'Relationship' || attributes.TargetMode === 'External') return;
        const { Id: id, Type: type, Target: target } = attributes;
        if (id && type && target) relationships.set(id, { type, target: resolveTarget(folder, target) });
      },
    },
    budget,
  );
  return relationships;
}

/** A relationship's target as a part name: from the root when it starts with `/` (openpyxl), else from the source's folder. */
function resolveTarget(folder: string, target: string): string {
  const segments = target.startsWith('/') ? [] : folder.split('/').filter(Boolean);
  for (const segment of target.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') segments.pop();
    else segments.push(segment);
  }
  return segments.join('/');
}

type Workbook = { firstVisibleSheetId: string | undefined; date1904: boolean };

function readWorkbook(xml: string): Workbook {
  const workbook: Workbook = { firstVisibleSheetId: undefined, date1904: false };
  const parser = new SaxesParser({ xmlns: false, position: false });
  parser.on('opentag', (tag: SaxesTagPlain) => {
    const name = localName(tag.name);
    const attributes = tag.attributes;
    if (name === 'workbookPr') {
      const flag = attributes.date1904;
      workbook.date1904 = flag === '1' || flag === 'true';
    } else if (name === 'sheet' && workbook.firstVisibleSheetId === undefined) {
      if (attributes.state === 'hidden' || attributes.state === 'veryHidden') return;
      // r:id, whatever the prefix of the relationships namespace.
      for (const [key, value] of Object.entries(attributes)) {
        if (key.endsWith(':id')) workbook.firstVisibleSheetId = value;
      }
    }
  });
  parser.write(xml);
  parser.close();
  return workbook;
}

/** Built-in number formats that show a date: 14–22, and the East Asian date formats (WPS) 27–36, 50–58, 71–81. */
function isBuiltInDateFormat(id: number): boolean {
  return (
    (id >= 14 && id <= 22) ||
    (id >= 27 && id <= 36) ||
    (id >= 45 && id <= 47) ||
    (id >= 50 && id <= 58) ||
    (id >= 71 && id <= 81)
  );
}

/** A custom format shows a date or time when, outside quoted text, escapes and [colour]/[$-locale] brackets, it has d, m, y, h or s. */
function isDateFormatCode(code: string): boolean {
  const bare = code.replace(/"[^"]*"|\\.|\[[^\]]*\]|_.|\*./g, '');
  return /[dmyhs]/i.test(bare) && !/^general$/i.test(bare.trim());
}

/** For each cell style (cellXfs index), whether it shows numbers as dates. */
function readDateStyles(xml: string): boolean[] {
  const customFormats = new Map<number, string>();
  const dateStyles: boolean[] = [];
  let inCellXfs = false;
  const parser = new SaxesParser({ xmlns: false, position: false });
  parser.on('opentag', (tag: SaxesTagPlain) => {
    const name = localName(tag.name);
    if (name === 'numFmt') {
      customFormats.set(Number(tag.attributes.numFmtId), tag.attributes.formatCode ?? '');
    } else if (name === 'cellXfs') {
      inCellXfs = true;
    } else if (name === 'xf' && inCellXfs) {
      const id = Number(tag.attributes.numFmtId ?? 0);
      const custom = customFormats.get(id);
      dateStyles.push(custom === undefined ? isBuiltInDateFormat(id) : isDateFormatCode(custom));
    }
  });
  parser.on('closetag', (tag: SaxesTagPlain) => {
    if (localName(tag.name) === 'cellXfs') inCellXfs = false;
  });
  try {
    parser.write(xml);
    parser.close();
  } catch {
    // Without readable styles, dates come as their serial numbers, which the rules still read.
    return [];
  }
  return dateStyles;
}

/** The text of each string item: its runs joined, phonetic guides (rPh) left out. */
async function readSharedStrings(
  zip: yauzl.ZipFile,
  entry: yauzl.Entry,
  budget: ReadingBudget,
): Promise<string[]> {
  const { maxSharedStrings, maxSharedStringsBytes } = budget.limits;
  const tooMany = () =>
    budget.tooLarge(
      `có hơn ${vietnameseNumber(maxSharedStrings)} chuỗi văn bản khác nhau, quá giới hạn của một lần nhập: hãy chia danh sách thành nhiều tệp.`,
    );
  const strings: string[] = [];
  let item = '';
  let inText = false;
  let phonetic = 0;
  const parser = xmlParser({
    open(name, attributes) {
      if (name === 't') inText = phonetic === 0;
      else if (name === 'si') item = '';
      else if (name === 'rPh') phonetic++;
      else if (name === 'sst' && Number(attributes.uniqueCount) > maxSharedStrings) throw tooMany();
    },
    text(text) {
      if (!inText) return;
      item += text;
      if (item.length > MAX_CELL_CHARS) throw cellTooLong(budget);
    },
    close(name) {
      if (name === 't') inText = false;
      else if (name === 'rPh') phonetic--;
      else if (name === 'si') {
        if (strings.length >= maxSharedStrings) throw tooMany();
        strings.push(item);
        item = '';
      }
    },
  });
  try {
    for await (const text of partText(zip, entry, maxSharedStringsBytes, budget)) parser.write(text, budget);
    parser.close();
  } catch (error) {
    if (error instanceof SpreadsheetError) throw error;
    throw brokenZip(budget, error);
  }
  return strings;
}

type SheetContext = { sharedStrings: readonly string[]; dateStyles: readonly boolean[]; date1904: boolean };

/** A1 → column 0; '' when the reference has no letters. */
function columnOf(reference: string): number {
  let column = 0;
  for (let i = 0; i < reference.length; i++) {
    const code = reference.charCodeAt(i);
    if (code >= 65 && code <= 90) column = column * 26 + code - 64;
    else if (code >= 97 && code <= 122) column = column * 26 + code - 96;
    else break;
  }
  return column - 1;
}

const MS_PER_DAY = 86_400_000;
/** Day 0 of the 1900 system is 1899-12-30 (Excel counts a 29 February 1900 that never was); of 1904, 1904-01-01. */
const EPOCH_1900 = Date.UTC(1899, 11, 30);
const EPOCH_1904 = Date.UTC(1904, 0, 1);

/** The day a date serial shows, at UTC midnight: a list of persons has dates, and a time of day would move them. */
function dateOf(serial: number, date1904: boolean): Date | number {
  const day = Math.floor(serial);
  if (date1904) return new Date(EPOCH_1904 + day * MS_PER_DAY);
  if (day < 1) return serial;
  // Serials before 1 March 1900 (61) count from a day later, past Excel's 29 February 1900.
  return new Date(EPOCH_1900 + (day < 61 ? day + 1 : day) * MS_PER_DAY);
}

/** A t="d" cell's ISO 8601 date (or date and time) as its day at UTC midnight. */
function isoDateOf(text: string): Date | string {
  const match = /^(\d{4})-(\d{2})-(\d{2})/.exec(text);
  if (!match) return text;
  const date = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
  return Number.isNaN(date.getTime()) ? text : date;
}

async function* worksheetRows(
  xml: AsyncIterable<string>,
  context: SheetContext,
  budget: ReadingBudget,
): AsyncGenerator<XlsxRow> {
  const ready: XlsxRow[] = [];
  let rowNumber = 0;
  let cells: XlsxCell[] = [];
  let column = -1;
  let type = 'n';
  let style = 0;
  let value = '';
  let inline = '';
  /** 'v' inside a cell's value, 't' inside inline text, '' elsewhere. */
  let collecting = '';
  let phonetic = 0;
  let rowsRead = 0;

  const cellValue = (): XlsxCell => {
    switch (type) {
      case 's': {
        const text = context.sharedStrings[Number(value)];
        return text === undefined || text === '' ? null : text;
      }
      case 'inlineStr':
        return inline === '' ? null : inline;
      case 'str':
      case 'e':
        return value === '' ? null : value;
      case 'b':
        return value === '' ? null : value === '1' || value === 'true' ? 'TRUE' : 'FALSE';
      case 'd':
        return value === '' ? null : isoDateOf(value);
      default: {
        if (value.trim() === '') return null;
        const number = Number(value);
        if (!Number.isFinite(number)) return null;
        return context.dateStyles[style] ? dateOf(number, context.date1904) : number;
      }
    }
  };

  const parser = xmlParser({
    open(name, attributes) {
      switch (name) {
        case 'row': {
          const r = attributes.r;
          rowNumber = r ? Number.parseInt(r, 10) || rowNumber + 1 : rowNumber + 1;
          cells = [];
          column = -1;
          break;
        }
        case 'c': {
          const r = attributes.r;
          const at = r ? columnOf(r) : -1;
          column = at >= 0 ? at : column + 1;
          if (column >= MAX_COLUMNS) throw brokenXml(budget, new Error(`column ${column}`), rowsRead);
          type = attributes.t ?? 'n';
          style = attributes.s ? Number(attributes.s) : 0;
          value = '';
          inline = '';
          collecting = '';
          break;
        }
        case 'v':
          collecting = 'v';
          break;
        case 't':
          if (type === 'inlineStr' && phonetic === 0) collecting = 't';
          break;
        case 'rPh':
          phonetic++;
          break;
      }
    },
    text(text) {
      if (collecting === 'v') value += text;
      else if (collecting === 't') {
        inline += text;
        if (inline.length > MAX_CELL_CHARS) throw cellTooLong(budget);
      } else return;
      if (value.length > MAX_CELL_CHARS) throw cellTooLong(budget);
    },
    close(name) {
      switch (name) {
        case 'v':
        case 't':
          collecting = '';
          break;
        case 'rPh':
          phonetic--;
          break;
        case 'c': {
          const cell = cellValue();
          if (cell !== null) {
            while (cells.length < column) cells.push(null);
            cells[column] = cell;
          }
          break;
        }
        case 'row':
          if (cells.length > 0) {
            budget.addRow(cells.length);
            rowsRead++;
            ready.push({ rowNumber, cells });
          }
          break;
      }
    },
  });

  try {
    for await (const text of xml) {
      parser.write(text, budget);
      for (const row of ready) yield row;
      ready.length = 0;
    }
    parser.close();
  } catch (error) {
    if (error instanceof SpreadsheetError) throw error;
    throw brokenXml(budget, error, rowsRead);
  }
  yield* ready;
}
