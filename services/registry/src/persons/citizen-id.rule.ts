import type { Gender } from './person.rules.ts';

/**
 * Province-of-registration codes valid in a CCCD (`0` + the 63 pre-2025 province codes, which
 * stay valid for life).
 */
export const CCCD_PROVINCE_CODES = new Set(
  '01 02 04 06 08 10 11 12 14 15 17 19 20 22 24 25 26 27 30 31 33 34 35 36 37 38 40 42 44 45 46 48 49 51 52 54 56 58 60 62 64 66 67 68 70 72 74 75 77 79 80 82 83 84 86 87 89 91 92 93 94 95 96'
    .split(' ')
    .map((code) => `0${code}`),
);

export type CitizenIdProblem = { message: string };

/**
 * Số định danh cá nhân / CCCD: `PPP G YY RRRRRR`. G encodes sex and century (1900s: 0 male,
 * 1 female; 2000s: 2/3; 2100s: 4/5); YY the last two digits of the birth year. No check digit.
 */
export function checkCitizenId(
  citizenId: string,
  person: { gender: Gender; birthYear: number },
): CitizenIdProblem | undefined {
  if (!/^\d{12}$/.test(citizenId)) return { message: 'Số CCCD phải gồm đúng 12 chữ số.' };
  if (!CCCD_PROVINCE_CODES.has(citizenId.slice(0, 3))) {
    return {
      message: `Mã tỉnh nơi đăng ký khai sinh "${citizenId.slice(0, 3)}" trong số CCCD không tồn tại.`,
    };
  }
  const genderCentury = Number(citizenId[3]);
  const century = 1900 + Math.floor(genderCentury / 2) * 100;
  if (genderCentury > 5) return { message: 'Chữ số thứ 4 của CCCD (giới tính và thế kỷ sinh) không hợp lệ.' };
  const idGender: Gender = genderCentury % 2 === 0 ? 'male' : 'female';
  if (person.gender !== 'unknown' && person.gender !== idGender) {
    return { message: 'Giới tính không khớp với chữ số thứ 4 của số CCCD.' };
  }
  const idYear = century + Number(citizenId.slice(4, 6));
  if (idYear !== person.birthYear) {
    return {
      message: `Năm sinh ${person.birthYear} không khớp với số CCCD (năm sinh theo CCCD: ${idYear}).`,
    };
  }
  return undefined;
}
