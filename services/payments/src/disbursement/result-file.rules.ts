import { badInput, cleanText } from '@ansinh/common';

/**
 * The provider's result (incoming) file, read strictly: services/payments/docs/disbursement-files.md.
 * A file that is not of the layout is refused whole (BAD_USER_INPUT on `fileId`, nothing written); a
 * row that cannot be read is reported as BAD_ROW and the others are read.
 */

export const RESULT_COLUMNS = [
  'reference',
  'amount',
  'status',
  'paid_at',
  'provider_reference',
  'reason',
] as const;

const MIB = 1024 * 1024;
/** A result file of 20,000 rows is about 2 MB. */
export const MAX_RESULT_BYTES = 5 * MIB;
export const MAX_RESULT_ROWS = 20_000;

const FIELD = 'fileId';
const LAYOUT = `Tệp kết quả phải là tệp CSV (UTF-8, phân cách bằng dấu phẩy) với dòng tiêu đề đúng như sau: ${RESULT_COLUMNS.join(',')}.`;

/** A line code: `CT` and digits, or the older `CT202612-1a2b3c4d`. */
const REFERENCE = /^[A-Za-z0-9-]{1,32}$/;
const AMOUNT = /^\d{1,13}$/;
const ISO_WITH_OFFSET =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?(Z|[+-]\d{2}:\d{2})$/;
const LOCAL_TIME = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2})(?::(\d{2}))?$/;
/** Asia/Ho_Chi_Minh has kept UTC+7, without daylight saving, since 1975. */
const VIETNAM_OFFSET_MINUTES = 7 * 60;

// Controls other than tab and line breaks, C1, line/paragraph separators, non-characters, bidi and
// invisible characters: a text file from a bank has none of them; they hide or reorder what is shown.
/* eslint-disable no-control-regex */
const BAD_CHARACTER =
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u2028\u2029\ufdd0-\ufdef\ufffe\uffff\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/;
/* eslint-enable no-control-regex */

export type ResultStatus = 'paid' | 'failed';

export type ResultRow = {
  reference: string;
  amount: number;
  status: ResultStatus;
  /** When the provider paid (or failed); required for `paid`. */
  paidAt: Date | null;
  providerReference: string | null;
  reason: string | null;
};

/** A data row: read, or why not (`reference` is the row's reference when it has a well-formed one). */
export type ParsedRow = { row: number; reference: string | null } & (
  { ok: true; value: ResultRow } | { ok: false; message: string }
);

type RawRecord = { row: number; fields: string[]; malformed: boolean };

const refuse = (message: string) => badInput(FIELD, message);

/** `1.500.000`, as Vietnamese writes numbers. */
export const vnd = (amount: number) => amount.toLocaleString('vi-VN');

/**
 * The records of a CSV text (RFC 4180: comma-separated, `"` quotes with `""` inside, records ended
 * by CRLF, LF or CR), each with its row number as a spreadsheet shows it (a quoted line break stays
 * in its record). A quote inside an unquoted field, or text after a closing quote, marks the record
 * malformed; a quote never closed refuses the file.
 */
export function csvRecords(text: string): RawRecord[] {
  const records: RawRecord[] = [];
  let fields: string[] = [];
  let field = '';
  let quoted = false;
  let wasQuoted = false;
  let malformed = false;
  let row = 1;
  let recordRow = 1;
  const endField = () => {
    fields.push(field);
    field = '';
    wasQuoted = false;
  };
  const endRecord = () => {
    endField();
    records.push({ row: recordRow, fields, malformed });
    fields = [];
    malformed = false;
  };
  for (let i = 0; i < text.length; i++) {
    const character = text[i]!;
    if (quoted) {
      if (character === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else {
          quoted = false;
          wasQuoted = true;
        }
      } else {
        if (character === '\n' || (character === '\r' && text[i + 1] !== '\n')) row++;
        field += character;
      }
      continue;
    }
    if (character === ',') endField();
    else if (character === '\r' || character === '\n') {
      if (character === '\r' && text[i + 1] === '\n') i++;
      endRecord();
      row++;
      recordRow = row;
    } else if (character === '"') {
      if (field === '' && !wasQuoted) quoted = true;
      else malformed = true;
    } else {
      if (wasQuoted) malformed = true;
      field += character;
    }
  }
  if (quoted)
    throw refuse(`Tệp kết quả bị lỗi định dạng CSV: dấu ngoặc kép mở ở dòng ${recordRow} không được đóng.`);
  // The last record, unless the text ends with its line break.
  if (field !== '' || fields.length > 0 || wasQuoted) endRecord();
  return records;
}

/** The file's text: UTF-8 (a leading BOM dropped) without control or hidden characters; refused otherwise. */
export function resultFileText(bytes: Buffer): string {
  if (bytes.length === 0) throw refuse('Tệp kết quả không có dữ liệu.');
  if (bytes.length > MAX_RESULT_BYTES)
    throw refuse(`Tệp kết quả quá lớn (tối đa ${MAX_RESULT_BYTES / MIB} MB): hãy chia thành nhiều tệp.`);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    throw refuse(
      `Tệp kết quả không phải văn bản UTF-8 (có thể là tệp Excel, PDF hoặc bảng mã khác). ${LAYOUT}`,
    );
  }
  const bad = BAD_CHARACTER.exec(text);
  if (bad) {
    const row = text.slice(0, bad.index).split(/\r\n|\n|\r/).length;
    throw refuse(
      `Tệp kết quả có ký tự điều khiển hoặc ký tự ẩn không hợp lệ ở dòng ${row}: đây không phải tệp CSV văn bản. ${LAYOUT}`,
    );
  }
  return text;
}

/** The header as the layout wants it, or a refusal naming the missing, extra and misplaced columns. */
function checkHeader(fields: readonly string[]): void {
  const names = fields.map((name) => name.trim().toLowerCase());
  if (names.length === RESULT_COLUMNS.length && names.every((name, index) => name === RESULT_COLUMNS[index]))
    return;
  const expected = new Set<string>(RESULT_COLUMNS);
  const missing = RESULT_COLUMNS.filter((column) => !names.includes(column));
  const extra = names.filter((name) => !expected.has(name)).map((name) => name || '(trống)');
  const problems = [
    missing.length ? `thiếu cột ${missing.join(', ')}` : '',
    extra.length ? `có cột không thuộc mẫu ${extra.slice(0, 5).join(', ')}` : '',
    !missing.length && !extra.length ? 'các cột không đúng thứ tự hoặc bị lặp' : '',
  ].filter(Boolean);
  throw refuse(`Dòng tiêu đề của tệp kết quả không đúng mẫu: ${problems.join('; ')}. ${LAYOUT}`);
}

const isBlank = (record: RawRecord) => record.fields.every((value) => value.trim() === '');

/** A calendar date and time at `offsetMinutes` from UTC, or undefined when there is no such time. */
function dateOf(parts: readonly (string | undefined)[], offsetMinutes: number): Date | undefined {
  const [year, month, day, hour, minute, second] = parts.slice(0, 6).map((part) => Number(part ?? 0)) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  if (year < 2000 || month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59)
    return undefined;
  const utc = Date.UTC(year, month - 1, day, hour, minute, second);
  const check = new Date(utc);
  if (check.getUTCDate() !== day || check.getUTCMonth() !== month - 1) return undefined;
  const fraction = parts[6];
  const millis = fraction === undefined ? 0 : Math.floor(Number(`0.${fraction}`) * 1000);
  return new Date(utc + millis - offsetMinutes * 60_000);
}

/** `2026-12-05T09:30:00+07:00` (ISO 8601 with an offset) or `2026-12-05 09:30` (Vietnam's time). */
export function paidAtOf(value: string): Date | undefined {
  const iso = ISO_WITH_OFFSET.exec(value);
  if (iso) {
    const zone = iso[8]!;
    let offset = 0;
    if (zone !== 'Z') {
      const hours = Number(zone.slice(1, 3));
      const minutes = Number(zone.slice(4, 6));
      if (hours > 14 || minutes > 59) return undefined;
      offset = (zone[0] === '-' ? -1 : 1) * (hours * 60 + minutes);
    }
    return dateOf(iso.slice(1, 8), offset);
  }
  const local = LOCAL_TIME.exec(value);
  if (local) return dateOf([...local.slice(1, 7), undefined], VIETNAM_OFFSET_MINUTES);
  return undefined;
}

const PROVIDER_REFERENCE = {
  label: 'Mã giao dịch (provider_reference)',
  kind: 'line',
  maxLength: 100,
} as const;
const REASON = { label: 'Lý do (reason)', kind: 'line', maxLength: 500 } as const;

/** One data row, read or with the reason it cannot be. */
function parseRow(record: RawRecord, now: Date): ParsedRow {
  const { row } = record;
  const cells = record.fields.map((value) => value.trim());
  const referenceCell = cells[0] ?? '';
  const reference = REFERENCE.test(referenceCell) ? referenceCell : null;
  const bad = (message: string): ParsedRow => ({
    row,
    reference,
    ok: false,
    message: `Dòng ${row}: ${message}`,
  });
  if (record.malformed) return bad('dấu ngoặc kép đặt sai chỗ, không đọc được các ô của dòng.');
  if (cells.length !== RESULT_COLUMNS.length)
    return bad(
      `có ${cells.length} ô, mẫu có ${RESULT_COLUMNS.length} cột (thường do dấu phẩy trong một ô không có ngoặc kép).`,
    );
  const [, amountCell, statusCell, paidAtCell, providerReferenceCell, reasonCell] = cells as [
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  if (referenceCell === '') return bad('thiếu mã dòng chi trả (reference).');
  if (reference === null)
    return bad('mã dòng chi trả (reference) chỉ gồm chữ cái, chữ số và dấu gạch nối, tối đa 32 ký tự.');
  if (!AMOUNT.test(amountCell))
    return bad(
      `số tiền (amount) "${amountCell.slice(0, 20)}" phải là số nguyên đồng, không có dấu chấm, phẩy hay chữ.`,
    );
  const amount = Number(amountCell);
  const status = statusCell.toLowerCase();
  if (status !== 'paid' && status !== 'failed')
    return bad(`trạng thái (status) "${statusCell.slice(0, 20)}" phải là paid hoặc failed.`);
  let paidAt: Date | null = null;
  if (paidAtCell !== '') {
    const parsed = paidAtOf(paidAtCell);
    if (!parsed)
      return bad(
        `thời điểm (paid_at) "${paidAtCell.slice(0, 40)}" không đúng dạng 2026-12-05T09:30:00+07:00 hoặc 2026-12-05 09:30.`,
      );
    if (parsed.getTime() > now.getTime()) return bad(`thời điểm (paid_at) ${paidAtCell} ở tương lai.`);
    paidAt = parsed;
  } else if (status === 'paid') {
    return bad('dòng đã chi (paid) phải có thời điểm chi (paid_at).');
  }
  const providerReference = cleanText(providerReferenceCell, PROVIDER_REFERENCE);
  if (!providerReference.ok) return bad(providerReference.message);
  const reason = cleanText(reasonCell, REASON);
  if (!reason.ok) return bad(reason.message);
  return {
    row,
    reference,
    ok: true,
    value: {
      reference,
      amount,
      status,
      paidAt,
      providerReference: providerReference.text || null,
      reason: reason.text || null,
    },
  };
}

/**
 * Reads a result file: its layout is checked first (refused whole when wrong: not UTF-8 CSV text,
 * hidden characters, another header, no data, more than MAX_RESULT_ROWS rows), then each data row.
 * Blank rows are skipped; rows are numbered as a spreadsheet shows them.
 */
export function parseResultFile(bytes: Buffer, now: Date = new Date()): ParsedRow[] {
  const records = csvRecords(resultFileText(bytes));
  const header = records.findIndex((record) => !isBlank(record));
  if (header < 0) throw refuse('Tệp kết quả không có dữ liệu.');
  if (records[header]!.malformed) throw refuse(`Dòng tiêu đề của tệp kết quả không đọc được. ${LAYOUT}`);
  checkHeader(records[header]!.fields);
  const data = records.slice(header + 1).filter((record) => !isBlank(record));
  if (data.length === 0) throw refuse('Tệp kết quả không có dòng kết quả nào dưới dòng tiêu đề.');
  if (data.length > MAX_RESULT_ROWS)
    throw refuse(
      `Tệp kết quả có ${vnd(data.length)} dòng, quá ${vnd(MAX_RESULT_ROWS)} dòng của một danh sách.`,
    );
  return data.map((record) => parseRow(record, now));
}
