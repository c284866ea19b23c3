import { parse } from 'csv-parse/sync';
import { readFile } from 'node:fs/promises';
import { CCCD_PROVINCE_CODES } from '../../../services/registry/src/persons/citizen-id.rule.ts';
import { Random } from './random.ts';

/** A commune persons live in, with the province it belongs to (for the CCCD's birth province). */
export type Commune = {
  code: string;
  provinceCode: string;
  /** `Xã`, `Phường`, `Thị trấn`, ...: decides how addresses read (`Thôn 3` or `Tổ dân phố 5`). */
  kind?: string;
};

export type UnitLevel = 'province' | 'district' | 'commune';

/** An administrative unit row, as the registry stores it. */
export type SyntheticUnit = {
  code: string;
  name: string;
  fullName: string;
  level: UnitLevel;
  kind: string;
  parentCode: string | null;
};

type UnitCsvRow = {
  code: string;
  name: string;
  full_name: string;
  level: string;
  kind: string;
  parent_code: string;
};

/**
 * The communes of a units CSV (`code,name,full_name,level,kind,parent_code`), in file order, each
 * with its province found by walking parent codes (commune → district → province before 1 July
 * 2025, commune → province after). `province` keeps those whose province code starts with it.
 */
export async function readCommunes(csvPath: string, options: { province?: string } = {}): Promise<Commune[]> {
  const rows = parse<UnitCsvRow>(await readFile(csvPath), {
    columns: true,
    bom: true,
    skip_empty_lines: true,
  });
  const byCode = new Map(rows.map((row) => [row.code, row]));
  const provinceOf = (row: UnitCsvRow): string => {
    let current = row;
    for (let depth = 0; current.level !== 'province'; depth++) {
      const parent = byCode.get(current.parent_code);
      if (!parent || depth > 3) throw new Error(`${csvPath}: unit ${row.code} has no province above it`);
      current = parent;
    }
    return current.code;
  };
  const communes: Commune[] = [];
  for (const row of rows) {
    if (row.level !== 'commune') continue;
    const provinceCode = provinceOf(row);
    if (options.province && !provinceCode.startsWith(options.province)) continue;
    communes.push({ code: row.code, provinceCode, kind: row.kind });
  }
  return communes;
}

/** The 63 pre-2025 province codes, which CCCDs keep using. */
export const PRE_2025_PROVINCE_CODES: readonly string[] = [...CCCD_PROVINCE_CODES].map((code) =>
  code.slice(1),
);

const PLACE_SYLLABLES =
  'An Bình Hòa Phú Thạnh Hưng Lộc Phước Tân Thành Long Mỹ Đông Tây Nam Bắc Trung Quang Vĩnh Xuân Hải Sơn ' +
  'Thạch Cẩm Kỳ Đức Nghĩa Thuận Thịnh Phong Hiệp Lợi Tiến Thanh Hồng Minh Yên Cát Lạc Khánh Hà Lâm Định Gia';
const SYLLABLES = PLACE_SYLLABLES.split(' ');

export type GenerateUnitsOptions = {
  seed: number;
  /** How many provinces (taken from the real pre-2025 codes), or which codes. */
  provinces: number | readonly string[];
  districtsPerProvince: number;
  communesPerDistrict: number;
};

/**
 * A made-up three-level unit tree. Provinces carry real pre-2025 codes so that generated CCCDs stay
 * valid; districts are numbered 001.. and communes 00001.. across the whole tree, so codes can
 * coincide with real units' codes: load them into a database that holds no real units.
 */
export function generateUnits(options: GenerateUnitsOptions): {
  units: SyntheticUnit[];
  communes: Commune[];
} {
  const random = new Random(options.seed ^ 0x51f15e);
  const provinceCodes =
    typeof options.provinces === 'number'
      ? PRE_2025_PROVINCE_CODES.slice(0, options.provinces)
      : [...options.provinces];
  for (const code of provinceCodes) {
    if (!PRE_2025_PROVINCE_CODES.includes(code))
      throw new Error(`province code ${code} did not exist before 2025`);
  }
  const districtCount = provinceCodes.length * options.districtsPerProvince;
  if (districtCount > 999) throw new Error(`${districtCount} districts do not fit 3-digit codes`);
  if (districtCount * options.communesPerDistrict > 99_999)
    throw new Error('too many communes for 5-digit codes');

  const units: SyntheticUnit[] = [];
  const communes: Commune[] = [];
  const usedNames = new Set<string>();
  const placeName = (scope: string): string => {
    for (let attempt = 0; ; attempt++) {
      const first = random.pick(SYLLABLES);
      const second = random.pick(SYLLABLES);
      // Past the two-syllable names a large district runs out of, number them.
      const name = attempt < 50 ? `${first} ${second}` : `${first} ${second} ${attempt}`;
      if (first === second || usedNames.has(`${scope}/${name}`)) continue;
      usedNames.add(`${scope}/${name}`);
      return name;
    }
  };
  const unit = (code: string, name: string, level: UnitLevel, kind: string, parentCode: string | null) => {
    units.push({ code, name, fullName: `${kind} ${name}`, level, kind, parentCode });
  };

  let districtSeq = 0;
  let communeSeq = 0;
  for (const provinceCode of provinceCodes) {
    unit(provinceCode, placeName('province'), 'province', 'Tỉnh', null);
    for (let d = 0; d < options.districtsPerProvince; d++) {
      const districtCode = String(++districtSeq).padStart(3, '0');
      const districtKind = d === 0 ? 'Thành phố' : random.chance(0.1) ? 'Thị xã' : 'Huyện';
      unit(districtCode, placeName(provinceCode), 'district', districtKind, provinceCode);
      for (let c = 0; c < options.communesPerDistrict; c++) {
        const communeCode = String(++communeSeq).padStart(5, '0');
        const kind =
          districtKind === 'Huyện' ? (c === 0 ? 'Thị trấn' : 'Xã') : random.chance(0.7) ? 'Phường' : 'Xã';
        unit(communeCode, placeName(districtCode), 'commune', kind, districtCode);
        communes.push({ code: communeCode, provinceCode, kind });
      }
    }
  }
  return { units, communes };
}
