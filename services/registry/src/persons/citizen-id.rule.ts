import { digitsOf } from '../text/digits.ts';
import type { FieldProblem } from '../text/field-text.ts';
import type { Gender } from './person.entity.ts';

/**
 * Province-of-registration codes valid in a CCCD (`0` + the 63 pre-2025 province codes, which
 * stay valid for life).
 */
export const CCCD_PROVINCE_CODES = new Set(
  '01 02 04 06 08 10 11 12 14 15 17 19 20 22 24 25 26 27 30 31 33 34 35 36 37 38 40 42 44 45 46 48 49 51 52 54 56 58 60 62 64 66 67 68 70 72 74 75 77 79 80 82 83 84 86 87 89 91 92 93 94 95 96'
    .split(' ')
    .map((code) => `0${code}`),
);

export type CitizenIdProblem = FieldProblem;

const TWELVE_DIGITS = /^\d{12}$/;
const problem = (message: string): CitizenIdProblem => ({ field: 'citizenId', message });

/**
 * Số định danh cá nhân / CCCD: `PPP G YY RRRRRR`. G encodes sex and century (1900s: 0 male,
 * 1 female; 2000s: 2/3; 2100s: 4/5); YY the last two digits of the birth year. No check digit.
 */
export function checkCitizenId(
  citizenId: string,
  person: { gender: Gender; birthYear: number },
): CitizenIdProblem | undefined {
  if (!TWELVE_DIGITS.test(citizenId)) return problem('Số CCCD phải gồm đúng 12 chữ số.');
  if (!CCCD_PROVINCE_CODES.has(citizenId.slice(0, 3))) {
    return problem(`Mã tỉnh nơi đăng ký khai sinh "${citizenId.slice(0, 3)}" trong số CCCD không tồn tại.`);
  }
  const genderCentury = citizenId.charCodeAt(3) - 48;
  if (genderCentury > 5) return problem('Chữ số thứ 4 của CCCD (giới tính và thế kỷ sinh) không hợp lệ.');
  if (person.gender !== 'unknown' && person.gender !== genderInCitizenId(citizenId)) {
    return problem('Giới tính không khớp với chữ số thứ 4 của số CCCD.');
  }
  const idYear = birthYearInCitizenId(citizenId);
  if (idYear !== person.birthYear) {
    return problem(`Năm sinh ${person.birthYear} không khớp với số CCCD (năm sinh theo CCCD: ${idYear}).`);
  }
  return undefined;
}

/** The sex a (well-formed) CCCD encodes in its 4th digit. */
export function genderInCitizenId(citizenId: string): 'male' | 'female' {
  return (citizenId.charCodeAt(3) - 48) % 2 === 0 ? 'male' : 'female';
}

/** The birth year a (well-formed) CCCD encodes in its 4th to 6th digits. */
export function birthYearInCitizenId(citizenId: string): number {
  const genderCentury = citizenId.charCodeAt(3) - 48;
  return (
    1900 +
    Math.floor(genderCentury / 2) * 100 +
    (citizenId.charCodeAt(4) - 48) * 10 +
    (citizenId.charCodeAt(5) - 48)
  );
}

/**
 * A CCCD as written (`042 195 000 123`), as stored, if it agrees with the person's gender and birth
 * year; with no readable birth year, only what the number says of itself is checked.
 */
export function parseCitizenId(
  text: string,
  gender: Gender,
  birthYear: number | null,
): string | CitizenIdProblem {
  const digits = digitsOf(text) ?? text;
  const problem = checkCitizenId(digits, {
    gender,
    birthYear: birthYear ?? (TWELVE_DIGITS.test(digits) ? birthYearInCitizenId(digits) : 0),
  });
  return problem ?? digits;
}
