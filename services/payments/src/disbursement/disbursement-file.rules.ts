import { badInput, csvField } from '@ansinh/common';

/**
 * The disbursement (outgoing) file's layout: services/payments/docs/disbursement-files.md. Plain
 * functions, no database: the export streams its lines through them.
 */

/** The provider code of the postal service's home delivery (lines with the channel `post`). */
export const POST_PROVIDER = 'POST';

/** Lines of one list in one file: a commune's list is a few thousand at most. */
export const MAX_LINES_PER_FILE = 20_000;

export const DISBURSEMENT_COLUMNS = ['reference', 'account', 'holder', 'amount', 'content'] as const;

/** Longest payment text banks carry through (NAPAS transfer content is at most 210; most cores 140). */
export const MAX_CONTENT_LENGTH = 140;

/** UTF-8 byte-order mark: Excel and the banks' import tools then read the holder names as UTF-8. */
export const UTF8_BOM = '\ufeff';
/** Records end with CRLF (RFC 4180), as Windows tools write and read them. */
export const RECORD_END = '\r\n';

/** A registry payment-provider code (`VBA`, `MOMO`, `VIETTELMONEY`) is 2–20 capitals and digits. */
const PROVIDER_CODE = /^[A-Z0-9]{2,20}$/;

/** Channels paid into an account of the registry, whose kind is the channel's name. */
export const ACCOUNT_CHANNELS = ['bank', 'e_wallet', 'mobile_money'] as const;

/** A `provider` argument, upper-cased: a registry provider code or POST; BAD_USER_INPUT otherwise. */
export function providerArgument(value: string, field = 'provider'): string {
  const code = String(value ?? '')
    .trim()
    .toUpperCase();
  if (!PROVIDER_CODE.test(code))
    throw badInput(
      field,
      'Mã đơn vị chi trả không hợp lệ: dùng mã ngân hàng, ví điện tử hoặc Mobile Money trong danh mục (VBA, MOMO, VIETTELMONEY…) hoặc POST cho bưu điện.',
    );
  return code;
}

/**
 * Whether a line is paid through `provider`: POST pays the lines of the channel `post`; any other
 * provider the lines paid into one of its accounts (an account of the channel's kind).
 */
export function paidThrough(
  line: { channel: string; accountKind: string | null; providerCode: string | null },
  provider: string,
): boolean {
  if (provider === POST_PROVIDER) return line.channel === 'post';
  return (
    (ACCOUNT_CHANNELS as readonly string[]).includes(line.channel) &&
    line.accountKind === line.channel &&
    line.providerCode === provider
  );
}

/**
 * Text folded to printable ASCII, for systems that mangle anything else: Vietnamese marks removed
 * (đ → d), any other character left out, white space as single spaces.
 */
export function asciiFold(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D')
    .replace(/\s+/g, ' ')
    .replace(/[^\x20-\x7e]/g, '')
    .trim();
}

/** The payment text of a line: `Tro cap XH thang 12/2026 CT000123`, ASCII, at most 140 characters. */
export function paymentContent(month: string, lineCode: string): string {
  const [year, monthOfYear] = month.split('-');
  return asciiFold(`Trợ cấp XH tháng ${monthOfYear}/${year} ${lineCode}`).slice(0, MAX_CONTENT_LENGTH);
}

/** The header record. */
export function disbursementHeader(): string {
  return `${UTF8_BOM}${DISBURSEMENT_COLUMNS.join(',')}${RECORD_END}`;
}

export type DisbursementLine = {
  lineCode: string;
  /** The account number; null for the post. */
  account: string | null;
  /** The account's holder, or the person's full name for the post. */
  holder: string;
  /** The line's total, whole đồng. */
  amount: number;
};

/** One line's record: texts quoted as RFC 4180 needs and never readable as a spreadsheet formula. */
export function disbursementRecord(month: string, line: DisbursementLine): string {
  return (
    [
      csvField(line.lineCode),
      csvField(line.account ?? ''),
      csvField(line.holder),
      String(line.amount),
      csvField(paymentContent(month, line.lineCode)),
    ].join(',') + RECORD_END
  );
}

/** `chi-tra-18073-2026-12-VBA.csv`. */
export function disbursementFileName(unitCode: string, month: string, provider: string): string {
  return `chi-tra-${unitCode}-${month}-${provider}.csv`;
}
