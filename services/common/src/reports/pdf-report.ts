import { createRequire } from 'node:module';
import type { Writable } from 'node:stream';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { badInput } from '../errors/app-error.ts';
import { displayDate } from '../time/display-date.ts';
import {
  columnWidth,
  isNumberKind,
  isoDayOf,
  numberOf,
  plainText,
  ReportTotals,
  valuesOf,
  type ReportValue,
} from './report-cells.ts';
import { ReportSink } from './report-sink.ts';
import type { ReportColumn, ReportTable } from './report-table.ts';

/** A PDF is for reading and printing short reports; past this many rows the official exports XLSX or CSV. */
export const MAX_PDF_ROWS = 20_000;

// DejaVu Sans has every precomposed Vietnamese letter (ạ…ỹ, đ); the PDF embeds the glyphs it uses.
const fontFile = (name: string) => createRequire(import.meta.url).resolve(`dejavu-fonts-ttf/ttf/${name}`);
const REGULAR = fontFile('DejaVuSans.ttf');
const BOLD = fontFile('DejaVuSans-Bold.ttf');

/** A4 landscape, in points. */
const MARGIN = 28;
const TITLE_SIZE = 13;
const SUBTITLE_SIZE = 9;
const BODY_SIZE = 8;
const SMALLEST_NUMBER_SIZE = 6;
const LINE_GAP = 1.25;
const ROW_HEIGHT = 14;
const PADDING = 3;
const MAX_HEADER_LINES = 3;
const FOOTER_HEIGHT = 16;
const GRID = '#9a9a9a';
const HEADER_FILL = '#e8e8e8';
const ELLIPSIS = '…';

const NUMBER = new Intl.NumberFormat('vi-VN', { maximumFractionDigits: 0 });

type Align = 'left' | 'center' | 'right';
type Line = { text: string; align: Align; bold: boolean };

/** A cell as one line of the PDF: numbers `1.234.000` right-aligned, days and months centred, text left. */
function pdfCell(value: ReportValue, column: ReportColumn, bold = false): Line {
  if (isNumberKind(column.kind)) {
    const number = numberOf(value);
    if (number !== undefined) return { text: NUMBER.format(number), align: 'right', bold };
  }
  if (column.kind === 'date') {
    const day = isoDayOf(value);
    if (day) return { text: displayDate(day), align: 'center', bold };
  }
  const text = plainText(value, column.kind).normalize('NFC').replace(/\s+/g, ' ').trim();
  return { text, align: column.kind === 'month' ? 'center' : 'left', bold };
}

type Doc = PDFKit.PDFDocument;

/** The longest start of `text` that fits `width`, with an ellipsis when it had to be cut. */
function fitted(doc: Doc, text: string, width: number): string {
  if (doc.widthOfString(text) <= width) return text;
  let low = 0;
  let high = text.length;
  while (low < high) {
    const middle = Math.ceil((low + high) / 2);
    if (doc.widthOfString(text.slice(0, middle).trimEnd() + ELLIPSIS) <= width) low = middle;
    else high = middle - 1;
  }
  // Never half of a surrogate pair.
  const cut = /[\ud800-\udbff]$/.test(text.slice(0, low)) ? low - 1 : low;
  return cut > 0
    ? text.slice(0, cut).trimEnd() + ELLIPSIS
    : doc.widthOfString(ELLIPSIS) <= width
      ? ELLIPSIS
      : '';
}

/** `text` in at most `maxLines` lines of `width`, words kept whole where they fit; the last line cut with an ellipsis. */
function wrapped(doc: Doc, text: string, width: number, maxLines: number): string[] {
  const lines: string[] = [];
  let current = '';
  const words = text.normalize('NFC').split(/\s+/).filter(Boolean);
  for (let index = 0; index < words.length; index++) {
    const word = words[index]!;
    const candidate = current ? `${current} ${word}` : word;
    if (doc.widthOfString(candidate) <= width) {
      current = candidate;
      continue;
    }
    if (lines.length === maxLines - 1) {
      return [...lines, fitted(doc, [candidate, ...words.slice(index + 1)].join(' '), width)];
    }
    if (current) lines.push(current);
    current = word;
    if (doc.widthOfString(word) > width && lines.length < maxLines - 1) {
      lines.push(fitted(doc, word, width));
      current = '';
    }
  }
  if (current) lines.push(lines.length === maxLines - 1 ? fitted(doc, current, width) : current);
  return lines.slice(0, maxLines);
}

/** Collects the rows, refusing a report longer than MAX_PDF_ROWS before a page is drawn. */
async function collectRows(table: ReportTable): Promise<ReportValue[][]> {
  const rows: ReportValue[][] = [];
  for await (const row of table.rows) {
    if (rows.length === MAX_PDF_ROWS)
      throw badInput(
        'format',
        `Báo cáo có hơn ${MAX_PDF_ROWS.toLocaleString('vi-VN')} dòng, quá dài để xuất PDF: hãy xuất tệp XLSX hoặc CSV.`,
      );
    rows.push(valuesOf(row, table.columns));
  }
  return rows;
}

/**
 * A report as a PDF to read and print: A4 landscape, DejaVu Sans embedded (Vietnamese glyphs), the title
 * and subtitle, a table whose header is repeated on every page, counts and money right-aligned with `.`
 * thousands separators, days `dd/mm/yyyy`, months `m/yyyy`, the totals row, `Trang N/M` on every page.
 * Columns share the page width in proportion to their `width`; a cell that does not fit is cut with an
 * ellipsis (a number is first set smaller), never drawn over its neighbour. Short reports only: past
 * MAX_PDF_ROWS rows it refuses (BAD_USER_INPUT on `format`) before writing anything.
 */
export async function writePdfReport(table: ReportTable, target: Writable): Promise<{ rowCount: number }> {
  const sink = new ReportSink(target);
  let copied: Promise<void> | undefined;
  let doc: Doc | undefined;
  try {
    const rows = await collectRows(table);
    sink.check();
    // Loaded here, not at the top: every subgraph loads common, few of them write PDFs.
    const PDFDocument = (await import('pdfkit')).default;
    doc = new PDFDocument({
      size: 'A4',
      layout: 'landscape',
      margin: MARGIN,
      font: REGULAR,
      lang: 'vi-VN',
      displayTitle: true,
      info: { Title: table.title, Subject: table.subtitle, Creator: 'Ansinh', Producer: 'Ansinh' },
    });
    const pdf = doc;
    copied = sink.copy(pdf).catch((error: unknown) => sink.fail(error));
    const { columns } = table;
    const pageWidth = pdf.page.width;
    const pageHeight = pdf.page.height;
    const tableWidth = pageWidth - 2 * MARGIN;
    const shares = columns.map(columnWidth);
    const totalShare = shares.reduce((sum, share) => sum + share, 0) || 1;
    const lefts: number[] = [];
    const widths = shares.map((share) => (share / totalShare) * tableWidth);
    widths.reduce((left, width) => (lefts.push(left), left + width), MARGIN);
    const bottom = pageHeight - MARGIN - FOOTER_HEIGHT;

    pdf.font(BOLD).fontSize(TITLE_SIZE);
    const titleLines = wrapped(pdf, table.title, tableWidth, 2);
    pdf.font(REGULAR).fontSize(SUBTITLE_SIZE);
    const subtitleLines = wrapped(pdf, table.subtitle, tableWidth, 2);
    pdf.font(BOLD).fontSize(BODY_SIZE);
    const headerLines = columns.map((column, index) =>
      wrapped(pdf, column.header, widths[index]! - 2 * PADDING, MAX_HEADER_LINES),
    );
    const bodyLine = BODY_SIZE * LINE_GAP;
    const headerHeight = Math.max(1, ...headerLines.map((lines) => lines.length)) * bodyLine + 2 * PADDING;
    const firstTableTop =
      MARGIN +
      titleLines.length * TITLE_SIZE * LINE_GAP +
      subtitleLines.length * SUBTITLE_SIZE * LINE_GAP +
      8;
    const totals = new ReportTotals(table);
    for (const values of rows) totals.add(values);
    const lineCount = rows.length + (totals.present ? 1 : 0);
    const firstPageRows = Math.max(1, Math.floor((bottom - firstTableTop - headerHeight) / ROW_HEIGHT));
    const pageRows = Math.max(1, Math.floor((bottom - MARGIN - headerHeight) / ROW_HEIGHT));
    const pageCount = lineCount <= firstPageRows ? 1 : 1 + Math.ceil((lineCount - firstPageRows) / pageRows);

    const draw = (line: Line, left: number, width: number, top: number) => {
      if (!line.text) return;
      pdf.font(line.bold ? BOLD : REGULAR).fontSize(BODY_SIZE);
      const room = width - 2 * PADDING;
      let text = line.text;
      if (line.align === 'right' && pdf.widthOfString(text) > room) {
        // A number is set smaller before it is cut: a cut number would read as another number.
        let size = BODY_SIZE;
        while (size > SMALLEST_NUMBER_SIZE && pdf.widthOfString(text) > room) pdf.fontSize((size -= 0.5));
      }
      text = fitted(pdf, text, room);
      const textWidth = pdf.widthOfString(text);
      const x =
        line.align === 'right'
          ? left + width - PADDING - textWidth
          : line.align === 'center'
            ? left + (width - textWidth) / 2
            : left + PADDING;
      pdf.text(text, x, top, { lineBreak: false });
    };

    let page = 1;
    let tableTop = firstTableTop;
    let y = tableTop;
    const startTable = () => {
      pdf.rect(MARGIN, tableTop, tableWidth, headerHeight).fill(HEADER_FILL);
      pdf.fillColor('black');
      headerLines.forEach((lines, index) => {
        const textTop = tableTop + (headerHeight - lines.length * bodyLine) / 2;
        lines.forEach((text, at) =>
          draw({ text, align: 'center', bold: true }, lefts[index]!, widths[index]!, textTop + at * bodyLine),
        );
      });
      y = tableTop + headerHeight;
      pdf.lineWidth(0.5).strokeColor(GRID);
      pdf
        .moveTo(MARGIN, tableTop)
        .lineTo(MARGIN + tableWidth, tableTop)
        .stroke();
      pdf
        .moveTo(MARGIN, y)
        .lineTo(MARGIN + tableWidth, y)
        .stroke();
    };
    const endPage = () => {
      pdf.lineWidth(0.5).strokeColor(GRID);
      for (const left of [...lefts, MARGIN + tableWidth]) pdf.moveTo(left, tableTop).lineTo(left, y).stroke();
      pdf.font(REGULAR).fontSize(BODY_SIZE).fillColor('black');
      const number = `Trang ${page}/${pageCount}`;
      pdf.text(number, (pageWidth - pdf.widthOfString(number)) / 2, pageHeight - MARGIN - BODY_SIZE, {
        lineBreak: false,
      });
    };
    const drawRow = (cells: Line[], bold: boolean) => {
      if (y + ROW_HEIGHT > bottom) {
        endPage();
        pdf.addPage();
        page++;
        tableTop = MARGIN;
        startTable();
      }
      const textTop = y + (ROW_HEIGHT - BODY_SIZE * 1.16) / 2;
      cells.forEach((cell, index) => draw({ ...cell, bold }, lefts[index]!, widths[index]!, textTop));
      y += ROW_HEIGHT;
      pdf.lineWidth(bold ? 1 : 0.25).strokeColor(GRID);
      pdf
        .moveTo(MARGIN, y)
        .lineTo(MARGIN + tableWidth, y)
        .stroke();
    };

    pdf.fillColor('black').font(BOLD).fontSize(TITLE_SIZE);
    titleLines.forEach((text, at) =>
      pdf.text(text, MARGIN, MARGIN + at * TITLE_SIZE * LINE_GAP, { lineBreak: false }),
    );
    pdf.font(REGULAR).fontSize(SUBTITLE_SIZE);
    const subtitleTop = MARGIN + titleLines.length * TITLE_SIZE * LINE_GAP;
    subtitleLines.forEach((text, at) =>
      pdf.text(text, MARGIN, subtitleTop + at * SUBTITLE_SIZE * LINE_GAP, { lineBreak: false }),
    );
    startTable();
    for (let index = 0; index < rows.length; index++) {
      const values = rows[index]!;
      drawRow(
        columns.map((column, at) => pdfCell(values[at], column)),
        false,
      );
      // Let the pages written so far reach the target.
      if (index % pageRows === pageRows - 1) {
        sink.check();
        await nextTurn();
      }
    }
    if (totals.present) {
      const cells = totals.cells();
      drawRow(
        columns.map((column, at) => pdfCell(cells[at], column, true)),
        true,
      );
    }
    endPage();
    pdf.end();
    await Promise.race([copied, sink.failed]);
    await sink.end();
    return { rowCount: rows.length };
  } catch (error) {
    sink.fail(error);
    doc?.destroy();
    await copied;
    sink.abandon();
    throw error;
  } finally {
    sink.dispose();
  }
}
