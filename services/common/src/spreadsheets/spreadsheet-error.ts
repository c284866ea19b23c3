export type SpreadsheetErrorCode =
  /** Neither CSV text nor an XLSX workbook (PDF, Word, picture, old .xls, random bytes...). */
  | 'NOT_A_SPREADSHEET'
  /** No cell has anything in it. */
  | 'EMPTY'
  /** None of the first rows names our columns. */
  | 'NO_HEADER'
  /** A required column (Họ và tên, Ngày sinh) is not there (the reader of the list decides which are required). */
  | 'MISSING_COLUMN'
  /** The user assigned a column the file does not have. */
  | 'ASSIGNED_COLUMN_NOT_FOUND'
  /** CSV text not in UTF-8 or UTF-16 (TCVN3, VNI, Windows-1258). */
  | 'UNSUPPORTED_ENCODING'
  /** The file is a spreadsheet but breaks off or is corrupt past its header. */
  | 'BROKEN_FILE'
  /** Past a limit of SpreadsheetLimits: decompressed size, rows, cells, shared strings, time (a bomb, or too big a list). */
  | 'TOO_LARGE';

/** Why a file cannot be read as a list (of persons, of supports...); `message` is for the official, in Vietnamese. */
export class SpreadsheetError extends Error {
  readonly code: SpreadsheetErrorCode;

  constructor(code: SpreadsheetErrorCode, message: string, options: { cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'SpreadsheetError';
    this.code = code;
  }
}
