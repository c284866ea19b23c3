import { SpreadsheetError } from './spreadsheet-error.ts';

/** How much of a spreadsheet an import reads before refusing it; every limit holds for CSV and XLSX alike where it applies. */
export type SpreadsheetLimits = {
  /** Data rows (empty rows not counted): a province's list is a few hundred thousand persons. */
  maxRows: number;
  /** Cells of all rows together, empty ones inside a row included. */
  maxCells: number;
  /** Entries of an XLSX's shared-strings table, which is kept in memory whole. */
  maxSharedStrings: number;
  /** Decompressed bytes of the shared-strings part. */
  maxSharedStringsBytes: number;
  /** Decompressed bytes of the worksheet part, which is streamed. */
  maxWorksheetBytes: number;
  /** Decompressed bytes of every part read together. */
  maxTotalBytes: number;
  /** Bytes of an XLSX handed as a stream, kept in a temporary file while read. */
  maxFileBytes: number;
  /** Seconds from opening to the last row. */
  maxSeconds: number;
};

const MiB = 1024 * 1024;

/**
 * Well above a province's list of a few hundred thousand persons, and within a service's memory:
 * the shared strings of 1,000,000 rows of distinct names and CCCDs take about 100 MB of XML, about
 * twice that in memory.
 */
/** Rows above the data a file may have: the header is looked for among the first this many. */
export const HEADER_AND_TITLE_ROWS = 10;

export const DEFAULT_SPREADSHEET_LIMITS: Readonly<SpreadsheetLimits> = {
  maxRows: 1_000_000,
  maxCells: 40_000_000,
  maxSharedStrings: 4_000_000,
  maxSharedStringsBytes: 160 * MiB,
  maxWorksheetBytes: 2048 * MiB,
  maxTotalBytes: 2304 * MiB,
  maxFileBytes: 512 * MiB,
  maxSeconds: 600,
};

export function spreadsheetLimits(overrides: Partial<SpreadsheetLimits> = {}): SpreadsheetLimits {
  const limits = { ...DEFAULT_SPREADSHEET_LIMITS };
  for (const key of Object.keys(limits) as (keyof SpreadsheetLimits)[]) {
    const value = overrides[key];
    if (value !== undefined) {
      if (!(value > 0)) throw new RangeError(`spreadsheet limit ${key} must be positive`);
      limits[key] = value;
    }
  }
  return limits;
}

/** 1000000 → "1.000.000", as Vietnamese writes numbers. */
export function vietnameseNumber(value: number): string {
  return Math.floor(value)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, '.');
}

/** What one reading of a file has used of its limits; each count refuses the file once past its limit. */
export class ReadingBudget {
  readonly limits: SpreadsheetLimits;
  readonly fileLabel: string;
  private readonly deadline: number;
  private rows = 0;
  private cells = 0;
  private bytes = 0;

  constructor(limits: SpreadsheetLimits, fileLabel: string) {
    this.limits = limits;
    this.fileLabel = fileLabel;
    this.deadline = performance.now() + limits.maxSeconds * 1000;
  }

  tooLarge(detail: string): SpreadsheetError {
    return new SpreadsheetError('TOO_LARGE', `${this.fileLabel} ${detail}`);
  }

  decompressedTooLarge(limitBytes: number): SpreadsheetError {
    return this.tooLarge(
      `khi giải nén lớn hơn mức cho phép (${vietnameseNumber(limitBytes / MiB)} MB): tệp bị hỏng hoặc bị cố ý làm phình to. Nếu đây là danh sách thật, hãy chia thành nhiều tệp nhỏ hơn hoặc lưu dưới dạng CSV UTF-8.`,
    );
  }

  checkTime(): void {
    if (performance.now() > this.deadline) {
      throw this.tooLarge(
        `đọc quá ${vietnameseNumber(this.limits.maxSeconds)} giây mà chưa xong: hãy chia danh sách thành nhiều tệp nhỏ hơn.`,
      );
    }
  }

  addBytes(count: number): void {
    this.bytes += count;
    if (this.bytes > this.limits.maxTotalBytes) throw this.decompressedTooLarge(this.limits.maxTotalBytes);
  }

  /**
   * A row with data, of `width` cells. The header and a title above it are rows too: they are allowed
   * on top of `maxRows` (the rows of persons), so that a list of exactly `maxRows` persons is read.
   */
  addRow(width: number): void {
    if (++this.rows > this.limits.maxRows + HEADER_AND_TITLE_ROWS) {
      throw this.tooLarge(
        `có hơn ${vietnameseNumber(this.limits.maxRows)} dòng, quá giới hạn của một lần nhập: hãy chia danh sách thành nhiều tệp.`,
      );
    }
    if ((this.rows & 0xff) === 0) this.checkTime();
    this.addCells(width);
  }

  addCells(count: number): void {
    this.cells += count;
    if (this.cells > this.limits.maxCells) {
      throw this.tooLarge(
        `có hơn ${vietnameseNumber(this.limits.maxCells)} ô, quá giới hạn của một lần nhập: hãy bỏ các cột không cần hoặc chia danh sách thành nhiều tệp.`,
      );
    }
  }
}
