const VND = new Intl.NumberFormat('vi-VN');
const TIME_ZONE = 'Asia/Ho_Chi_Minh';

/** An amount of money as officials read it: `1.500.000 đ`. */
export const formatVnd = (amount: number): string => `${VND.format(amount)} đ`;

/** A count with thousands separators: `12.345`. */
export const formatCount = (count: number): string => VND.format(count);

/** `YYYY-MM` as `tháng MM/YYYY`. */
export const formatMonth = (month: string): string => {
  const [year, number] = month.split('-');
  return `tháng ${number}/${year}`;
};

/** `YYYY-MM-DD` (or an ISO time) as `dd/mm/yyyy`; a year alone stays as it is. */
export const formatDate = (date: string | null | undefined): string => {
  if (!date) return '';
  const match = /^(\d{4})-(\d{2})-(\d{2})/.exec(date);
  if (!match) return date;
  if (date.length > 10) return formatDateTime(date).slice(0, 10);
  return `${match[3]}/${match[2]}/${match[1]}`;
};

const DATE_TIME = new Intl.DateTimeFormat('en-GB', {
  timeZone: TIME_ZONE,
  day: '2-digit',
  month: '2-digit',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

/** An ISO time as `dd/mm/yyyy HH:mm`, in Vietnam's time. */
export const formatDateTime = (time: string | null | undefined): string => {
  if (!time) return '';
  const parsed = new Date(time);
  if (Number.isNaN(parsed.getTime())) return time;
  return DATE_TIME.format(parsed).replace(',', '');
};

const PARTS = new Intl.DateTimeFormat('en-CA', {
  timeZone: TIME_ZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

/** Today in Vietnam, `YYYY-MM-DD`. */
export const today = (now: Date = new Date()): string => PARTS.format(now);

/** This month in Vietnam, `YYYY-MM`. */
export const thisMonth = (now: Date = new Date()): string => today(now).slice(0, 7);

/** `YYYY-MM` moved by `months`. */
export const addMonths = (month: string, months: number): string => {
  const [year, number] = month.split('-').map(Number) as [number, number];
  const index = year * 12 + (number - 1) + months;
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`;
};

/** The `HH:MM` of an ISO time in Vietnam's time (`17:30`). */
export const formatTime = (time: string): string => formatDateTime(time).slice(11);

/** A duration as `2 giờ 05 phút`. */
export function formatDuration(ms: number): string {
  const minutes = Math.floor(ms / 60_000);
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  return hours > 0 ? `${hours} giờ ${String(rest).padStart(2, '0')} phút` : `${rest} phút`;
}

export const PAYMENT_STATUS: Record<string, string> = {
  PENDING: 'Chưa cập nhật',
  PAID: 'Đã nhận',
  UNPAID: 'Chưa nhận',
  UNREACHABLE: 'Không liên lạc được',
  RETURNED: 'Bị trả lại',
  HELD: 'Tạm giữ',
};

export const PAYMENT_CHANNEL: Record<string, string> = {
  CASH: 'Tiền mặt',
  POST: 'Bưu điện',
  BANK: 'Tài khoản ngân hàng',
  E_WALLET: 'Ví điện tử',
  MOBILE_MONEY: 'Mobile Money',
  VNEID: 'Tài khoản an sinh (VNeID)',
};

export const LIST_STATE: Record<string, string> = {
  DRAFT: 'Dự thảo',
  APPROVED: 'Đã phê duyệt',
  PAYING: 'Đang chi trả',
  CLOSED: 'Đã đóng',
};

export const APPLICATION_STATE: Record<string, string> = {
  IN_PROGRESS: 'Đang xử lý',
  RETURNED: 'Trả lại bổ sung',
  APPROVED: 'Đã duyệt',
  REJECTED: 'Từ chối',
};

export const PERSON_STATUS: Record<string, string> = {
  LIVING: 'Đang sống tại địa phương',
  DECEASED: 'Đã mất',
  MOVED_AWAY: 'Đã chuyển đi',
};

export const GENDER: Record<string, string> = { MALE: 'Nam', FEMALE: 'Nữ', UNKNOWN: 'Chưa rõ' };

export const ENTITLEMENT_STATUS: Record<string, string> = {
  ACTIVE: 'Đang hưởng',
  SUSPENDED: 'Tạm dừng',
  STOPPED: 'Thôi hưởng',
};

/** A code's label, or the code itself when none is known. */
export const label = (labels: Record<string, string>, code: string | null | undefined): string =>
  code ? (Object.hasOwn(labels, code) ? labels[code]! : code) : '';
