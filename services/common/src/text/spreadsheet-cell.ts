/**
 * Text a spreadsheet would run as a formula when it opens a file we wrote (OWASP "CSV injection"): a
 * value starting with `=`, `+`, `-`, `@`, a tab or a carriage return (and their full-width forms, which
 * some spreadsheet programs read the same way).
 */
const FORMULA_START = /^[=+\-@\t\r\uff1d\uff0b\uff0d\uff20]/;

/**
 * A text cell as it may be written to a file that people open in a spreadsheet program: a leading
 * apostrophe when it would otherwise start a formula, so that it shows as the text it is. Names can
 * never start so (they start with a letter); addresses, file headers and messages can.
 */
export function neutralizeFormula(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}

/** Whether a text cell read back from a file starts with the apostrophe neutralizeFormula added. */
export function isNeutralizedFormula(text: string): boolean {
  return text.length > 1 && text.charCodeAt(0) === 39 && FORMULA_START.test(text.slice(1));
}

/** Any cell value for a spreadsheet: text neutralised, numbers, dates and empty cells as they are. */
export function spreadsheetValue<T>(value: T): T | string {
  return typeof value === 'string' ? neutralizeFormula(value) : value;
}

/** One field of a CSV line (RFC 4180 quoting), its text neutralised as for a spreadsheet. */
export function csvField(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  const text = typeof value === 'number' ? String(value) : neutralizeFormula(value);
  return /[",;\r\n]/.test(text) || text !== text.trim() ? `"${text.replace(/"/g, '""')}"` : text;
}
