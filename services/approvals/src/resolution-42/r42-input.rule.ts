import { badInput, cleanText, todayInVietnam } from '@ansinh/common';

/** Resolution 42/NQ-CP was adopted on 9 April 2020: no list was approved before. */
export const R42_FIRST_DECISION_DATE = '2020-04-09';
export const R42_CATEGORY_CODE_FORMAT = /^[a-z0-9][a-z0-9.-]{0,29}$/;
export const MAX_ROWS_PAGE = 500;
export const DEFAULT_ROWS_PAGE = 100;
export const MAX_ROWS_OFFSET = 1_000_000;

/** Số quyết định: 1 to 60 characters of one line (`125/QĐ-UBND`). */
export function decisionNumberOf(value: string, field = 'decisionNumber'): string {
  const result = cleanText(value, { label: 'Số quyết định', kind: 'line', maxLength: 60 });
  if (!result.ok) throw badInput(field, result.message);
  if (result.text === '') throw badInput(field, 'Thiếu số quyết định phê duyệt danh sách.');
  return result.text;
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Ngày quyết định: a real date `YYYY-MM-DD`, from the resolution's date to today. */
export function decisionDateOf(value: string, field = 'decisionDate', todayIso = todayInVietnam()): string {
  const match = value.length <= 10 ? ISO_DATE.exec(value) : null;
  const date = match && new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
  if (!match || !date || date.toISOString().slice(0, 10) !== value)
    throw badInput(field, 'Ngày quyết định phải là ngày có thật, dạng YYYY-MM-DD (vd 2020-05-15).');
  if (value < R42_FIRST_DECISION_DATE)
    throw badInput(field, 'Ngày quyết định trước ngày ban hành Nghị quyết 42/NQ-CP (09/04/2020).');
  if (value > todayIso) throw badInput(field, 'Ngày quyết định ở tương lai.');
  return value;
}

/** `first` (1 to 500, default 100) and `offset` (0 to 1,000,000) of a page of rows. */
export function rowsPageOf(
  first: number | null | undefined,
  offset: number | null | undefined,
): { first: number; offset: number } {
  const size = first ?? DEFAULT_ROWS_PAGE;
  if (!Number.isInteger(size) || size < 1 || size > MAX_ROWS_PAGE)
    throw badInput('first', `Mỗi lần đọc từ 1 đến ${MAX_ROWS_PAGE} dòng.`);
  const skip = offset ?? 0;
  if (!Number.isInteger(skip) || skip < 0 || skip > MAX_ROWS_OFFSET)
    throw badInput('offset', `Vị trí bắt đầu phải từ 0 đến ${MAX_ROWS_OFFSET}.`);
  return { first: size, offset: skip };
}
