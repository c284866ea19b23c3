import ExcelJS from 'exceljs';
import { EventEmitter, once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { finished } from 'node:stream/promises';
import { ETHNICITIES } from '../../../services/registry/src/code-lists/ethnicities.ts';
import type { AccountKind, PersonStatus, PovertyStatus, RelationToHead, SyntheticPerson } from './persons.ts';

/** Column headings of the lists officials exchange, in order. */
export const PERSON_COLUMNS = [
  'STT',
  'Họ và tên',
  'Ngày sinh',
  'Giới tính',
  'Dân tộc',
  'Số CCCD',
  'Số CMND',
  'Số điện thoại',
  'Mã xã',
  'Địa chỉ',
  'Mã hộ',
  'Quan hệ với chủ hộ',
  'Hộ nghèo/cận nghèo',
  'Năm',
  'Loại tài khoản',
  'Ngân hàng',
  'Số tài khoản',
  'Chủ tài khoản',
  'Tình trạng',
] as const;

export const RELATION_LABELS: Readonly<Record<RelationToHead, string>> = {
  head: 'Chủ hộ',
  spouse: 'Vợ/Chồng',
  child: 'Con',
  parent: 'Bố/Mẹ',
  grandchild: 'Cháu',
  sibling: 'Anh/Chị/Em',
  other: 'Khác',
};

export const POVERTY_LABELS: Readonly<Record<PovertyStatus, string>> = {
  none: '',
  poor: 'Hộ nghèo',
  near_poor: 'Hộ cận nghèo',
};

export const ACCOUNT_KIND_LABELS: Readonly<Record<AccountKind, string>> = {
  bank: 'Ngân hàng',
  e_wallet: 'Ví điện tử',
  mobile_money: 'Mobile Money',
};

export const STATUS_LABELS: Readonly<Record<PersonStatus, string>> = {
  living: 'Đang hưởng',
  deceased: 'Đã chết',
  moved_away: 'Chuyển đi',
};

/** One row of `PERSON_COLUMNS`; `null` for an empty cell. Numbers stay numbers for spreadsheets. */
export function personCells(person: SyntheticPerson, rowNumber: number): (string | number | null)[] {
  const { birthDate, account } = person;
  return [
    rowNumber,
    person.fullName,
    birthDate
      ? `${birthDate.slice(8, 10)}/${birthDate.slice(5, 7)}/${birthDate.slice(0, 4)}`
      : String(person.birthYear),
    person.gender === 'male' ? 'Nam' : 'Nữ',
    ETHNICITIES.get(person.ethnicityCode) ?? person.ethnicityCode,
    person.citizenId,
    person.oldIdNumber,
    person.phone,
    person.residenceUnitCode,
    person.address,
    person.householdCode,
    RELATION_LABELS[person.relationToHead],
    POVERTY_LABELS[person.povertyStatus] || null,
    person.povertyYear,
    account ? ACCOUNT_KIND_LABELS[account.kind] : null,
    account?.providerCode ?? null,
    account?.accountNumber ?? null,
    account?.holderName ?? null,
    STATUS_LABELS[person.status],
  ];
}

const NEEDS_QUOTES = /[",\r\n]/;

function csvField(value: string | number | null): string {
  if (value === null) return '';
  if (typeof value === 'number') return String(value);
  return NEEDS_QUOTES.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/**
 * The CSV line of `personCells`, built without intermediate arrays (this is the hot loop of a
 * million-row file). Only free text can hold a comma or quote; codes, digits and labels cannot.
 */
export function personCsvLine(person: SyntheticPerson, rowNumber: number): string {
  const { birthDate, account } = person;
  return (
    rowNumber +
    ',' +
    csvField(person.fullName) +
    ',' +
    (birthDate
      ? birthDate.slice(8, 10) + '/' + birthDate.slice(5, 7) + '/' + birthDate.slice(0, 4)
      : person.birthYear) +
    (person.gender === 'male' ? ',Nam,' : ',Nữ,') +
    (ETHNICITIES.get(person.ethnicityCode) ?? person.ethnicityCode) +
    ',' +
    (person.citizenId ?? '') +
    ',' +
    (person.oldIdNumber ?? '') +
    ',' +
    (person.phone ?? '') +
    ',' +
    person.residenceUnitCode +
    ',' +
    csvField(person.address) +
    ',' +
    person.householdCode +
    ',' +
    RELATION_LABELS[person.relationToHead] +
    ',' +
    POVERTY_LABELS[person.povertyStatus] +
    ',' +
    (person.povertyYear ?? '') +
    ',' +
    (account
      ? ACCOUNT_KIND_LABELS[account.kind] +
        ',' +
        account.providerCode +
        ',' +
        account.accountNumber +
        ',' +
        csvField(account.holderName)
      : ',,,') +
    ',' +
    STATUS_LABELS[person.status] +
    '\r\n'
  );
}

// A UTF-16 code unit takes at most 3 bytes in UTF-8, so `length * 3` bounds a line's bytes.
const CHUNK_BYTES = 64 * 1024;

/**
 * Writes persons as CSV the way spreadsheets open it: UTF-8 with a BOM, RFC 4180 quoting, CRLF.
 * Each line is encoded straight into a 64 KiB buffer (cheaper than one long concatenated string),
 * full buffers go to the file and the writer waits for `drain`, so memory stays flat.
 * Resolves with the number of persons written.
 */
export async function writePersonsCsv(persons: Iterable<SyntheticPerson>, path: string): Promise<number> {
  const stream = createWriteStream(path, { highWaterMark: CHUNK_BYTES });
  let chunk = Buffer.allocUnsafe(CHUNK_BYTES);
  let used = chunk.write('\uFEFF' + PERSON_COLUMNS.map(csvField).join(',') + '\r\n');
  let rows = 0;
  try {
    for (const person of persons) {
      const line = personCsvLine(person, ++rows);
      if (used + line.length * 3 > CHUNK_BYTES) {
        // The stream keeps the buffer until written, so the next rows go to a new one.
        const ready = stream.write(chunk.subarray(0, used));
        chunk = Buffer.allocUnsafe(Math.max(CHUNK_BYTES, line.length * 3));
        used = 0;
        if (!ready) await once(stream, 'drain');
      }
      used += chunk.write(line, used);
    }
    stream.end(chunk.subarray(0, used));
    await finished(stream);
  } catch (error) {
    stream.destroy();
    throw error;
  }
  return rows;
}

// The zip entry stream exceljs 4.4 feeds each sheet into (a readable-stream 2 PassThrough).
type ZipEntry = EventEmitter & { _writableState?: { length: number; highWaterMark: number } };

/**
 * Writes persons to a one-sheet XLSX with exceljs' streaming writer, committing each row, so the
 * workbook is never held whole. Resolves with the number of persons written.
 */
export async function writePersonsXlsx(persons: Iterable<SyntheticPerson>, path: string): Promise<number> {
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({
    filename: path,
    useStyles: false,
    useSharedStrings: false,
  });
  const sheet = workbook.addWorksheet('Danh sách');
  // exceljs' sheet stream ignores backpressure: left alone, the zip entry buffers the whole sheet's
  // XML while deflate lags behind. Its internals are the only way to see the backlog and wait.
  const entry = (sheet as unknown as { stream?: { pipes?: unknown[] } }).stream?.pipes?.[0];
  const backlog = entry instanceof EventEmitter ? (entry as ZipEntry)._writableState : undefined;
  sheet.addRow([...PERSON_COLUMNS]).commit();
  let rows = 0;
  for (const person of persons) {
    sheet.addRow(personCells(person, ++rows)).commit();
    if (rows % 500 === 0) {
      if (backlog && backlog.length >= backlog.highWaterMark) await once(entry as EventEmitter, 'drain');
      else await new Promise((resolve) => setImmediate(resolve));
    }
  }
  sheet.commit();
  await workbook.commit();
  return rows;
}
