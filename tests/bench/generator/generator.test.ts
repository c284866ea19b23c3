import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkCitizenId } from '../../../services/registry/src/persons/citizen-id.rule.ts';
import { foldText } from '@ansinh/common/standalone';
import { generatePersons, REFERENCE_DATE, type SyntheticPerson } from './persons.ts';
import { Permutation, Random } from './random.ts';
import { generateUnits, readCommunes, type Commune } from './units.ts';
import { bankHolderName } from './vietnamese-names.ts';
import { PERSON_COLUMNS, personCells, writePersonsCsv, writePersonsXlsx } from './write-files.ts';

/** The national lists shipped with the registry. */
const UNITS = fileURLToPath(new URL('../../../services/registry/data/admin-units/', import.meta.url));
const UNITS_BEFORE_2025 = join(UNITS, 'units-before-2025-07-01.csv');
const UNITS_FROM_2025 = join(UNITS, 'units-from-2025-07-01.csv');

const { communes } = generateUnits({
  seed: 1,
  provinces: 3,
  districtsPerProvince: 5,
  communesPerDistrict: 10,
});

const take = (seed: number, count: number, from: readonly Commune[] = communes): SyntheticPerson[] => [
  ...generatePersons({ seed, count, communes: from }),
];

describe('Random', () => {
  it('repeats its sequence for a seed', () => {
    const a = new Random(7);
    const b = new Random(7);
    const c = new Random(8);
    const first = Array.from({ length: 100 }, () => a.nextUint32());
    expect(Array.from({ length: 100 }, () => b.nextUint32())).toEqual(first);
    expect(Array.from({ length: 100 }, () => c.nextUint32())).not.toEqual(first);
  });

  it('draws integers in bounds and by weight', () => {
    const random = new Random(1);
    const entries = [
      ['a', 1],
      ['b', 3],
      ['c', 0],
    ] as const;
    const counts = { a: 0, b: 0, c: 0 };
    const ints = new Set<number>();
    for (let i = 0; i < 100_000; i++) {
      ints.add(random.int(3, 5));
      counts[random.weighted(entries)]++;
    }
    expect([...ints].sort()).toEqual([3, 4, 5]);
    expect(counts.c).toBe(0);
    expect(counts.b / counts.a).toBeGreaterThan(2.8);
    expect(counts.b / counts.a).toBeLessThan(3.2);
  });

  it('permutes without collisions', () => {
    const permutation = new Permutation(1000, 99);
    const seen = new Set(Array.from({ length: 1000 }, (_, i) => permutation.at(i)));
    expect(seen.size).toBe(1000);
    expect(Math.max(...seen)).toBe(999);
  });
});

describe('units', () => {
  it('reads communes with their province before and after the 2025 reform', async () => {
    const before = await readCommunes(UNITS_BEFORE_2025, { province: '42' });
    expect(before).toHaveLength(209);
    expect(before.every((c) => c.provinceCode === '42' && /^\d{5}$/.test(c.code))).toBe(true);
    expect(before).toContainEqual({ code: '18073', provinceCode: '42', kind: 'Phường' });
    const after = await readCommunes(UNITS_FROM_2025, { province: '42' });
    expect(after).toHaveLength(69);
    expect((await readCommunes(UNITS_BEFORE_2025)).length).toBe(10_035);
  });

  it('makes a consistent synthetic tree', () => {
    const { units, communes: made } = generateUnits({
      seed: 5,
      provinces: ['42', '01'],
      districtsPerProvince: 3,
      communesPerDistrict: 4,
    });
    const byCode = new Map(units.map((unit) => [unit.code, unit]));
    expect(units).toHaveLength(2 + 6 + 24);
    expect(made).toHaveLength(24);
    for (const unit of units) {
      const length = { province: 2, district: 3, commune: 5 }[unit.level];
      expect(unit.code).toHaveLength(length);
      expect(unit.fullName).toBe(`${unit.kind} ${unit.name}`);
      if (unit.level !== 'province') expect(byCode.get(unit.parentCode!)?.level).toBeDefined();
    }
    for (const commune of made) {
      const district = byCode.get(byCode.get(commune.code)!.parentCode!)!;
      expect(district.parentCode).toBe(commune.provinceCode);
    }
    expect(
      generateUnits({ seed: 5, provinces: ['42', '01'], districtsPerProvince: 3, communesPerDistrict: 4 }),
    ).toEqual({ units, communes: made });
  });
});

describe('generatePersons', () => {
  it('is deterministic for a seed and differs between seeds', () => {
    const first = take(42, 1000);
    expect(take(42, 1000)).toEqual(first);
    const other = take(43, 1000);
    expect(other.map((p) => p.fullName)).not.toEqual(first.map((p) => p.fullName));
    expect(first).toHaveLength(1000);
  });

  describe('over 200,000 records', () => {
    const COUNT = 200_000;
    const stats = {
      badCitizenIds: [] as string[],
      citizenIds: 0,
      distinctCitizenIds: new Set<string>(),
      nullCitizenId: 0,
      nullBirthDate: 0,
      bornBefore1950: 0,
      nullBirthDateBefore1950: 0,
      bornBefore1990: 0,
      oldIdBefore1990: 0,
      phone: 0,
      accounts: { bank: 0, e_wallet: 0, mobile_money: 0, none: 0 },
      holderMismatch: 0,
      status: { living: 0, deceased: 0, moved_away: 0 },
      kinh: 0,
      kinhNguyen: 0,
      households: 0,
      poor: 0,
      nearPoor: 0,
      notNfc: 0,
      withDiacritics: 0,
      elderlyWomen: 0,
      elderlyWomenThi: 0,
      householdProblems: [] as string[],
      nearDuplicates: 0,
      otherProblems: [] as string[],
    };

    beforeAll(async () => {
      const all = await readCommunes(UNITS_BEFORE_2025);
      const seenHouseholds = new Set<string>();
      type Household = { code: string; size: number; poverty: string; commune: string };
      // Declared through a cast so that the loop below does not narrow it to null for good.
      let household = null as Household | null;
      const byNameYearCommune = new Map<string, { householdCode: string; citizenId: string | null }>();
      for (const person of generatePersons({ seed: 2026, count: COUNT, communes: all })) {
        const problem = (message: string) =>
          stats.otherProblems.push(`${message}: ${JSON.stringify(person)}`);
        if (person.citizenId !== null) {
          stats.citizenIds++;
          stats.distinctCitizenIds.add(person.citizenId);
          const check = checkCitizenId(person.citizenId, person);
          if (check) stats.badCitizenIds.push(`${person.citizenId} ${check.message}`);
        } else stats.nullCitizenId++;
        if (person.birthDate === null) stats.nullBirthDate++;
        else if (
          person.birthDate.slice(0, 4) !== String(person.birthYear) ||
          person.birthDate > REFERENCE_DATE ||
          new Date(`${person.birthDate}T00:00:00Z`).toISOString().slice(0, 10) !== person.birthDate
        ) {
          problem('birth date');
        }
        if (person.birthYear < 1950) {
          stats.bornBefore1950++;
          if (person.birthDate === null) stats.nullBirthDateBefore1950++;
        }
        if (person.birthYear < 1990) {
          stats.bornBefore1990++;
          if (person.oldIdNumber) stats.oldIdBefore1990++;
        } else if (person.oldIdNumber) problem('old ID for someone born from 1990');
        if (person.oldIdNumber && !/^\d{9}$/.test(person.oldIdNumber)) problem('old ID');
        if (person.phone) {
          stats.phone++;
          if (!/^0[35789]\d{8}$/.test(person.phone)) problem('phone');
        }
        stats.accounts[person.account?.kind ?? 'none']++;
        if (person.account) {
          if (!/^[A-Z]+( [A-Z]+)+$/.test(person.account.holderName)) problem('holder name');
          if (person.account.holderName !== bankHolderName(person.fullName)) stats.holderMismatch++;
          if (person.account.kind !== 'bank' && person.account.accountNumber !== person.phone)
            problem('wallet');
          if (person.account.kind === 'bank' && !/^\d{12,14}$/.test(person.account.accountNumber))
            problem('bank');
        }
        stats.status[person.status]++;
        if (!/^(0[1-9]|[1-4]\d|5[0-4])$/.test(person.ethnicityCode)) problem('ethnicity');
        if (person.ethnicityCode === '01') {
          stats.kinh++;
          if (person.fullName.startsWith('Nguyễn ')) stats.kinhNguyen++;
        }
        if (person.fullName !== person.fullName.normalize('NFC')) stats.notNfc++;
        if (/[^\x20-\x7e]/.test(person.fullName)) stats.withDiacritics++;
        if (person.birthYear < 1960 && person.gender === 'female') {
          stats.elderlyWomen++;
          if (person.fullName.includes(' Thị ')) stats.elderlyWomenThi++;
        }

        if (person.householdCode !== household?.code) {
          if (seenHouseholds.has(person.householdCode)) {
            stats.householdProblems.push(`${person.householdCode} not consecutive`);
          }
          if (person.relationToHead !== 'head')
            stats.householdProblems.push(`${person.householdCode} head not first`);
          seenHouseholds.add(person.householdCode);
          household = {
            code: person.householdCode,
            size: 0,
            poverty: `${person.povertyStatus}/${person.povertyYear}`,
            commune: person.residenceUnitCode,
          };
          stats.households++;
          if (person.povertyStatus === 'poor') stats.poor++;
          if (person.povertyStatus === 'near_poor') stats.nearPoor++;
          if (!person.householdCode.startsWith(`${person.residenceUnitCode}-`)) {
            stats.householdProblems.push(`${person.householdCode} code`);
          }
        } else if (person.relationToHead === 'head') {
          stats.householdProblems.push(`${person.householdCode} second head`);
        }
        household.size++;
        if (household.size > 6) stats.householdProblems.push(`${household.code} larger than 6`);
        if (household.commune !== person.residenceUnitCode)
          stats.householdProblems.push(`${household.code} commune`);
        if (household.poverty !== `${person.povertyStatus}/${person.povertyYear}`) {
          stats.householdProblems.push(`${household.code} poverty`);
        }
        if ((person.povertyStatus === 'none') !== (person.povertyYear === null)) problem('poverty year');

        const key = `${foldText(person.fullName)}|${person.birthYear}|${person.residenceUnitCode}`;
        const earlier = byNameYearCommune.get(key);
        if (!earlier) {
          byNameYearCommune.set(key, { householdCode: person.householdCode, citizenId: person.citizenId });
        } else if (
          earlier.householdCode !== person.householdCode &&
          (person.citizenId === null || person.citizenId !== earlier.citizenId)
        ) {
          stats.nearDuplicates++;
        }
      }
    }, 120_000);

    const share = (part: number, whole = COUNT) => part / whole;

    it('gives valid, unique CCCDs to about 95%', () => {
      expect(stats.badCitizenIds.slice(0, 5)).toEqual([]);
      expect(stats.distinctCitizenIds.size).toBe(stats.citizenIds);
      expect(share(stats.nullCitizenId)).toBeGreaterThan(0.035);
      expect(share(stats.nullCitizenId)).toBeLessThan(0.065);
    });

    it('keeps every field well-formed', () => {
      expect(stats.otherProblems.slice(0, 5)).toEqual([]);
    });

    it('builds households: head first, consecutive, one commune and poverty status, 1 to 6 persons', () => {
      expect(stats.householdProblems.slice(0, 5)).toEqual([]);
      expect(share(stats.poor, stats.households)).toBeCloseTo(0.08, 1);
      expect(share(stats.nearPoor, stats.households)).toBeCloseTo(0.07, 1);
      expect(COUNT / stats.households).toBeGreaterThan(2);
      expect(COUNT / stats.households).toBeLessThan(4);
    });

    it('writes names in NFC with diacritics, with national family-name and cohort middle-name shares', () => {
      expect(stats.notNfc).toBe(0);
      expect(share(stats.withDiacritics)).toBeGreaterThan(0.95);
      expect(share(stats.kinhNguyen, stats.kinh)).toBeGreaterThan(0.35);
      expect(share(stats.kinhNguyen, stats.kinh)).toBeLessThan(0.41);
      expect(share(stats.elderlyWomenThi, stats.elderlyWomen)).toBeGreaterThan(0.8);
    });

    it('matches the specified proportions', () => {
      expect(share(stats.nullBirthDate)).toBeGreaterThan(0.12);
      expect(share(stats.nullBirthDate)).toBeLessThan(0.18);
      expect(share(stats.nullBirthDateBefore1950, stats.bornBefore1950)).toBeCloseTo(0.35, 1);
      expect(share(stats.bornBefore1950)).toBeGreaterThan(0.1);
      expect(share(stats.oldIdBefore1990, stats.bornBefore1990)).toBeCloseTo(0.1, 1);
      expect(share(stats.phone)).toBeCloseTo(0.6, 1);
      expect(share(stats.accounts.bank)).toBeCloseTo(0.45, 1);
      expect(share(stats.accounts.e_wallet)).toBeCloseTo(0.05, 1);
      expect(share(stats.accounts.mobile_money)).toBeCloseTo(0.05, 1);
      const accounts = COUNT - stats.accounts.none;
      expect(share(stats.holderMismatch, accounts)).toBeGreaterThan(0.02);
      expect(share(stats.holderMismatch, accounts)).toBeLessThan(0.04);
      expect(share(stats.status.living)).toBeCloseTo(0.96, 1);
      expect(share(stats.status.deceased)).toBeGreaterThan(0.02);
      expect(share(stats.status.deceased)).toBeLessThan(0.04);
      expect(share(stats.status.moved_away)).toBeGreaterThan(0.005);
      expect(share(stats.status.moved_away)).toBeLessThan(0.015);
      expect(share(stats.kinh)).toBeCloseTo(0.85, 1);
    });

    it('plants about 0.5% near-duplicates', () => {
      expect(share(stats.nearDuplicates)).toBeGreaterThan(0.004);
      expect(share(stats.nearDuplicates)).toBeLessThan(0.008);
    });
  });
});

describe('files', () => {
  const persons = take(11, 300);
  let directory: string;

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'ansinh-generator-'));
  });
  afterAll(() => rm(directory, { recursive: true, force: true }));

  const expectedRows = () =>
    persons.map((person, index) =>
      personCells(person, index + 1).map((cell) => (cell === null ? '' : String(cell))),
    );

  it('round-trips CSV through csv-parse', async () => {
    const path = join(directory, 'persons.csv');
    expect(await writePersonsCsv(persons, path)).toBe(300);
    const bytes = await readFile(path);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = bytes.toString('utf8');
    expect(text.split('\r\n')).toHaveLength(302);
    const rows = parse(bytes, { bom: true, relax_column_count: false }) as string[][];
    expect(rows[0]).toEqual([...PERSON_COLUMNS]);
    expect(rows.slice(1)).toEqual(expectedRows());
    expect(rows.some((row) => row[9]!.includes(','))).toBe(true);
    expect(rows[1]![2]).toMatch(/^(\d{2}\/\d{2}\/\d{4}|\d{4})$/);
  });

  it('round-trips XLSX through the exceljs streaming reader', async () => {
    const path = join(directory, 'persons.xlsx');
    expect(await writePersonsXlsx(persons, path)).toBe(300);
    const rows: string[][] = [];
    for await (const sheet of new ExcelJS.stream.xlsx.WorkbookReader(path, {})) {
      for await (const row of sheet) {
        const values = row.values as unknown[];
        rows.push(
          PERSON_COLUMNS.map((_, index) => (values[index + 1] == null ? '' : String(values[index + 1]))),
        );
      }
    }
    expect(rows[0]).toEqual([...PERSON_COLUMNS]);
    expect(rows.slice(1)).toEqual(expectedRows());
  });
});
