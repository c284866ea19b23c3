import { SpreadsheetError } from '@ansinh/common';
import { foldText } from '@ansinh/common';

/** The columns a Resolution 42 list is read by. */
export const R42_FIELDS = ['fullName', 'birthDate', 'citizenId', 'communeCode', 'months'] as const;
export type R42Field = (typeof R42_FIELDS)[number];

/** How the official's form names each column: the first is the name messages use. */
export const R42_FIELD_LABELS: Record<R42Field, string> = {
  fullName: 'Họ và tên',
  birthDate: 'Ngày sinh',
  citizenId: 'Số CCCD/Số định danh',
  communeCode: 'Mã xã',
  months: 'Số tháng',
};

/**
 * Headers of the lists communes and districts kept in 2020 (forms of Decision 15/2020/QĐ-TTg and the
 * provinces' own), compared without accents, case or punctuation.
 */
const ALIASES: Record<R42Field, readonly string[]> = {
  fullName: [
    'Họ và tên',
    'Họ tên',
    'Họ và tên đối tượng',
    'Họ và tên người được hỗ trợ',
    'Họ và tên người lao động',
    'Họ và tên chủ hộ',
    'Tên đối tượng',
  ],
  birthDate: ['Ngày sinh', 'Ngày tháng năm sinh', 'Ngày, tháng, năm sinh', 'Ngày/tháng/năm sinh', 'Năm sinh'],
  citizenId: [
    'Số CCCD/Số định danh',
    'Số CCCD',
    'CCCD',
    'Số căn cước công dân',
    'Số căn cước',
    'Số định danh',
    'Số định danh cá nhân',
    'Mã định danh',
    'Số CCCD/CMND',
    'Số CMND/CCCD',
    'CCCD/CMND',
    'CMND/CCCD',
  ],
  communeCode: ['Mã xã', 'Mã xã/phường', 'Mã xã, phường', 'Mã đơn vị', 'Mã ĐVHC', 'Mã đơn vị hành chính'],
  months: ['Số tháng', 'Số tháng hỗ trợ', 'Số tháng được hỗ trợ', 'Số tháng hưởng'],
};

/** `Ngày, tháng, năm sinh` → `ngay thang nam sinh`. */
export function headerKey(header: string): string {
  return foldText(header)
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

const FIELD_OF_KEY = new Map<string, R42Field>();
for (const field of R42_FIELDS) for (const alias of ALIASES[field]) FIELD_OF_KEY.set(headerKey(alias), field);

/** The field a header names, if any. */
export function fieldOfHeader(header: string): R42Field | undefined {
  return FIELD_OF_KEY.get(headerKey(header));
}

/** For the spreadsheet reader: whether a header is one of ours. */
export const isR42Header = (header: string): boolean => fieldOfHeader(header) !== undefined;

export type R42Columns = {
  /** Field → index of its column in the row's cells. */
  index: Map<R42Field, number>;
  /** Headers of the file that are not read (STT, Số tiền, Ghi chú...). */
  ignored: string[];
};

/**
 * The columns of a list by its headers: the first column naming a field fills it. Refuses a list
 * without `Họ và tên` or `Ngày sinh` (a person is matched by them when there is no CCCD).
 */
export function mapR42Columns(headers: readonly string[]): R42Columns {
  const index = new Map<R42Field, number>();
  const ignored: string[] = [];
  headers.forEach((header, position) => {
    const field = fieldOfHeader(header);
    if (field !== undefined && !index.has(field)) index.set(field, position);
    else if (header !== '') ignored.push(header);
  });
  const missing = (['fullName', 'birthDate'] as const).filter((field) => !index.has(field));
  if (missing.length > 0) {
    throw new SpreadsheetError(
      'MISSING_COLUMN',
      `Danh sách thiếu cột ${missing.map((field) => `"${R42_FIELD_LABELS[field]}"`).join(' và ')}.`,
    );
  }
  return { index, ignored };
}
