import { digitsOf } from '../text/digits.ts';
import type { FieldProblem } from '../text/field-text.ts';

// Vietnamese numbers since the 2017–2018 renumbering. Mobiles: 10 digits, 0 then a network digit
// (03, 05, 07, 08, 09). Landlines: 11 digits, 0 then an area code from 2 (024 Hà Nội, 028 TP. Hồ
// Chí Minh, 0203 Quảng Ninh …): communes record them for elderly persons without a mobile, so
// both are phone numbers of a person. Old 11-digit mobiles (01x) and 10-digit landlines (04 …)
// no longer exist.
const MOBILE = /^0[35789]\d{8}$/;
const LANDLINE = /^02\d{9}$/;

export const PHONE_PROBLEM: FieldProblem = Object.freeze({
  field: 'phone',
  message:
    'Số điện thoại phải là số di động 10 chữ số (đầu số 03, 05, 07, 08, 09) hoặc số máy bàn 11 chữ số (mã vùng 02x), bắt đầu bằng 0 hoặc +84.',
});

/**
 * A phone number as stored (`0912345678`, `02438251234`) from one as written: separators
 * (spaces, dots, dashes, parentheses) dropped, `+84`/`84` read as 0; null when it is neither a
 * mobile nor a landline.
 */
export function phoneNumberOf(text: string): string | null {
  const international = text.charCodeAt(0) === 43; // +
  let digits = digitsOf(international ? text.slice(1) : text);
  if (digits === null) return null;
  // No national number has 11 digits from 8, so 84 there is the country code.
  if (international || (digits.length >= 11 && digits.startsWith('84'))) {
    if (!digits.startsWith('84')) return null;
    digits = digits.charCodeAt(2) === 48 ? digits.slice(2) : `0${digits.slice(2)}`; // +84 (0) 912 …
  }
  return MOBILE.test(digits) || LANDLINE.test(digits) ? digits : null;
}

/** A person's phone number, mobile or landline, as stored; the problem otherwise. */
export function parsePhone(text: string): string | FieldProblem {
  return phoneNumberOf(text) ?? PHONE_PROBLEM;
}

/** Whether a stored number is a mobile's: e-wallets and mobile money are opened on one. */
export function isMobileNumber(phone: string): boolean {
  return MOBILE.test(phone);
}
