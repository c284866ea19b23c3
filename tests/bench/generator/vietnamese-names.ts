import { foldText } from '@ansinh/common/standalone';
import { WeightedTable, type Random, type WeightedEntries } from './random.ts';

export type Gender = 'male' | 'female';

const nfc = (entries: WeightedEntries<string>): WeightedTable<string> =>
  new WeightedTable(entries.map(([value, weight]) => [value.normalize('NFC'), weight] as const));

const flat = (names: string): WeightedTable<string> =>
  nfc(names.split(' ').map((name) => [name, 1] as const));

/**
 * Họ: national frequencies in per cent (Hoàng/Huỳnh and Vũ/Võ are the northern/southern spellings).
 * Groups in `ETHNIC_FAMILY_NAMES` mostly use their own, so Nguyễn ends near 35% of all generated names.
 */
export const FAMILY_NAMES: WeightedTable<string> = nfc([
  ['Nguyễn', 38],
  ['Trần', 11],
  ['Lê', 9.5],
  ['Phạm', 7],
  ['Hoàng', 2.6],
  ['Huỳnh', 2.4],
  ['Phan', 4.5],
  ['Vũ', 2],
  ['Võ', 1.9],
  ['Đặng', 2.1],
  ['Bùi', 2],
  ['Đỗ', 1.4],
  ['Hồ', 1.3],
  ['Ngô', 1.3],
  ['Dương', 1],
  ['Lý', 0.5],
  ['Đào', 0.9],
  ['Đoàn', 0.8],
  ['Trịnh', 0.8],
  ['Trương', 0.8],
  ['Đinh', 0.7],
  ['Lâm', 0.6],
  ['Mai', 0.6],
  ['Cao', 0.6],
  ['Lương', 0.5],
  ['Hà', 0.5],
  ['Tạ', 0.4],
  ['Phùng', 0.4],
  ['Chu', 0.4],
  ['Lưu', 0.4],
  ['Thái', 0.3],
  ['Tô', 0.3],
  ['Vương', 0.3],
  ['Kiều', 0.3],
  ['Quách', 0.2],
  ['Lại', 0.2],
  ['Từ', 0.2],
  ['Thân', 0.2],
  ['Khúc', 0.1],
  ['Hứa', 0.1],
  ['Triệu', 0.2],
  ['La', 0.1],
]);

/** Family names common among some ethnic groups (by GSO code); the others use `FAMILY_NAMES`. */
const ETHNIC_FAMILY_NAMES: ReadonlyMap<string, WeightedTable<string>> = new Map([
  ['02', flat('Nông Hoàng Lương Lục Hà Vi Ma Đàm Bế Lăng Nguyễn')],
  ['03', flat('Lò Cầm Lường Quàng Hà Vi Tòng Lê Điêu')],
  ['04', flat('Lâm Trương Lý Quách Hứa Mã Châu Diệp Tăng')],
  ['05', flat('Thạch Sơn Kim Danh Lâm Châu Trà Lý')],
  ['06', flat('Bùi Đinh Quách Hà Xa Bạch')],
  ['07', flat('Nông Hoàng Lương Lục Mã Vi Chu Lăng')],
  ['08', flat('Giàng Vàng Sùng Lý Thào Mùa Hầu Vừ Lầu Sình')],
  ['09', flat('Triệu Bàn Đặng Lý Phùng Chảo')],
]);

const HMONG = '08';
const HMONG_MALE_GIVEN = flat('Páo Chứ Sình Dình Pó Lử Tủa Chía Sính Dế Của Súa Chả Mua Nhìa');
const HMONG_FEMALE_GIVEN = flat('Mỷ Dở Súa Mai Chu Pà Mỉ Sua Dung Máy Say Chở Lia Vá');

/** Tên đệm. */
export const MALE_MIDDLE_NAMES: WeightedTable<string> = nfc([
  ['Văn', 30],
  ['Đức', 8],
  ['Hữu', 6],
  ['Minh', 8],
  ['Quang', 6],
  ['Công', 4],
  ['Xuân', 3],
  ['Đình', 4],
  ['Thanh', 4],
  ['Ngọc', 3],
  ['Hoàng', 3],
  ['Quốc', 4],
  ['Trọng', 3],
  ['Tiến', 2],
  ['Thành', 2],
  ['Anh', 2],
  ['Gia', 3],
  ['Bảo', 2],
  ['Duy', 3],
  ['Mạnh', 2],
  ['Trung', 2],
  ['Việt', 2],
  ['Khánh', 1],
  ['Nhật', 1],
]);

export const FEMALE_MIDDLE_NAMES: WeightedTable<string> = nfc([
  ['Thị', 30],
  ['Ngọc', 8],
  ['Thu', 5],
  ['Thanh', 5],
  ['Hồng', 4],
  ['Thúy', 3],
  ['Minh', 3],
  ['Kim', 3],
  ['Phương', 3],
  ['Bích', 2],
  ['Mai', 2],
  ['Khánh', 3],
  ['Hoài', 2],
  ['Diệu', 1],
  ['Mỹ', 2],
  ['Bảo', 2],
  ['Quỳnh', 2],
  ['Hải', 1],
  ['Thùy', 2],
  ['Ánh', 1],
  ['Gia', 2],
  ['Hà', 1],
]);

/** Tên. */
export const MALE_GIVEN_NAMES: WeightedTable<string> = flat(
  'An Anh Bảo Bình Cảnh Chiến Chính Công Cường Danh Đạt Định Đông Đức Dũng Dương Duy Giang Hải Hào ' +
    'Hậu Hiển Hiếu Hòa Hoàng Học Hùng Hưng Huy Khải Khang Khánh Khoa Kiên Lâm Linh Lộc Lợi Long Luân ' +
    'Mạnh Minh Nam Nghĩa Nhân Ninh Phong Phú Phúc Phương Quân Quang Quý Quyết Sơn Tài Tâm Tân Thắng ' +
    'Thanh Thành Thịnh Thọ Thông Tiến Toàn Trí Trọng Trung Trường Tú Tuấn Tùng Vinh Việt Vũ Xuân Sáng ' +
    'Thuận Lực Đại Hiệp Tuyên',
);

export const FEMALE_GIVEN_NAMES: WeightedTable<string> = flat(
  'An Anh Bích Châu Chi Diệp Dung Duyên Giang Hà Hạnh Hằng Hiền Hoa Hòa Hồng Huế Huệ Hương Hường ' +
    'Huyền Khánh Lan Liên Liễu Linh Loan Lụa Lý Mai Mận My Nga Ngân Ngọc Nguyệt Nhàn Nhung Nhi Nương ' +
    'Oanh Phấn Phượng Phương Quế Quyên Quỳnh Sen Tâm Thắm Thanh Thảo Thoa Thơm Thu Thủy Thúy Thương ' +
    'Thư Trang Trâm Tuyết Uyên Vân Vy Xuân Yến Đào Cúc Hậu Gấm Lệ Ly Nhạn Thêu Trinh Ánh Điệp Hân',
);

// Share of men named Văn and women named Thị by birth cohort: near universal among the elderly.
function traditionalMiddleShare(gender: Gender, birthYear: number): number {
  if (birthYear < 1960) return gender === 'male' ? 0.78 : 0.9;
  if (birthYear < 1990) return gender === 'male' ? 0.45 : 0.6;
  return gender === 'male' ? 0.15 : 0.22;
}

export type NameRequest = {
  gender: Gender;
  birthYear: number;
  /** GSO ethnicity code; some groups have their own family and given names. */
  ethnicityCode?: string;
  /** The family name to keep (a child takes the father's). */
  familyName?: string;
};

/** A family name for a new line (head, spouse, mother) of the given ethnicity. */
export function randomFamilyName(random: Random, ethnicityCode?: string): string {
  const ethnic = ethnicityCode ? ETHNIC_FAMILY_NAMES.get(ethnicityCode) : undefined;
  // Many minority families carry a Kinh family name too.
  return ethnic && random.chance(0.8) ? random.weighted(ethnic) : random.weighted(FAMILY_NAMES);
}

export type PersonName = {
  /** `Họ Đệm Tên` in NFC. */
  fullName: string;
  /** As banks print it on an account: upper case without diacritics (`NGUYEN VAN AN`). */
  holderName: string;
};

/** A Vietnamese name for the gender, birth cohort and ethnicity asked for. */
export function randomName(random: Random, request: NameRequest): PersonName {
  const words = nameWords(random, request);
  let fullName = words[0]!;
  let holderName = upperAsciiWord(fullName);
  for (let index = 1; index < words.length; index++) {
    fullName += ' ' + words[index]!;
    holderName += ' ' + upperAsciiWord(words[index]!);
  }
  return { fullName, holderName };
}

function nameWords(random: Random, request: NameRequest): string[] {
  const { gender, birthYear, ethnicityCode } = request;
  const familyName = request.familyName ?? randomFamilyName(random, ethnicityCode);
  if (ethnicityCode === HMONG && random.chance(0.7)) {
    const given = random.weighted(gender === 'male' ? HMONG_MALE_GIVEN : HMONG_FEMALE_GIVEN);
    return [familyName, gender === 'male' ? 'A' : 'Thị', given];
  }
  const middles = gender === 'male' ? MALE_MIDDLE_NAMES : FEMALE_MIDDLE_NAMES;
  const traditional = gender === 'male' ? 'Văn' : 'Thị';
  const given = random.weighted(gender === 'male' ? MALE_GIVEN_NAMES : FEMALE_GIVEN_NAMES);
  const shape = random.float();
  if (shape < 0.02) return [familyName, given];
  const middle = random.chance(traditionalMiddleShare(gender, birthYear))
    ? traditional
    : random.weighted(middles);
  if (middle === given) return [familyName, given];
  if (shape > (birthYear < 1980 ? 0.96 : 0.88)) {
    const second = random.weighted(middles);
    if (second !== middle && second !== traditional && second !== given)
      return [familyName, middle, second, given];
  }
  return [familyName, middle, given];
}

const upperAsciiWords = new Map<string, string>();

function upperAsciiWord(word: string): string {
  let upper = upperAsciiWords.get(word);
  if (upper === undefined) {
    upper = foldText(word).toUpperCase();
    // Bounded: bankHolderName may be fed arbitrary text.
    if (upperAsciiWords.size < 50_000) upperAsciiWords.set(word, upper);
  }
  return upper;
}

/** Any name as banks print it on an account: `Nguyễn Văn Án` → `NGUYEN VAN AN`. */
export function bankHolderName(fullName: string): string {
  return fullName
    .split(' ')
    .filter((word) => word !== '')
    .map(upperAsciiWord)
    .join(' ');
}
