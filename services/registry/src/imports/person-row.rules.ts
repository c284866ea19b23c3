import {
  cleanText,
  isNeutralizedFormula,
  todayInVietnam,
  type TextRule,
  foldText,
} from '@ansinh/common/standalone';
import type { PaymentAccountKind } from '../accounts/payment-account.entity.ts';
import { accountNumberOf, holderNameOf, unknownProvider } from '../accounts/payment-account.rules.ts';
import { ethnicityCodeOf } from '../code-lists/ethnicities.ts';
import { paymentProviderOf, type PaymentProvider } from '../code-lists/payment-providers.ts';
import type { PovertyStatus } from '../households/household.entity.ts';
import { checkPoverty } from '../households/household.rules.ts';
import { genderInCitizenId, parseCitizenId } from '../persons/citizen-id.rule.ts';
import type { Gender, PersonStatus, RelationToHead } from '../persons/person.entity.ts';
import {
  BIRTH_DATE_FORMATS,
  BIRTH_DATE_MISSING,
  birthDateOfDay,
  birthDayOf,
  birthYearOnly,
  checkResidenceUnitCode,
  FULL_NAME_MISSING,
  parseBirthDate,
  type NewPerson,
  parseOldIdNumber,
  yearOf,
} from '../persons/person.rules.ts';
import { PHONE_PROBLEM, phoneNumberOf } from '../persons/phone.rule.ts';
import { digitsOf } from '../text/digits.ts';
import { FIELD_TEXT, type FieldProblem } from '../text/field-text.ts';
import { CANONICAL_FIELDS, FIELD_LABELS, type CanonicalField, type ColumnMap } from './column-mapping.ts';
import type { SpreadsheetCell } from '@ansinh/common/standalone';

// A row of a spreadsheet is a person, a household and an account: checked by the same rules as the
// API's (persons/person.rules.ts, households/household.rules.ts, accounts/payment-account.rules.ts).
// What this file adds is the reading of cells: a value written as officials write it in a list
// (`Nam`, `Hộ nghèo`, `Agribank`), what Excel did to it (a lost leading 0, a number in exponent form,
// a date as a serial), and problems under the file's own column names.

export type ImportedAccount = {
  kind: PaymentAccountKind;
  providerCode: string;
  accountNumber: string;
  holderName: string;
};

/** A person of a row: the person the API would store (person.rules.ts), with their household and account. */
export type ImportedPerson = NewPerson & {
  householdCode: string | null;
  relationToHead: RelationToHead | null;
  povertyStatus: PovertyStatus;
  povertyYear: number | null;
  account: ImportedAccount | null;
  status: PersonStatus;
};

/** `column` is the header as written in the file (the field's label when the file has no such column). */
export type RowProblem = { column: string; field: CanonicalField; message: string };

export type PersonRowResult = { ok: true; row: ImportedPerson } | { ok: false; problems: RowProblem[] };

export type PersonRowOptions = {
  /** Now: birth dates after today in Vietnam are refused. */
  today: Date;
  /** The commune of persons whose row gives none (no `Mã xã` column, or an empty cell). */
  defaultUnitCode?: string | undefined;
};

export type CellsByField = Partial<Record<CanonicalField, SpreadsheetCell | undefined>>;

/** One row given field by field; `columnNames` are the file's headers, for the problems. */
export function parsePersonRow(
  cells: CellsByField,
  options: PersonRowOptions & { columnNames?: Partial<Record<CanonicalField, string>> | undefined },
): PersonRowResult {
  const values = CANONICAL_FIELDS.map((field) => cells[field]);
  const columnNames = CANONICAL_FIELDS.map((field) => options.columnNames?.[field] ?? FIELD_LABELS[field]);
  return parseFieldValues(values, contextOf(options, columnNames));
}

/**
 * The parser for the rows of one file, its columns mapped: takes a row's cells as they come
 * (`SpreadsheetRow.cells`). Faster than parsePersonRow over many rows: nothing is built per row
 * but the result.
 */
export function personRowParser(
  columnMap: ColumnMap,
  options: PersonRowOptions,
): (cells: readonly SpreadsheetCell[]) => PersonRowResult {
  const columnIndexes = CANONICAL_FIELDS.map(() => -1);
  const columnNames = CANONICAL_FIELDS.map((field) => FIELD_LABELS[field]);
  for (const column of columnMap.columns) {
    const fieldIndex = CANONICAL_FIELDS.indexOf(column.field);
    columnIndexes[fieldIndex] = column.columnIndex;
    columnNames[fieldIndex] = column.header;
  }
  const context = contextOf(options, columnNames);
  const values: (SpreadsheetCell | undefined)[] = CANONICAL_FIELDS.map(() => null);
  return (cells) => {
    for (let field = 0; field < values.length; field++) {
      const columnIndex = columnIndexes[field]!;
      values[field] = columnIndex < 0 ? null : cells[columnIndex];
    }
    return parseFieldValues(values, context);
  };
}

type ParseContext = {
  todayIso: string;
  currentYear: number;
  defaultUnitCode: string | undefined;
  columnNames: readonly string[];
};

let lastTodayTime = Number.NaN;
let lastTodayIso = '';

function contextOf(options: PersonRowOptions, columnNames: readonly string[]): ParseContext {
  // Formatting today in Vietnam's time zone costs more than the rest of a row: once per day given.
  if (options.today.getTime() !== lastTodayTime) {
    lastTodayTime = options.today.getTime();
    lastTodayIso = todayInVietnam(options.today);
  }
  return {
    todayIso: lastTodayIso,
    currentYear: Number(lastTodayIso.slice(0, 4)),
    defaultUnitCode: options.defaultUnitCode,
    columnNames,
  };
}

const FULL_NAME = CANONICAL_FIELDS.indexOf('fullName');
const BIRTH_DATE = CANONICAL_FIELDS.indexOf('birthDate');
const GENDER = CANONICAL_FIELDS.indexOf('gender');
const ETHNICITY = CANONICAL_FIELDS.indexOf('ethnicity');
const CITIZEN_ID = CANONICAL_FIELDS.indexOf('citizenId');
const OLD_ID_NUMBER = CANONICAL_FIELDS.indexOf('oldIdNumber');
const PHONE = CANONICAL_FIELDS.indexOf('phone');
const RESIDENCE_UNIT_CODE = CANONICAL_FIELDS.indexOf('residenceUnitCode');
const ADDRESS = CANONICAL_FIELDS.indexOf('address');
const HOUSEHOLD_CODE = CANONICAL_FIELDS.indexOf('householdCode');
const RELATION_TO_HEAD = CANONICAL_FIELDS.indexOf('relationToHead');
const POVERTY_STATUS = CANONICAL_FIELDS.indexOf('povertyStatus');
const POVERTY_YEAR = CANONICAL_FIELDS.indexOf('povertyYear');
const ACCOUNT_KIND = CANONICAL_FIELDS.indexOf('accountKind');
const PROVIDER = CANONICAL_FIELDS.indexOf('provider');
const ACCOUNT_NUMBER = CANONICAL_FIELDS.indexOf('accountNumber');
const HOLDER_NAME = CANONICAL_FIELDS.indexOf('holderName');
const STATUS = CANONICAL_FIELDS.indexOf('status');

const UNREADABLE_CHARACTER = '\ufffd';

/** The text policy of each column (services/common/src/text), labelled as the import names the field. */
const CELL_TEXT: readonly TextRule[] = CANONICAL_FIELDS.map((field): TextRule => {
  const label = FIELD_LABELS[field];
  switch (field) {
    case 'fullName':
    case 'holderName':
      return { ...FIELD_TEXT.fullName, label };
    case 'address':
      return { ...FIELD_TEXT.address, label };
    case 'householdCode':
      return { ...FIELD_TEXT.householdCode, label };
    case 'birthDate':
    case 'citizenId':
    case 'oldIdNumber':
    case 'phone':
    case 'residenceUnitCode':
    case 'accountNumber':
      return { ...FIELD_TEXT[field], label };
    default:
      return { ...FIELD_TEXT.listValue, label };
  }
});

// The row being parsed: rows are parsed one at a time, synchronously, and build nothing for this.
let rowContext: ParseContext;
let rowProblems: RowProblem[] | null = null;
/** Text of each field's cell after the text policy ('' when empty or refused). */
const cellTexts: string[] = CANONICAL_FIELDS.map(() => '');
/** Fields whose text the policy refused (bit per field): their problem says all, no other is added. */
let refusedFields = 0;

function problem(field: number, message: string): void {
  if ((refusedFields & (1 << field)) !== 0) return;
  rowProblems ??= [];
  rowProblems.push({ column: rowContext.columnNames[field]!, field: CANONICAL_FIELDS[field]!, message });
}

/**
 * Every text cell of the row through the text policy: a bad cell (control, invisible or bidirectional
 * characters, too long, a name that is not one) is a problem of that row and column, never cleaned away.
 * An apostrophe that an import report put before a formula character (see neutralizeFormula) is taken off.
 */
function readCellTexts(values: readonly (SpreadsheetCell | undefined)[]): void {
  refusedFields = 0;
  for (let field = 0; field < values.length; field++) {
    const value = values[field];
    if (typeof value !== 'string') {
      cellTexts[field] = textOf(value);
      continue;
    }
    if (value.includes(UNREADABLE_CHARACTER)) {
      problem(field, 'Có ký tự không đọc được: tệp không được lưu bằng bảng mã UTF-8.');
      refusedFields |= 1 << field;
      cellTexts[field] = '';
      continue;
    }
    const result = cleanText(isNeutralizedFormula(value) ? value.slice(1) : value, CELL_TEXT[field]!);
    if (result.ok) {
      cellTexts[field] = result.text;
    } else {
      problem(field, result.message);
      refusedFields |= 1 << field;
      cellTexts[field] = '';
    }
  }
}

function parseFieldValues(
  values: readonly (SpreadsheetCell | undefined)[],
  context: ParseContext,
): PersonRowResult {
  rowContext = context;
  rowProblems = null;

  readCellTexts(values);

  const fullName = cellTexts[FULL_NAME]!;
  if (fullName === '') problem(FULL_NAME, FULL_NAME_MISSING.message);

  const genderText = cellTexts[GENDER]!;
  let gender: Gender = 'unknown';
  if (genderText !== '') {
    const known = genderOf(genderText);
    if (known === null)
      problem(GENDER, `Giới tính "${genderText}" không hợp lệ: ghi "Nam" hoặc "Nữ" (hoặc để trống).`);
    else gender = known;
  }

  const birth = readBirthDate(values[BIRTH_DATE], context);
  let birthYear = 0;
  let birthDate: string | null = null;
  if (typeof birth === 'string') {
    birthYear = yearOf(birth);
    birthDate = birthDayOf(birth);
  } else problem(BIRTH_DATE, birth.message);

  const ethnicityText = cellTexts[ETHNICITY]!;
  let ethnicityCode: string | null = null;
  if (ethnicityText !== '') {
    ethnicityCode = ethnicityCodeFor(ethnicityText);
    if (ethnicityCode === null) problem(ETHNICITY, `Không nhận ra dân tộc "${ethnicityText}".`);
  }

  const citizenIdText = cellTexts[CITIZEN_ID]!;
  let citizenId: string | null = null;
  if (citizenIdText !== '') {
    if (EXPONENT_NOTATION.test(citizenIdText)) {
      problem(CITIZEN_ID, exponentMessage('Số CCCD', citizenIdText));
    } else {
      const written = withoutTextMarker(citizenIdText);
      const digits = digitsOf(written);
      // Excel stores a CCCD typed as a number and drops its leading 0 (every province code starts with 0).
      const result = parseCitizenId(
        digits !== null && digits.length === 11 ? `0${digits}` : written,
        gender,
        typeof birth === 'string' ? birthYear : null,
      );
      if (typeof result !== 'string') {
        problem(CITIZEN_ID, result.message);
      } else {
        citizenId = result;
        // An empty Giới tính is filled from the CCCD, which encodes it.
        if (genderText === '') gender = genderInCitizenId(result);
      }
    }
  }

  const oldIdCell = values[OLD_ID_NUMBER];
  const oldIdText = cellTexts[OLD_ID_NUMBER]!;
  let oldIdNumber: string | null = null;
  if (oldIdText !== '') {
    if (EXPONENT_NOTATION.test(oldIdText)) {
      problem(OLD_ID_NUMBER, exponentMessage('Số CMND', oldIdText));
    } else {
      const written = withoutTextMarker(oldIdText);
      // As for the CCCD: CMND numbers of Hà Nội start with 0, which Excel drops from a number.
      const result = parseOldIdNumber(
        typeof oldIdCell === 'number' && written.length === 8 ? `0${written}` : written,
      );
      if (typeof result === 'string') oldIdNumber = result;
      else problem(OLD_ID_NUMBER, result.message);
    }
  }

  const phoneText = cellTexts[PHONE]!;
  let phone: string | null = null;
  if (phoneText !== '') {
    phone = cellPhoneNumber(phoneText);
    if (phone === null) problem(PHONE, PHONE_PROBLEM.message);
  }

  const unitCell = values[RESIDENCE_UNIT_CODE];
  let residenceUnitCode = cellTexts[RESIDENCE_UNIT_CODE]!;
  // A code typed as a number loses its leading zeros (Hà Nội's communes start with 000).
  if (typeof unitCell === 'number' && residenceUnitCode.length < 5 && ALL_DIGITS.test(residenceUnitCode)) {
    residenceUnitCode = residenceUnitCode.padStart(5, '0');
  }
  if (residenceUnitCode === '') residenceUnitCode = context.defaultUnitCode ?? '';
  const unitCodeProblem = checkResidenceUnitCode(residenceUnitCode);
  if (unitCodeProblem !== undefined) problem(RESIDENCE_UNIT_CODE, unitCodeProblem.message);

  const address = cellTexts[ADDRESS]! || null;
  const householdCode = cellTexts[HOUSEHOLD_CODE]! || null;
  const relationText = cellTexts[RELATION_TO_HEAD]!;
  const relationToHead = relationText === '' ? null : relationOf(relationText);

  const povertyText = cellTexts[POVERTY_STATUS]!;
  let povertyStatus: PovertyStatus = 'none';
  if (povertyText !== '') {
    const known = povertyStatusOf(povertyText);
    if (known === null) {
      problem(
        POVERTY_STATUS,
        `Không nhận ra phân loại hộ "${povertyText}": ghi "Hộ nghèo", "Hộ cận nghèo" hoặc để trống.`,
      );
    } else povertyStatus = known;
  }
  const povertyYearText = cellTexts[POVERTY_YEAR]!;
  let povertyYear: number | null = null;
  if (povertyYearText !== '')
    povertyYear = YEAR_ONLY.test(povertyYearText) ? yearOf(povertyYearText) : Number.NaN;
  const povertyProblem = checkPoverty(povertyStatus, povertyYear, context.currentYear);
  if (povertyProblem !== undefined) problem(POVERTY_YEAR, povertyProblem.message);

  const account = readAccount(values, fullName);

  const statusText = cellTexts[STATUS]!;
  let status: PersonStatus = 'living';
  if (statusText !== '') {
    const known = personStatusOf(statusText);
    if (known === null) {
      problem(
        STATUS,
        `Không nhận ra tình trạng "${statusText}": ghi "Đang hưởng", "Đã chết" hoặc "Chuyển đi".`,
      );
    } else status = known;
  }

  if (rowProblems !== null) return { ok: false, problems: rowProblems };
  return {
    ok: true,
    row: {
      fullName,
      birthYear,
      birthDate,
      gender,
      ethnicityCode,
      citizenId,
      oldIdNumber,
      phone,
      residenceUnitCode,
      address,
      householdCode,
      relationToHead,
      povertyStatus,
      povertyYear,
      account,
      status,
    },
  };
}

function readAccount(
  values: readonly (SpreadsheetCell | undefined)[],
  fullName: string,
): ImportedAccount | null {
  const kindText = cellTexts[ACCOUNT_KIND]!;
  const providerText = cellTexts[PROVIDER]!;
  const numberCell = values[ACCOUNT_NUMBER];
  const numberText = cellTexts[ACCOUNT_NUMBER]!;
  const kindWritten = kindText === '' ? undefined : accountKindOf(kindText);
  if (kindWritten === null) {
    problem(
      ACCOUNT_KIND,
      `Không nhận ra hình thức nhận "${kindText}": ghi "Ngân hàng", "Ví điện tử", "Mobile Money" hoặc "Tiền mặt".`,
    );
  }

  if (providerText === '' && numberText === '') {
    if (kindWritten === 'bank' || kindWritten === 'e_wallet' || kindWritten === 'mobile_money') {
      problem(ACCOUNT_NUMBER, `Hình thức nhận là "${kindText}" nhưng thiếu ngân hàng và số tài khoản.`);
    }
    return null;
  }

  if (kindWritten === 'cash') problem(ACCOUNT_KIND, 'Hình thức nhận là tiền mặt nhưng có ghi tài khoản.');
  let provider: PaymentProvider | null = null;
  if (providerText === '') {
    problem(ACCOUNT_NUMBER, 'Có số tài khoản nhưng thiếu tên ngân hàng hoặc nhà cung cấp.');
  } else {
    provider = providerOf(providerText);
    if (provider === null) problem(PROVIDER, unknownProvider(providerText).message);
  }
  if (numberText === '') problem(ACCOUNT_NUMBER, 'Thiếu số tài khoản.');
  if (provider === null || numberText === '') return null;

  if (
    (kindWritten === 'bank' || kindWritten === 'e_wallet' || kindWritten === 'mobile_money') &&
    kindWritten !== provider.kind
  ) {
    problem(ACCOUNT_KIND, `Hình thức nhận "${kindText}" không khớp với ${provider.name}.`);
    return null;
  }

  if (provider.kind === 'bank' && typeof numberCell === 'number' && numberCell >= 1e15) {
    problem(
      ACCOUNT_NUMBER,
      'Số tài khoản dài hơn 15 chữ số đã bị Excel làm tròn: hãy định dạng cột là Văn bản (Text) và nhập lại.',
    );
    return null;
  }
  if (EXPONENT_NOTATION.test(numberText)) {
    problem(ACCOUNT_NUMBER, exponentMessage('Số tài khoản', numberText));
    return null;
  }
  const written = withoutTextMarker(numberText);
  let accountNumber = accountNumberOf(provider, written);
  if (typeof accountNumber !== 'string' && provider.kind !== 'bank') {
    // A wallet is opened on a mobile number, whose leading 0 Excel drops from a number.
    const restored = withLostZero(written);
    if (restored !== null) accountNumber = accountNumberOf(provider, restored);
  }
  if (typeof accountNumber !== 'string') {
    problem(ACCOUNT_NUMBER, accountNumber.message);
    return null;
  }
  return {
    kind: provider.kind,
    providerCode: provider.code,
    accountNumber,
    holderName: holderNameOf(cellTexts[HOLDER_NAME], fullName),
  };
}

// --- text ---

const ALL_DIGITS = /^\d+$/;
const YEAR_ONLY = /^\d{4}$/;
const EXPONENT_NOTATION = /^\d(?:[.,]\d+)?e\+?\d+$/i;

/** A cell that is not text, as text: a number as written, a date as yyyy-mm-dd. */
function textOf(cell: Exclude<SpreadsheetCell, string> | undefined): string {
  if (cell === null || cell === undefined) return '';
  if (typeof cell === 'number') return String(cell);
  return Number.isNaN(cell.getTime()) ? '' : cell.toISOString().slice(0, 10);
}

/** A number kept as text in Excel (`'042…`): the apostrophe only says so. */
function withoutTextMarker(text: string): string {
  return text.charCodeAt(0) === 39 ? text.slice(1) : text;
}

/**
 * The number with the leading 0 back that Excel drops from a number (a mobile of 9 digits left, a
 * landline of 10); null if it cannot have lost one.
 */
function withLostZero(text: string): string | null {
  const digits = digitsOf(text);
  if (digits === null || digits.charCodeAt(0) === 48) return null;
  return digits.length === 9 || digits.length === 10 ? `0${digits}` : null;
}

/** A phone number of a cell, as stored: the rule of persons/phone.rule.ts, once more with a lost 0 put back. */
function cellPhoneNumber(text: string): string | null {
  const written = withoutTextMarker(text);
  const phone = phoneNumberOf(written);
  if (phone !== null) return phone;
  const restored = withLostZero(written);
  return restored === null ? null : phoneNumberOf(restored);
}

function exponentMessage(label: string, text: string): string {
  return `${label} đã bị Excel đổi sang dạng số mũ (${text}) và mất chữ số: hãy định dạng cột là Văn bản (Text) và nhập lại.`;
}

// --- dates ---

const MS_PER_DAY = 86_400_000;
/** Day 0 of Excel's 1900 date system, in days before 1970-01-01. */
const EXCEL_EPOCH_DAYS = 25_569;
const LAST_EXCEL_SERIAL = 2_958_465; // 9999-12-31

/**
 * The birth date of a cell, as stored, by the rules of persons/person.rules.ts: a text as officials
 * write it, or what a spreadsheet made of it (a date, a year typed as a number, a date serial).
 */
function readBirthDate(cell: SpreadsheetCell | undefined, context: ParseContext): string | FieldProblem {
  if (cell === null || cell === undefined) return BIRTH_DATE_MISSING;
  if (cell instanceof Date) {
    if (Number.isNaN(cell.getTime())) return BIRTH_DATE_FORMATS;
    // exceljs gives UTC midnight; other sources may give local midnight: noon of the same day either way.
    const noon = new Date(cell.getTime() + MS_PER_DAY / 2);
    return birthDateOfDay(noon.getUTCFullYear(), noon.getUTCMonth() + 1, noon.getUTCDate(), context.todayIso);
  }
  if (typeof cell === 'number') {
    if (Number.isInteger(cell) && cell >= 1000 && cell <= 9999) return birthYearOnly(cell, context.todayIso);
    // An Excel date serial (days since 1899-12-30) in a cell not formatted as a date.
    if (!(cell >= 1 && cell <= LAST_EXCEL_SERIAL)) return BIRTH_DATE_FORMATS;
    const date = new Date((Math.floor(cell) - EXCEL_EPOCH_DAYS) * MS_PER_DAY);
    return birthDateOfDay(date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate(), context.todayIso);
  }
  return parseBirthDate(cellTexts[BIRTH_DATE]!, context.todayIso);
}

// --- code lists: officials write few distinct values, so each is worked out once ---

const MEMO_LIMIT = 10_000;

function memoized<T>(compute: (text: string) => T): (text: string) => T {
  const cache = new Map<string, T>();
  return (text) => {
    let value = cache.get(text);
    if (value === undefined) {
      value = compute(text);
      if (cache.size < MEMO_LIMIT) cache.set(text, value);
    }
    return value;
  };
}

const NOT_LETTER_OR_DIGIT = /[^a-z0-9]+/g;

/** Folded, punctuation as spaces: `Vợ/Chồng` → `vo chong`. */
function valueKey(text: string): string {
  return foldText(text).replace(NOT_LETTER_OR_DIGIT, ' ').trim();
}

function lookup<T>(entries: Record<string, T>): (text: string) => T | null {
  const byKey = new Map(Object.entries(entries).map(([written, value]) => [valueKey(written), value]));
  return memoized((text) => byKey.get(valueKey(text)) ?? null);
}

const genderOf = lookup<Gender>({
  Nam: 'male',
  M: 'male',
  Male: 'male',
  Nữ: 'female',
  F: 'female',
  Female: 'female',
  'Không rõ': 'unknown',
  'Không xác định': 'unknown',
});

const ethnicityCodeFor = memoized((text) => ethnicityCodeOf(text) ?? null);
const providerOf = memoized((text) => paymentProviderOf(text) ?? null);

const RELATIONS: Record<string, RelationToHead> = {
  'Chủ hộ': 'head',
  Vợ: 'spouse',
  Chồng: 'spouse',
  'Vợ/Chồng': 'spouse',
  Con: 'child',
  'Con đẻ': 'child',
  'Con ruột': 'child',
  'Con nuôi': 'child',
  Bố: 'parent',
  Mẹ: 'parent',
  'Bố/Mẹ': 'parent',
  Cha: 'parent',
  'Cha/Mẹ': 'parent',
  'Bố đẻ': 'parent',
  'Mẹ đẻ': 'parent',
  Cháu: 'grandchild',
  'Cháu nội': 'grandchild',
  'Cháu ngoại': 'grandchild',
  Anh: 'sibling',
  Chị: 'sibling',
  Em: 'sibling',
  'Anh/Chị/Em': 'sibling',
  'Anh trai': 'sibling',
  'Chị gái': 'sibling',
  'Em trai': 'sibling',
  'Em gái': 'sibling',
};
const knownRelationOf = lookup(RELATIONS);
const relationOf = (text: string): RelationToHead => knownRelationOf(text) ?? 'other';

const povertyStatusOf = lookup<PovertyStatus>({
  'Hộ nghèo': 'poor',
  Nghèo: 'poor',
  HN: 'poor',
  'Hộ cận nghèo': 'near_poor',
  'Cận nghèo': 'near_poor',
  HCN: 'near_poor',
  Không: 'none',
  'Không nghèo': 'none',
  'Hộ không nghèo': 'none',
});

type AccountKindWritten = PaymentAccountKind | 'cash';
const accountKindOf = lookup<AccountKindWritten>({
  'Ngân hàng': 'bank',
  'Tài khoản ngân hàng': 'bank',
  'TK ngân hàng': 'bank',
  'Chuyển khoản': 'bank',
  'Chuyển khoản ngân hàng': 'bank',
  ATM: 'bank',
  'Thẻ ATM': 'bank',
  bank: 'bank',
  'Ví điện tử': 'e_wallet',
  Ví: 'e_wallet',
  'E-wallet': 'e_wallet',
  e_wallet: 'e_wallet',
  'Mobile Money': 'mobile_money',
  MobileMoney: 'mobile_money',
  mobile_money: 'mobile_money',
  'Tiền mặt': 'cash',
  'Trực tiếp': 'cash',
  'Nhận trực tiếp': 'cash',
  'Chi trả trực tiếp': 'cash',
});

const personStatusOf = lookup<PersonStatus>({
  'Đang hưởng': 'living',
  'Còn sống': 'living',
  Sống: 'living',
  'Đã chết': 'deceased',
  Chết: 'deceased',
  'Từ trần': 'deceased',
  'Đã từ trần': 'deceased',
  'Đã mất': 'deceased',
  Mất: 'deceased',
  'Qua đời': 'deceased',
  'Đã qua đời': 'deceased',
  'Chuyển đi': 'moved_away',
  'Đã chuyển đi': 'moved_away',
  'Chuyển khẩu': 'moved_away',
});
