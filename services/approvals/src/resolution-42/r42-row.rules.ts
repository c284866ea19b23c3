import { cleanText, TEXT_LIMITS, type SpreadsheetCell, type TextRule } from '@ansinh/common';
import { R42_FIELD_LABELS, type R42Columns, type R42Field } from './r42-columns.ts';
import { foldText } from '@ansinh/common';

/** One person of a list, read and checked; the commune is still a code (resolved against the units). */
export type R42ParsedRow = {
  rowNumber: number;
  fullName: string;
  nameFolded: string;
  /** 12 digits; null when the row has none (or only an old 9-digit CMND, which cannot be matched on). */
  citizenId: string | null;
  /** `YYYY-MM-DD` when the day is known. */
  birthDate: string | null;
  birthYear: number;
  /** GSO code of the person's commune; null when the list has no such column or the cell is empty. */
  communeCode: string | null;
  /** Months supported (1 to the category's maximum); null when the list does not say. */
  months: number | null;
};

/** A problem of one cell, as the import report shows it. */
export type R42RowProblem = { row: number; column: string; message: string };

export type R42RowResult = { ok: true; row: R42ParsedRow } | { ok: false; problems: R42RowProblem[] };

export type R42RowContext = {
  /** Months a row may have (the category's `max_months`). */
  maxMonths: number;
  /** Today in Vietnam, `YYYY-MM-DD`: no one is born after it. */
  todayIso: string;
};

const NAME_RULE: TextRule = { label: 'Họ và tên', kind: 'name', maxLength: TEXT_LIMITS.name };
/** Cells with a format of their own are bounded first, so that no message repeats a huge value. */
const SHORT_RULE = (label: string): TextRule => ({ label, kind: 'line', maxLength: 30 });

const MS_PER_DAY = 86_400_000;
/** Days from 1899-12-30 (Excel's day 0) to 1970-01-01. */
const EXCEL_EPOCH_DAYS = 25_569;
/** 31 December 9999 in Excel. */
const LAST_EXCEL_SERIAL = 2_958_465;
const DAY_FIRST = /^(\d{1,2})([/.-])(\d{1,2})\2(\d{4})$/;
const YEAR_FIRST = /^(\d{4})-(\d{1,2})-(\d{1,2})$/;
const YEAR_ONLY = /^\d{4}$/;
const EARLIEST_YEAR = 1900;

const pad = (value: number, width: number) => String(value).padStart(width, '0');

type Birth = { birthDate: string | null; birthYear: number };

const BIRTH_FORMATS =
  'Ngày sinh không đúng định dạng: ghi ngày/tháng/năm (vd 05/03/1960) hoặc chỉ năm sinh (vd 1960).';

function birthOfDay(year: number, month: number, day: number, todayIso: string): Birth | string {
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day)
    return `Ngày sinh ${pad(day, 2)}/${pad(month, 2)}/${year} không có thật.`;
  const iso = `${year}-${pad(month, 2)}-${pad(day, 2)}`;
  if (year < EARLIEST_YEAR) return `Năm sinh ${year} trước năm ${EARLIEST_YEAR}.`;
  if (iso > todayIso) return `Ngày sinh ${pad(day, 2)}/${pad(month, 2)}/${year} ở tương lai.`;
  return { birthDate: iso, birthYear: year };
}

function birthOfYear(year: number, todayIso: string): Birth | string {
  if (year < EARLIEST_YEAR) return `Năm sinh ${year} trước năm ${EARLIEST_YEAR}.`;
  if (String(year) > todayIso.slice(0, 4)) return `Năm sinh ${year} ở tương lai.`;
  return { birthDate: null, birthYear: year };
}

/** A birth as lists give it: an Excel date, a year, an Excel day number, or text `dd/mm/yyyy`, `yyyy-mm-dd`, `yyyy`. */
export function readBirth(cell: SpreadsheetCell, todayIso: string): Birth | string {
  if (cell === null) return 'Thiếu ngày sinh.';
  if (cell instanceof Date) {
    if (Number.isNaN(cell.getTime())) return BIRTH_FORMATS;
    // Readers give UTC or local midnight: noon of the same day either way.
    const noon = new Date(cell.getTime() + MS_PER_DAY / 2);
    return birthOfDay(noon.getUTCFullYear(), noon.getUTCMonth() + 1, noon.getUTCDate(), todayIso);
  }
  if (typeof cell === 'number') {
    if (Number.isInteger(cell) && cell >= 1000 && cell <= 9999) return birthOfYear(cell, todayIso);
    if (!(cell >= 1 && cell <= LAST_EXCEL_SERIAL)) return BIRTH_FORMATS;
    const date = new Date((Math.floor(cell) - EXCEL_EPOCH_DAYS) * MS_PER_DAY);
    return birthOfDay(date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate(), todayIso);
  }
  const cleaned = cleanText(cell, SHORT_RULE(R42_FIELD_LABELS.birthDate));
  if (!cleaned.ok) return cleaned.message;
  const text = cleaned.text;
  if (text === '') return 'Thiếu ngày sinh.';
  if (YEAR_ONLY.test(text)) return birthOfYear(Number(text), todayIso);
  let match = DAY_FIRST.exec(text);
  if (match) return birthOfDay(Number(match[4]), Number(match[3]), Number(match[1]), todayIso);
  match = YEAR_FIRST.exec(text);
  if (match) return birthOfDay(Number(match[1]), Number(match[2]), Number(match[3]), todayIso);
  return BIRTH_FORMATS;
}

/**
 * The digits of an identity number: separators (spaces, dots, dashes) dropped, and the leading 0 that
 * Excel drops from a number put back (11 digits → a CCCD, 8 → an old CMND). A 9-digit CMND is no CCCD:
 * the row is matched by name, birth and commune.
 */
export function readCitizenId(cell: SpreadsheetCell): { citizenId: string | null } | string {
  if (cell === null) return { citizenId: null };
  let digits: string;
  if (typeof cell === 'number') {
    if (!Number.isInteger(cell) || cell < 0) return 'Số CCCD phải gồm 12 chữ số.';
    digits = String(cell);
    if (digits.length === 11) digits = `0${digits}`;
    if (digits.length === 8) digits = `0${digits}`;
  } else if (cell instanceof Date) {
    return 'Số CCCD phải gồm 12 chữ số.';
  } else {
    const cleaned = cleanText(cell, SHORT_RULE(R42_FIELD_LABELS.citizenId));
    if (!cleaned.ok) return cleaned.message;
    digits = cleaned.text.replace(/[\s.-]/g, '');
    if (digits === '') return { citizenId: null };
    if (!/^\d+$/.test(digits)) return 'Số CCCD chỉ gồm chữ số.';
  }
  if (digits.length === 12) return { citizenId: digits };
  if (digits.length === 9) return { citizenId: null };
  return `Số CCCD phải gồm 12 chữ số (số CMND cũ 9 chữ số cũng được nhận), ở đây có ${digits.length}.`;
}

/** A commune's GSO code: 5 digits (Excel drops leading zeros: 1 → 00001). */
export function readCommuneCode(cell: SpreadsheetCell): { communeCode: string | null } | string {
  if (cell === null) return { communeCode: null };
  if (typeof cell === 'number') {
    if (!Number.isInteger(cell) || cell < 1 || cell > 99_999) return 'Mã xã phải gồm 5 chữ số.';
    return { communeCode: pad(cell, 5) };
  }
  if (cell instanceof Date) return 'Mã xã phải gồm 5 chữ số.';
  const cleaned = cleanText(cell, SHORT_RULE(R42_FIELD_LABELS.communeCode));
  if (!cleaned.ok) return cleaned.message;
  if (cleaned.text === '') return { communeCode: null };
  if (!/^\d{5}$/.test(cleaned.text)) return `Mã xã "${cleaned.text}" phải gồm đúng 5 chữ số.`;
  return { communeCode: cleaned.text };
}

/** Months supported: a whole number from 1 to the category's maximum. */
export function readMonths(cell: SpreadsheetCell, maxMonths: number): { months: number | null } | string {
  if (cell === null) return { months: null };
  let value: number;
  if (typeof cell === 'number') value = cell;
  else if (cell instanceof Date) return `Số tháng phải là số nguyên từ 1 đến ${maxMonths}.`;
  else {
    const cleaned = cleanText(cell, SHORT_RULE(R42_FIELD_LABELS.months));
    if (!cleaned.ok) return cleaned.message;
    if (cleaned.text === '') return { months: null };
    value = /^\d{1,2}$/.test(cleaned.text) ? Number(cleaned.text) : Number.NaN;
  }
  if (!Number.isInteger(value) || value < 1 || value > maxMonths)
    return `Số tháng phải là số nguyên từ 1 đến ${maxMonths}.`;
  return { months: value };
}

/** Reads and checks one row; every problem of the row is reported, with the column it is in. */
export function parseR42Row(
  rowNumber: number,
  cells: readonly SpreadsheetCell[],
  columns: R42Columns,
  context: R42RowContext,
): R42RowResult {
  const problems: R42RowProblem[] = [];
  const cellOf = (field: R42Field): SpreadsheetCell => {
    const index = columns.index.get(field);
    return index === undefined ? null : (cells[index] ?? null);
  };
  const problem = (field: R42Field, message: string) =>
    problems.push({ row: rowNumber, column: R42_FIELD_LABELS[field], message });

  let fullName = '';
  const nameCell = cellOf('fullName');
  if (nameCell === null) problem('fullName', 'Thiếu họ và tên.');
  else {
    const cleaned = cleanText(nameCell instanceof Date ? '' : String(nameCell), NAME_RULE);
    if (!cleaned.ok) problem('fullName', cleaned.message);
    else if (cleaned.text === '') problem('fullName', 'Thiếu họ và tên.');
    else if (!/\p{L}/u.test(cleaned.text)) problem('fullName', 'Họ và tên phải có chữ cái.');
    else fullName = cleaned.text;
  }
  const birth = readBirth(cellOf('birthDate'), context.todayIso);
  if (typeof birth === 'string') problem('birthDate', birth);
  const citizen = readCitizenId(cellOf('citizenId'));
  if (typeof citizen === 'string') problem('citizenId', citizen);
  const commune = readCommuneCode(cellOf('communeCode'));
  if (typeof commune === 'string') problem('communeCode', commune);
  const months = readMonths(cellOf('months'), context.maxMonths);
  if (typeof months === 'string') problem('months', months);

  if (
    problems.length > 0 ||
    typeof birth === 'string' ||
    typeof citizen === 'string' ||
    typeof commune === 'string' ||
    typeof months === 'string'
  )
    return { ok: false, problems };
  return {
    ok: true,
    row: {
      rowNumber,
      fullName,
      nameFolded: foldText(fullName),
      citizenId: citizen.citizenId,
      birthDate: birth.birthDate,
      birthYear: birth.birthYear,
      communeCode: commune.communeCode,
      months: months.months,
    },
  };
}
