import { CCCD_PROVINCE_CODES } from '../../../services/registry/src/persons/citizen-id.rule.ts';
import { hashString, mix32, Permutation, Random, WeightedTable } from './random.ts';
import type { Commune } from './units.ts';
import {
  bankHolderName,
  randomFamilyName,
  randomName,
  type Gender,
  type PersonName,
} from './vietnamese-names.ts';

/** The day the data describes: nobody is born after it. */
export const REFERENCE_DATE = '2026-11-23';
const REFERENCE_YEAR = 2026;
const REFERENCE_DAY_OF_YEAR = 326; // 0-based: 23 November 2026

export type RelationToHead = 'head' | 'spouse' | 'child' | 'parent' | 'grandchild' | 'sibling' | 'other';
export type PovertyStatus = 'none' | 'poor' | 'near_poor';
export type AccountKind = 'bank' | 'e_wallet' | 'mobile_money';
export type PersonStatus = 'living' | 'deceased' | 'moved_away';

export type SyntheticAccount = {
  kind: AccountKind;
  providerCode: string;
  accountNumber: string;
  /** As the provider prints it: upper case without diacritics; now and then a guardian's name. */
  holderName: string;
};

export type SyntheticPerson = {
  fullName: string;
  gender: Gender;
  /** ISO date, or null when only the year is known. */
  birthDate: string | null;
  birthYear: number;
  ethnicityCode: string;
  citizenId: string | null;
  oldIdNumber: string | null;
  phone: string | null;
  residenceUnitCode: string;
  address: string | null;
  /** `${communeCode}-${seq}`: unique within the commune; members are consecutive, head first. */
  householdCode: string;
  relationToHead: RelationToHead;
  /** The household's, so the same for all its members. */
  povertyStatus: PovertyStatus;
  povertyYear: number | null;
  account: SyntheticAccount | null;
  status: PersonStatus;
};

export type GeneratePersonsOptions = {
  seed: number;
  count: number;
  communes: readonly Commune[];
};

/** Dân tộc by GSO code, weighted by the 2019 census population (thousands). */
const ETHNICITY_WEIGHTS = new WeightedTable<string>([
  ['01', 82085],
  ['02', 1845],
  ['03', 1820],
  ['04', 750],
  ['05', 1319],
  ['06', 1452],
  ['07', 1083],
  ['08', 1393],
  ['09', 891],
  ['10', 513],
  ['11', 1.6],
  ['12', 398],
  ['13', 287],
  ['14', 212],
  ['15', 201],
  ['16', 200],
  ['17', 178],
  ['18', 183],
  ['19', 149],
  ['20', 127],
  ['21', 146],
  ['22', 100],
  ['23', 94],
  ['24', 91],
  ['25', 67],
  ['26', 74],
  ['27', 63],
  ['28', 50],
  ['29', 90],
  ['30', 40],
  ['31', 52],
  ['32', 29],
  ['33', 16],
  ['34', 29],
  ['35', 25],
  ['36', 23],
  ['37', 17],
  ['38', 15],
  ['39', 10],
  ['40', 12],
  ['41', 12],
  ['42', 6.8],
  ['43', 4.8],
  ['44', 7.5],
  ['45', 4.6],
  ['46', 8],
  ['47', 4],
  ['48', 2.7],
  ['49', 3.2],
  ['50', 0.9],
  ['51', 0.9],
  ['52', 0.5],
  ['53', 0.4],
  ['54', 0.6],
]);

// Beneficiaries of social assistance are mostly the very old: ages of elderly household members.
const ELDERLY_AGES = new WeightedTable<readonly [number, number]>([
  [[75, 79], 18],
  [[80, 84], 30],
  [[85, 89], 26],
  [[90, 94], 16],
  [[95, 99], 7],
  [[100, 105], 3],
]);

type HouseholdKind =
  | 'elderly-alone'
  | 'elderly-couple'
  | 'three-generations'
  | 'disability-family'
  | 'single-parent'
  | 'grandparents-raising'
  | 'orphan-siblings'
  | 'single-adult'
  | 'with-relatives';

const HOUSEHOLD_KINDS = new WeightedTable<HouseholdKind>([
  ['elderly-alone', 22],
  ['elderly-couple', 10],
  ['three-generations', 16],
  ['disability-family', 18],
  ['single-parent', 8],
  ['grandparents-raising', 8],
  ['orphan-siblings', 3],
  ['single-adult', 11],
  ['with-relatives', 4],
]);

const STATUSES = new WeightedTable<PersonStatus>([
  ['living', 96],
  ['deceased', 3],
  ['moved_away', 1],
]);

const POVERTY = new WeightedTable<PovertyStatus>([
  ['none', 85],
  ['poor', 8],
  ['near_poor', 7],
]);

const ACCOUNT_KINDS = new WeightedTable<AccountKind | null>([
  ['bank', 45],
  ['e_wallet', 5],
  ['mobile_money', 5],
  [null, 45],
]);

// Bank account number lengths follow each bank's usual format.
const BANKS = new WeightedTable<readonly [code: string, accountLength: number]>([
  [['VBSP', 14], 30],
  [['VBA', 13], 35],
  [['VCB', 13], 8],
  [['BIDV', 14], 8],
  [['ICB', 12], 7],
  [['LPB', 12], 6],
  [['MB', 13], 4],
  [['TCB', 14], 2],
]);
const E_WALLETS = new WeightedTable<string>([
  ['MOMO', 7],
  ['ZALOPAY', 3],
]);
const MOBILE_MONEY = new WeightedTable<string>([
  ['VIETTELMONEY', 7],
  ['VNPTMONEY', 3],
]);

// Mobile prefixes of Viettel, VinaPhone, MobiFone, Vietnamobile and Gmobile, roughly by subscribers.
const PHONE_PREFIXES = new WeightedTable<string>([
  ...'032 033 034 035 036 037 038 039 086 096 097 098'.split(' ').map((p) => [p, 5] as const),
  ...'081 082 083 084 085 088 091 094'.split(' ').map((p) => [p, 4] as const),
  ...'070 076 077 078 079 089 090 093'.split(' ').map((p) => [p, 3] as const),
  ...'052 056 058 092 059 099'.split(' ').map((p) => [p, 1] as const),
]);

// E-wallets and mobile money are opened on a phone number, so their holders always have one.
const PHONE_SHARE_WITHOUT_WALLET = (0.6 - 0.1) / 0.9;

const HAMLET_WORDS =
  'Trung Đông Tây Nam Bắc Thượng Hạ Tân Mới Chùa Đình Cầu Giữa Trại Đồng Bãi Tiền Hậu Đoài Yên'.split(' ');
const VILLAGE_NAMES =
  'Nà Lừa|Pác Bó|Nặm Cắm|Hua Pan|Phiêng Lanh|Co Muông|Lũng Pù|Khuổi Nọi|Nà Sài|Tả Phìn'.split('|');
// Hamlets are ấp in the South-East and the Mekong delta (province codes 70 and above).
const FIRST_SOUTHERN_PROVINCE = 70;
const VILLAGE_ETHNICITIES = new Set(['02', '03', '06', '07', '08', '09']);

const CCCD_PROVINCES = [...CCCD_PROVINCE_CODES].map(Number);
const CUMULATIVE_DAYS = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334, 365];

function isoDate(year: number, dayOfYear: number): string {
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 1 : 0;
  let month = 1;
  while (dayOfYear >= CUMULATIVE_DAYS[month]! + (month >= 2 ? leap : 0)) month++;
  const day = dayOfYear - CUMULATIVE_DAYS[month - 1]! - (month >= 3 ? leap : 0) + 1;
  return `${year}-${month < 10 ? '0' : ''}${month}-${day < 10 ? '0' : ''}${day}`;
}

type MemberPlan = { relation: RelationToHead; gender: Gender; age: number; familyName: string };

type Household = {
  communeIndex: number;
  code: string;
  address: string | null;
  ethnicityCode: string;
  povertyStatus: PovertyStatus;
  povertyYear: number | null;
  headName: PersonName | null;
};

/**
 * Hands out CCCD serials: per (birth province, sex-and-century digit, year) a counter run through
 * a keyed permutation of 000000..999999, so numbers look random yet never repeat.
 */
class CitizenIdAllocator {
  // Counters in one typed array indexed by (province, digit, yy): no object per prefix to chase.
  private readonly used = new Int32Array(100 * 10 * 100);
  private readonly serials = new Permutation(1_000_000);
  private readonly seed: number;
  constructor(seed: number) {
    this.seed = seed;
  }

  next(province: number, gender: Gender, birthYear: number): string | null {
    const centuryDigit = (Math.floor(birthYear / 100) - 19) * 2 + (gender === 'female' ? 1 : 0);
    const yy = birthYear % 100;
    const slot = (province * 10 + centuryDigit) * 100 + yy;
    const used = this.used[slot]!;
    if (used === this.serials.size) return null;
    this.used[slot] = used + 1;
    const serial = this.serials.at(used, mix32(slot ^ this.seed));
    return (
      (province < 10 ? '00' : '0') +
      province +
      centuryDigit +
      (yy < 10 ? '0' : '') +
      yy +
      String(1_000_000 + serial).slice(1)
    );
  }
}

/**
 * Synthetic register records, household by household (members consecutive, head first), lazily:
 * a million records never sit in memory together. The same seed and communes give the same records.
 */
export function* generatePersons(
  options: GeneratePersonsOptions,
): Generator<SyntheticPerson, void, undefined> {
  const { seed, count, communes } = options;
  if (communes.length === 0) throw new Error('generatePersons needs at least one commune');
  const random = new Random(seed);
  const citizenIds = new CitizenIdAllocator(seed);
  const oldIds = new Permutation(1_000_000_000, hashString('cmnd', seed));
  let oldIdsUsed = 0;
  const householdSeqs = new Int32Array(communes.length);
  // The province a CCCD names for each commune's residents, or -1 when its code is not a valid one.
  const communeProvinces = communes.map(({ provinceCode }) =>
    CCCD_PROVINCE_CODES.has(`0${provinceCode}`) ? Number(provinceCode) : -1,
  );
  const pendingDuplicates: { due: number; original: SyntheticPerson; communeIndex: number }[] = [];

  const randomGender = (): Gender => (random.chance(0.5) ? 'male' : 'female');

  const newHousehold = (communeIndex: number, ethnicityCode: string): Household => {
    const commune = communes[communeIndex]!;
    const seq = ++householdSeqs[communeIndex]!;
    const povertyStatus = random.weighted(POVERTY);
    return {
      communeIndex,
      code: `${commune.code}-${String(seq).padStart(5, '0')}`,
      address: randomAddress(random, commune, ethnicityCode),
      ethnicityCode,
      povertyStatus,
      povertyYear: povertyStatus === 'none' ? null : random.int(2022, 2026),
      headName: null,
    };
  };

  const birthOf = (age: number): { birthYear: number; birthDate: string | null } => {
    const birthYear = REFERENCE_YEAR - age;
    const unknownDay = birthYear < 1950 ? 0.35 : birthYear < 1970 ? 0.16 : 0.08;
    if (random.chance(unknownDay)) return { birthYear, birthDate: null };
    const lastDay = birthYear === REFERENCE_YEAR ? REFERENCE_DAY_OF_YEAR : 364;
    return { birthYear, birthDate: isoDate(birthYear, random.int(0, lastDay)) };
  };

  const citizenIdOf = (communeIndex: number, gender: Gender, birthYear: number): string | null => {
    const home = communeProvinces[communeIndex]!;
    // Most were born where they live; some registered their birth in another province.
    const province = home >= 0 && random.chance(0.95) ? home : random.pick(CCCD_PROVINCES);
    return citizenIds.next(province, gender, birthYear);
  };

  const oldIdNumber = (): string | null =>
    oldIdsUsed < oldIds.size ? String(1_000_000_000 + oldIds.at(oldIdsUsed++)).slice(1) : null;

  const phoneNumber = (): string => random.weighted(PHONE_PREFIXES) + random.digits(7);

  const contactAndAccount = (
    household: Household,
    holder: string,
  ): { phone: string | null; account: SyntheticAccount | null } => {
    const kind = random.weighted(ACCOUNT_KINDS);
    const phone = kind === 'e_wallet' || kind === 'mobile_money' || random.chance(PHONE_SHARE_WITHOUT_WALLET);
    const phoneNumberOrNull = phone ? phoneNumber() : null;
    if (kind === null) return { phone: phoneNumberOrNull, account: null };
    let holderName = holder;
    if (random.chance(0.03)) {
      // A guardian's account: the household head's, or someone outside the household.
      holderName =
        household.headName && household.headName.holderName !== holder
          ? household.headName.holderName
          : randomName(random, { gender: randomGender(), birthYear: random.int(1950, 1995) }).holderName;
    }
    let providerCode: string;
    let accountNumber: string;
    if (kind === 'bank') {
      const [code, length] = random.weighted(BANKS);
      providerCode = code;
      accountNumber = random.digits(length, false);
    } else {
      providerCode = random.weighted(kind === 'e_wallet' ? E_WALLETS : MOBILE_MONEY);
      accountNumber = phoneNumberOrNull!;
    }
    return { phone: phoneNumberOrNull, account: { kind, providerCode, accountNumber, holderName } };
  };

  const makePerson = (household: Household, plan: MemberPlan): SyntheticPerson => {
    const { birthYear, birthDate } = birthOf(plan.age);
    const name = randomName(random, {
      gender: plan.gender,
      birthYear,
      ethnicityCode: household.ethnicityCode,
      familyName: plan.familyName,
    });
    household.headName ??= name;
    const age = plan.age;
    const withoutCitizenId = age < 14 ? 0.15 : age >= 85 ? 0.06 : 0.01;
    const citizenId = random.chance(withoutCitizenId)
      ? null
      : citizenIdOf(household.communeIndex, plan.gender, birthYear);
    const { phone, account } = contactAndAccount(household, name.holderName);
    return {
      fullName: name.fullName,
      gender: plan.gender,
      birthDate,
      birthYear,
      ethnicityCode: household.ethnicityCode,
      citizenId,
      oldIdNumber: birthYear < 1990 && random.chance(0.1) ? oldIdNumber() : null,
      phone,
      residenceUnitCode: communes[household.communeIndex]!.code,
      address: household.address,
      householdCode: household.code,
      relationToHead: plan.relation,
      povertyStatus: household.povertyStatus,
      povertyYear: household.povertyYear,
      account,
      status: random.weighted(STATUSES),
    };
  };

  /** The same person registered again: same folded name and birth year, another or no CCCD. */
  const nearDuplicate = (original: SyntheticPerson, communeIndex: number): SyntheticPerson => {
    const household = newHousehold(communeIndex, original.ethnicityCode);
    if (random.chance(0.6)) household.address = original.address;
    const birthDateShape = random.float();
    const birthDate =
      birthDateShape < 0.4
        ? original.birthDate
        : birthDateShape < 0.7
          ? null
          : isoDate(
              original.birthYear,
              random.int(0, original.birthYear === REFERENCE_YEAR ? REFERENCE_DAY_OF_YEAR : 364),
            );
    const citizenId = random.chance(0.5)
      ? null
      : citizenIdOf(communeIndex, original.gender, original.birthYear);
    const { phone, account } = contactAndAccount(household, bankHolderName(original.fullName));
    const phoneBased = account !== null && account.kind !== 'bank';
    return {
      ...original,
      fullName: respell(random, original.fullName),
      birthDate,
      citizenId,
      oldIdNumber: random.chance(0.5) ? original.oldIdNumber : null,
      phone: !phoneBased && random.chance(0.5) ? original.phone : phone,
      address: household.address,
      householdCode: household.code,
      relationToHead: 'head',
      povertyStatus: household.povertyStatus,
      povertyYear: household.povertyYear,
      account,
      status: 'living',
    };
  };

  let emitted = 0;
  let householdCount = 0;
  while (emitted < count) {
    householdCount++;
    const due = pendingDuplicates.findIndex((pending) => pending.due <= householdCount);
    if (due >= 0) {
      const { original, communeIndex } = pendingDuplicates.splice(due, 1)[0]!;
      emitted++;
      yield nearDuplicate(original, communeIndex);
      continue;
    }
    const communeIndex = random.int(0, communes.length - 1);
    const ethnicityCode = random.weighted(ETHNICITY_WEIGHTS);
    const household = newHousehold(communeIndex, ethnicityCode);
    for (const plan of planHousehold(random, ethnicityCode)) {
      if (emitted >= count) return;
      const person = makePerson(household, plan);
      // ≈0.5% of records get a near-duplicate a few households later.
      if (random.chance(0.005)) {
        pendingDuplicates.push({ due: householdCount + random.int(1, 40), original: person, communeIndex });
      }
      emitted++;
      yield person;
    }
  }
}

function randomAddress(random: Random, commune: Commune, ethnicityCode: string): string | null {
  if (random.chance(0.05)) return null;
  const urban = commune.kind === 'Phường' || commune.kind === 'Thị trấn';
  const south = Number(commune.provinceCode) >= FIRST_SOUTHERN_PROVINCE;
  if (urban) {
    const n = random.int(1, 30);
    const group = random.chance(0.15) ? (south ? `Khu phố ${n}` : `Khối ${n}`) : `Tổ dân phố ${n}`;
    // A house number puts a comma in the field, which CSV readers must cope with.
    return random.chance(0.3) ? `Số ${random.int(1, 250)}, ${group}` : group;
  }
  if (south) return random.chance(0.7) ? `Ấp ${random.int(1, 12)}` : `Ấp ${random.pick(HAMLET_WORDS)}`;
  if (VILLAGE_ETHNICITIES.has(ethnicityCode) && random.chance(0.6))
    return `Bản ${random.pick(VILLAGE_NAMES)}`;
  const shape = random.float();
  if (shape < 0.5) return `Thôn ${random.int(1, 15)}`;
  return `${shape < 0.75 ? 'Xóm' : 'Thôn'} ${random.pick(HAMLET_WORDS)}`;
}

/** The name as another official typed it: the same letters, sometimes without some or all marks. */
function respell(random: Random, fullName: string): string {
  const shape = random.float();
  if (shape < 0.5) return fullName;
  const strip = (word: string) =>
    word
      .normalize('NFD')
      .replace(/[\u0300-\u036f]/g, '')
      .replace(/đ/g, 'd')
      .replace(/Đ/g, 'D');
  const words = fullName.split(' ');
  if (shape < 0.8) {
    const index = random.int(0, words.length - 1);
    words[index] = strip(words[index]!);
    return words.join(' ');
  }
  return words.map(strip).join(' ');
}

function planHousehold(random: Random, ethnicityCode: string): MemberPlan[] {
  const members: MemberPlan[] = [];
  const familyName = () => randomFamilyName(random, ethnicityCode);
  const randomGender = (): Gender => (random.chance(0.5) ? 'male' : 'female');
  const elderlyAge = (): number => {
    const [min, max] = random.weighted(ELDERLY_AGES);
    return random.int(min, max);
  };
  const add = (relation: RelationToHead, gender: Gender, age: number, family = familyName()): MemberPlan => {
    const member = { relation, gender, age: Math.max(0, Math.min(105, age)), familyName: family };
    members.push(member);
    return member;
  };
  const addHead = (gender: Gender, age: number) => add('head', gender, age);
  const addSpouse = (head: MemberPlan): MemberPlan => {
    const gap = random.int(0, 8);
    return head.gender === 'male'
      ? add('spouse', 'female', Math.max(18, head.age - gap))
      : add('spouse', 'male', Math.max(18, head.age + gap));
  };
  // Children take the father's family name; a mother alone passes on one name to them all.
  const paternalName = (...parents: MemberPlan[]): string =>
    parents.find((parent) => parent.gender === 'male')?.familyName ?? familyName();
  const addChildren = (
    howMany: number,
    relation: RelationToHead,
    youngestParentAge: number,
    family: string,
  ) => {
    const oldest = youngestParentAge - 18;
    if (oldest < 0) return;
    const youngest = Math.max(0, youngestParentAge - 45);
    for (let i = 0; i < howMany; i++) add(relation, randomGender(), random.int(youngest, oldest), family);
  };

  switch (random.weighted(HOUSEHOLD_KINDS)) {
    case 'elderly-alone':
      addHead(random.chance(0.65) ? 'female' : 'male', elderlyAge());
      break;
    case 'elderly-couple': {
      const head = addHead('male', random.chance(0.3) ? random.int(62, 74) : elderlyAge());
      const spouse = addSpouse(head);
      if (random.chance(0.3)) addChildren(1, 'child', spouse.age, head.familyName);
      break;
    }
    case 'three-generations': {
      const head = addHead(random.chance(0.8) ? 'male' : 'female', random.int(35, 62));
      const parents = [head];
      if (random.chance(0.85)) parents.push(addSpouse(head));
      const parentAge = () => Math.min(105, Math.max(elderlyAge(), head.age + random.int(18, 30)));
      if (random.chance(0.5))
        add('parent', 'male', parentAge(), head.gender === 'male' ? head.familyName : familyName());
      add('parent', 'female', parentAge());
      const youngest = Math.min(...parents.map((parent) => parent.age));
      addChildren(random.int(0, 3), 'child', youngest, paternalName(...parents));
      break;
    }
    case 'disability-family': {
      const head = addHead(random.chance(0.75) ? 'male' : 'female', random.int(28, 65));
      const parents = [head];
      if (random.chance(0.8)) parents.push(addSpouse(head));
      const youngest = Math.min(...parents.map((parent) => parent.age));
      addChildren(random.int(1, 4), 'child', youngest, paternalName(...parents));
      if (random.chance(0.05)) add('other', randomGender(), random.int(5, 60));
      break;
    }
    case 'single-parent': {
      const head = addHead(random.chance(0.85) ? 'female' : 'male', random.int(25, 58));
      addChildren(random.int(1, 3), 'child', head.age, paternalName(head));
      break;
    }
    case 'grandparents-raising': {
      const head = addHead(randomGender(), random.int(55, 85));
      const grandparents = [head];
      if (random.chance(0.5)) grandparents.push(addSpouse(head));
      const paternal = random.chance(0.6) ? paternalName(...grandparents) : familyName();
      const oldest = Math.min(17, Math.min(...grandparents.map((parent) => parent.age)) - 36);
      const howMany = random.int(1, 3);
      for (let i = 0; i < howMany; i++) add('grandchild', randomGender(), random.int(0, oldest), paternal);
      break;
    }
    case 'orphan-siblings': {
      const head = addHead(randomGender(), random.int(16, 24));
      const howMany = random.int(1, 3);
      for (let i = 0; i < howMany; i++) add('sibling', randomGender(), random.int(0, 17), head.familyName);
      break;
    }
    case 'single-adult':
      addHead(randomGender(), random.int(18, 70));
      break;
    case 'with-relatives': {
      const head = addHead(randomGender(), random.int(30, 70));
      if (random.chance(0.6)) addSpouse(head);
      if (random.chance(0.5))
        add('sibling', randomGender(), Math.max(18, head.age + random.int(-10, 10)), head.familyName);
      const others = random.int(1, 2);
      for (let i = 0; i < others; i++) add('other', randomGender(), random.int(0, 80));
      break;
    }
  }
  return members.length > 6 ? members.slice(0, 6) : members;
}
