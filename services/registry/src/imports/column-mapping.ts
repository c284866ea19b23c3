import { foldText, SpreadsheetError } from '@ansinh/common/standalone';

/** The fields a spreadsheet column can feed, in the order the import report and the parser use. */
export const CANONICAL_FIELDS = [
  'fullName',
  'birthDate',
  'gender',
  'ethnicity',
  'citizenId',
  'oldIdNumber',
  'phone',
  'residenceUnitCode',
  'address',
  'householdCode',
  'relationToHead',
  'povertyStatus',
  'povertyYear',
  'accountKind',
  'provider',
  'accountNumber',
  'holderName',
  'status',
] as const;

export type CanonicalField = (typeof CANONICAL_FIELDS)[number];

/** What officials call each field: shown when a column is missing or has no header of its own. */
export const FIELD_LABELS: Readonly<Record<CanonicalField, string>> = {
  fullName: 'Họ và tên',
  birthDate: 'Ngày sinh',
  gender: 'Giới tính',
  ethnicity: 'Dân tộc',
  citizenId: 'Số CCCD',
  oldIdNumber: 'Số CMND',
  phone: 'Số điện thoại',
  residenceUnitCode: 'Mã xã',
  address: 'Địa chỉ',
  householdCode: 'Mã hộ',
  relationToHead: 'Quan hệ với chủ hộ',
  povertyStatus: 'Hộ nghèo/cận nghèo',
  povertyYear: 'Năm xét duyệt hộ nghèo',
  accountKind: 'Hình thức nhận',
  provider: 'Ngân hàng',
  accountNumber: 'Số tài khoản',
  holderName: 'Chủ tài khoản',
  status: 'Tình trạng',
};

export const REQUIRED_FIELDS: readonly CanonicalField[] = ['fullName', 'birthDate'];

/** Headers as officials write them; compared through headerKey. */
const HEADER_ALIASES: Readonly<Record<CanonicalField, readonly string[]>> = {
  fullName: ['Họ và tên', 'Họ tên', 'Tên đối tượng', 'Họ và tên đối tượng', 'Họ tên đối tượng'],
  birthDate: ['Ngày sinh', 'Ngày tháng năm sinh', 'Ngày/tháng/năm sinh', 'Năm sinh', 'Ngày, tháng, năm sinh'],
  gender: ['Giới tính', 'Giới'],
  ethnicity: ['Dân tộc'],
  citizenId: [
    'Số CCCD',
    'CCCD',
    'Số căn cước công dân',
    'Số căn cước',
    'Số định danh cá nhân',
    'Số định danh',
    'Số ĐDCN',
    'ĐDCN',
    'Số CCCD/ĐDCN',
    'CCCD/ĐDCN',
  ],
  oldIdNumber: ['Số CMND', 'CMND', 'Số chứng minh nhân dân'],
  phone: ['Số điện thoại', 'SĐT', 'Điện thoại', 'Số ĐT'],
  residenceUnitCode: ['Mã xã', 'Mã đơn vị', 'Mã xã/phường', 'Mã đơn vị hành chính'],
  address: ['Địa chỉ', 'Nơi ở', 'Nơi ở hiện nay', 'Thôn/xóm', 'Thôn', 'Địa chỉ thường trú', 'Nơi cư trú'],
  householdCode: ['Mã hộ', 'Số hộ', 'Mã hộ gia đình'],
  relationToHead: ['Quan hệ với chủ hộ', 'Quan hệ', 'Quan hệ với chủ hộ gia đình'],
  povertyStatus: ['Hộ nghèo/cận nghèo', 'Phân loại hộ', 'Hộ nghèo, cận nghèo'],
  povertyYear: ['Năm', 'Năm xét duyệt hộ nghèo', 'Năm xét duyệt'],
  accountKind: ['Loại tài khoản', 'Hình thức nhận', 'Hình thức chi trả', 'Hình thức nhận trợ cấp'],
  provider: ['Ngân hàng', 'Tên ngân hàng', 'Nhà cung cấp', 'Nhà cung cấp dịch vụ', 'Ngân hàng/ví điện tử'],
  accountNumber: ['Số tài khoản', 'STK', 'Số ví', 'Số TK', 'Số tài khoản/số ví'],
  holderName: ['Chủ tài khoản', 'Tên chủ tài khoản'],
  status: ['Tình trạng', 'Tình trạng đối tượng'],
};

const ROW_NUMBER_HEADERS = ['STT', 'TT', 'Số TT', 'Số thứ tự'];

/** One column for either identity number: a CCCD (12 digits) or an old CMND (9) by the number's length. */
const IDENTITY_NUMBER_HEADERS = [
  'Số CCCD/CMND',
  'CCCD/CMND',
  'Số CMND/CCCD',
  'CMND/CCCD',
  'Số CCCD/CMND/ĐDCN',
  'Số CCCD hoặc CMND',
  'Số CMND hoặc CCCD',
  'Số CMND/CCCD/ĐDCN',
  'Số giấy tờ tùy thân',
  'Số CMND, CCCD',
  'Số CCCD, CMND',
];

const PARENTHESISED = /\([^)]*\)/g;
const NOT_LETTER_OR_DIGIT = /[^a-z0-9]+/g;

/**
 * A header reduced for comparison: folded (accents, case, white space), notes in brackets dropped
 * (`Số CCCD (12 số)`), punctuation as spaces (`Ngày/tháng/năm sinh` = `Ngày tháng năm sinh`).
 */
export function headerKey(header: string): string {
  return foldText(header.replace(PARENTHESISED, ' ')).replace(NOT_LETTER_OR_DIGIT, ' ').trim();
}

const fieldByHeaderKey = new Map<string, CanonicalField>();
for (const field of CANONICAL_FIELDS) {
  for (const alias of HEADER_ALIASES[field]) fieldByHeaderKey.set(headerKey(alias), field);
}
const rowNumberHeaderKeys = new Set(ROW_NUMBER_HEADERS.map(headerKey));
const identityNumberHeaderKeys = new Set(IDENTITY_NUMBER_HEADERS.map(headerKey));

/** The field a header names, whatever its accents, case or spacing; undefined for others (and `STT`). */
export function fieldOfHeader(header: string): CanonicalField | undefined {
  return fieldByHeaderKey.get(headerKey(header));
}

/** A column the user assigned by hand: to a field, or to nothing (`null`) to leave it out. */
/** A file without a column every row needs; `missingFields` names them (the fields are this module's). */
export class MissingColumnsError extends SpreadsheetError {
  readonly missingFields: readonly CanonicalField[];

  constructor(missingFields: readonly CanonicalField[]) {
    const labels = missingFields.map((field) => `"${FIELD_LABELS[field]}"`).join(' và ');
    super('MISSING_COLUMN', `Tệp thiếu cột bắt buộc ${labels}.`);
    this.missingFields = missingFields;
  }
}

export type ColumnAssignment = { column: string; field: CanonicalField | null };

export type MappedColumn = { field: CanonicalField; columnIndex: number; header: string };

export type IgnoredColumn = {
  columnIndex: number;
  header: string;
  /** row-number: STT; unknown: no field has that header; duplicate: an earlier column feeds the same field; excluded: assigned to nothing by the user. */
  reason: 'row-number' | 'unknown' | 'duplicate' | 'excluded';
};

export type ColumnMap = {
  columns: readonly MappedColumn[];
  ignored: readonly IgnoredColumn[];
  /** A "Số CCCD/CMND" column, whose numbers go to citizenId or oldIdNumber by length (identity-number.ts). */
  identityColumn?: { columnIndex: number; header: string } | undefined;
};

/** Tells whether a header row candidate names a column we know: by alias, or assigned by the user. */
export function headerRecogniser(assignments: readonly ColumnAssignment[] = []): (header: string) => boolean {
  const assignedKeys = new Set(assignments.map((assignment) => headerKey(assignment.column)));
  return (header) => {
    const key = headerKey(header);
    return (
      key !== '' && (fieldByHeaderKey.has(key) || identityNumberHeaderKeys.has(key) || assignedKeys.has(key))
    );
  };
}

/**
 * Which column feeds which field. Assignments by the user win over recognised headers (matched by
 * exact text first, then as headerKey does); the first of two columns naming one field wins.
 */
export function mapColumns(
  headers: readonly string[],
  assignments: readonly ColumnAssignment[] = [],
): ColumnMap {
  const assignedFieldByColumn = new Map<number, CanonicalField | null>();
  for (const assignment of assignments) {
    let columnIndex = headers.indexOf(assignment.column);
    if (columnIndex < 0) {
      const key = headerKey(assignment.column);
      columnIndex = headers.findIndex((header) => headerKey(header) === key);
    }
    if (columnIndex < 0) {
      throw new SpreadsheetError(
        'ASSIGNED_COLUMN_NOT_FOUND',
        `Không tìm thấy cột "${assignment.column}" trong dòng tiêu đề của tệp.`,
      );
    }
    assignedFieldByColumn.set(columnIndex, assignment.field);
  }

  const columnByField = new Map<CanonicalField, MappedColumn>();
  const ignored: IgnoredColumn[] = [];
  for (const [columnIndex, field] of assignedFieldByColumn) {
    const header = headers[columnIndex] ?? '';
    if (field === null) ignored.push({ columnIndex, header, reason: 'excluded' });
    else if (columnByField.has(field)) ignored.push({ columnIndex, header, reason: 'duplicate' });
    else columnByField.set(field, { field, columnIndex, header });
  }
  let identityColumn: ColumnMap['identityColumn'];
  headers.forEach((header, columnIndex) => {
    if (assignedFieldByColumn.has(columnIndex) || header.trim() === '') return;
    const key = headerKey(header);
    const field = fieldByHeaderKey.get(key);
    if (identityNumberHeaderKeys.has(key)) {
      if (identityColumn === undefined) identityColumn = { columnIndex, header };
      else ignored.push({ columnIndex, header, reason: 'duplicate' });
    } else if (field === undefined) {
      ignored.push({ columnIndex, header, reason: rowNumberHeaderKeys.has(key) ? 'row-number' : 'unknown' });
    } else if (columnByField.has(field)) {
      ignored.push({ columnIndex, header, reason: 'duplicate' });
    } else {
      columnByField.set(field, { field, columnIndex, header });
    }
  });

  const missing = REQUIRED_FIELDS.filter((field) => !columnByField.has(field));
  if (missing.length > 0) throw new MissingColumnsError(missing);
  return {
    columns: CANONICAL_FIELDS.flatMap((field) => {
      const column = columnByField.get(field);
      return column ? [column] : [];
    }),
    ignored: ignored.sort((a, b) => a.columnIndex - b.columnIndex),
    identityColumn,
  };
}
