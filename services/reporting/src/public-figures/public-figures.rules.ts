import { createHmac } from 'node:crypto';
import {
  addMonths,
  badInput,
  currentMonth,
  displayMonth,
  monthArgument,
  todayInVietnam,
} from '@ansinh/common';

/** The longest period of one public table. */
export const MAX_PUBLIC_MONTHS = 24;

/** Months of a citizen's payment check: this one and the eleven before. */
export const CITIZEN_CHECK_MONTHS = 12;

/** Months from `from` to `to`, both included (YYYY-MM). */
export function monthsBetween(from: string, to: string): number {
  const index = (month: string) => Number(month.slice(0, 4)) * 12 + Number(month.slice(5, 7));
  return index(to) - index(from) + 1;
}

/** The period of a public table: real months, in order, at most 24 of them, none after this month. */
export function publicPeriod(
  fromMonth: string,
  toMonth: string,
  now: Date,
): { fromMonth: string; toMonth: string } {
  const from = monthArgument(fromMonth, 'fromMonth');
  const to = monthArgument(toMonth, 'toMonth');
  const current = currentMonth(now);
  if (to > current)
    throw badInput(
      'toMonth',
      `Chỉ công khai số liệu đến tháng hiện tại (${displayMonth(current)}); tháng ${displayMonth(to)} chưa có số liệu.`,
    );
  if (from > to) throw badInput('fromMonth', 'Tháng bắt đầu phải trước hoặc trùng tháng kết thúc.');
  if (monthsBetween(from, to) > MAX_PUBLIC_MONTHS)
    throw badInput('toMonth', `Mỗi lần xem tối đa ${MAX_PUBLIC_MONTHS} tháng.`);
  return { fromMonth: from, toMonth: to };
}

const CITIZEN_ID = /^\d{12}$/;

/** A CCCD as the citizen types it: exactly 12 digits (the number is never repeated in the message). */
export function citizenIdArgument(value: string): string {
  if (!CITIZEN_ID.test(value))
    throw badInput('citizenId', 'Số CCCD (số định danh cá nhân) gồm đúng 12 chữ số, ví dụ 042123456789.');
  return value;
}

/**
 * A full date of birth, `YYYY-MM-DD`, a real day between 1900 and today (Vietnam). A year alone is
 * refused: the register cannot match a record by it.
 */
export function birthDateArgument(value: string, now: Date): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  const refusal = () =>
    badInput('birthDate', 'Ngày sinh phải đầy đủ ngày, tháng, năm theo dạng YYYY-MM-DD, ví dụ 1950-03-25.');
  if (!match) throw refusal();
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day)
    throw refusal();
  if (value < '1900-01-01' || value > todayInVietnam(now))
    throw badInput('birthDate', 'Ngày sinh phải từ năm 1900 đến hôm nay.');
  return value;
}

/** The months a citizen's check shows: the last twelve, this one included. */
export function citizenCheckMonths(now: Date): { fromMonth: string; toMonth: string } {
  const toMonth = currentMonth(now);
  return { fromMonth: addMonths(toMonth, -(CITIZEN_CHECK_MONTHS - 1)), toMonth };
}

/**
 * The keys a check counts against (hex HMAC-SHA-256 under `secret`): the client's address and the CCCD
 * asked for, each in its own domain. Stored instead of the values, which are personal data.
 */
export function citizenCheckKeys(clientAddress: string, citizenId: string, secret: string): string[] {
  const key = (kind: string, value: string) =>
    createHmac('sha256', secret).update(`${kind}:${value}`, 'utf8').digest('hex');
  return [key('client', clientAddress), key('citizen-id', citizenId)];
}

/** The one answer to a CCCD unknown, with another date of birth, or with a year-only birth date on record. */
export const CITIZEN_NOT_FOUND_MESSAGE =
  'Không tìm thấy thông tin chi trả khớp với số CCCD và ngày sinh đã nhập. Nếu hồ sơ của bạn chỉ ghi năm sinh (không có ngày, tháng) thì không tra cứu được: vui lòng liên hệ UBND xã, phường nơi bạn cư trú để bổ sung.';

/** The refusal past the rate limit, in whole minutes as a citizen reads it. */
export function rateLimitMessage(retryAfterSeconds: number): string {
  const minutes = Math.max(1, Math.ceil(retryAfterSeconds / 60));
  return `Bạn đã tra cứu quá nhiều lần. Vui lòng thử lại sau ${minutes} phút.`;
}
