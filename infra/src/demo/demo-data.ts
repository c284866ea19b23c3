import { randomUUID } from 'node:crypto';
import { addMonths, currentMonth } from '@ansinh/common';
import { seedDemoApplications, seedDemoResolution42, seedDemoSyncModes } from '@ansinh/approvals';
import { carryAcrossReform, foldText, formatImportReport, loadNationalUnits } from '@ansinh/registry';
import pg from 'pg';
import { seedDemoLedger, type DemoLedger } from './demo-ledger.ts';
import {
  countPayments,
  monthsBetween,
  seedDemoPaymentAccounts,
  seedDemoPaymentLists,
} from './demo-payments.ts';
import { DEMO_COMMUNES, DEMO_CURRENT_COMMUNES, DEMO_REFORM_DATE } from './demo-units.ts';

const FAMILY = ['Nguyễn', 'Trần', 'Lê', 'Phạm', 'Hoàng', 'Phan', 'Võ', 'Đặng', 'Bùi', 'Đỗ', 'Hồ', 'Ngô'];
const MIDDLE_MALE = ['Văn', 'Đức', 'Hữu', 'Công', 'Quang', 'Xuân'];
const MIDDLE_FEMALE = ['Thị', 'Thị', 'Ngọc', 'Thu', 'Minh', 'Thanh'];
const GIVEN_MALE = ['An', 'Bình', 'Cường', 'Dũng', 'Hùng', 'Long', 'Nam', 'Sơn', 'Tuấn', 'Thắng'];
const GIVEN_FEMALE = ['Hoa', 'Lan', 'Mai', 'Hương', 'Hằng', 'Liên', 'Nga', 'Thảo', 'Yến', 'Vân'];
/**
 * Decree 20/2021 groups with their coefficient × 100 (domain guide §3) that a person of this age can
 * hold, in the proportions a commune typically has: children (5.1 without support: 2.5 under 4, 1.5
 * from 4; 5.6.a/5.6.b disability of a child: 2.5 especially severe, 2.0 severe), young people of 16 to
 * 22 in school (5.2: 1.5), adults (5.6.a/b: 2.0 / 1.5; 5.4 single poor parent: 1.0) and the elderly
 * (5.5.a poor with no one to support them: 1.5 from 60, 2.0 from 80; 5.5.d cared for in the community:
 * 3.0; 5.6.a/b of an elderly person: 2.5 / 2.0). 5.5.b and 5.5.c stopped on 1 July 2025, so no active
 * entitlement of today is in them. The coefficient is the category's band (approvals.category_bands);
 * it is listed here to keep a person's group the same across ages.
 */
function groupsForAge(age: number): readonly (readonly [string, number])[] {
  if (age < 4)
    return [
      ['5.1', 250],
      ['5.6.a', 250],
    ];
  if (age < 16)
    return [
      ['5.1', 150],
      ['5.1', 150],
      ['5.6.a', 250],
      ['5.6.b', 200],
    ];
  if (age < 22)
    return [
      ['5.2', 150],
      ['5.6.a', 200],
    ];
  if (age < 60)
    return [
      ['5.6.a', 200],
      ['5.6.b', 150],
      ['5.4', 100],
    ];
  if (age < 80)
    return [
      ['5.5.a', 150],
      ['5.5.a', 150],
      ['5.6.a', 250],
      ['5.5.d', 300],
    ];
  return [
    ['5.5.a', 200],
    ['5.5.a', 200],
    ['5.6.a', 250],
    ['5.5.d', 300],
  ];
}

/**
 * The groups open to the person both when the entitlement started and today (an entitlement still
 * active must fit the person's age now too: a child who has turned 16 is no longer in 5.1).
 */
function groupsForAges(ageAtStart: number, ageNow: number): readonly (readonly [string, number])[] {
  const now = groupsForAge(ageNow);
  return groupsForAge(ageAtStart).filter(([group, coefficient]) =>
    now.some(([other, otherCoefficient]) => other === group && otherCoefficient === coefficient),
  );
}

export type DemoSummary = {
  /** Administrative units loaded from the national lists (0: they were there already). */
  units: number;
  persons: number;
  entitlements: number;
  /** Decisions of the ledger: the pre-reform grants (signed by the districts) and today's decisions. */
  decisions: number;
  /** Applications at every step of both eras. */
  applications: number;
  /** Rows of the Resolution 42 lists (one commune, four groups, people in several groups flagged). */
  resolution42Rows: number;
  /** Monthly payment lists, made by the payments generation: the old communes' before the reform, the current communes' since. */
  paymentLists: number;
  /** Their lines. */
  paymentLines: number;
  /** Persons the reform carried to the successor of their old commune. */
  carried: number;
  /** Persons of a split commune waiting in the reform review queue. */
  inReview: number;
};

const NOTHING: DemoSummary = {
  units: 0,
  persons: 0,
  entitlements: 0,
  decisions: 0,
  applications: 0,
  resolution42Rows: 0,
  paymentLists: 0,
  paymentLines: 0,
  carried: 0,
  inReview: 0,
};

/** The first month of the demo's payment lists (its first lists pay the arrears since each start). */
const FIRST_DEMO_MONTH = '2025-01';

/** The last month before the reform (`2025-06` for 1 July 2025): the demo's records were made up to it. */
const LAST_MONTH_BEFORE_REFORM = addMonths(DEMO_REFORM_DATE.slice(0, 7), -1);

/**
 * Today's Hà Tĩnh with a past: loads the country's units (the national lists, when they are not there
 * yet), then the demo persons, entitlements, payment accounts and monthly payment lists from January
 * 2025 into the old communes (DEMO_COMMUNES) as they stood before the 1 July 2025 reform, each record
 * referring to the commune's pre-reform version (its unit id: the codes were reused after the reform),
 * written by each owner's tables; then carries them across the reform with the reform tool (persons of
 * the split 18082 Đại Nài wait in the review queue), and makes the current communes' lists since, up to
 * this month's, being paid (demo-payments.ts). All in one transaction. Deterministic (the same persons every time) and idempotent: a
 * database that already has persons is left alone.
 */
export async function seedDemoData(
  databaseUrl: string,
  options: { personsPerCommune?: number; now?: Date } = {},
): Promise<DemoSummary> {
  const personsPerCommune = options.personsPerCommune ?? 25;
  const now = currentMonth(options.now ?? new Date());
  const month = now < LAST_MONTH_BEFORE_REFORM ? now : LAST_MONTH_BEFORE_REFORM;
  const dayBefore = new Date(Date.parse(`${DEMO_REFORM_DATE}T00:00:00Z`) - 86_400_000)
    .toISOString()
    .slice(0, 10);
  const units = await ensureNationalUnits(databaseUrl, dayBefore);
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    // The version of each old commune in force on the eve of the reform.
    const { rows: communeRows } = await client.query<{ code: string; id: string }>(
      `select code, id from registry.administrative_units
        where code = any($1::text[]) and level = 'commune'
          and (valid_from is null or valid_from <= $2::date) and (valid_to is null or valid_to >= $2::date)`,
      [DEMO_COMMUNES, dayBefore],
    );
    const unitIdOf = new Map(communeRows.map((row) => [row.code, row.id]));
    const missing = DEMO_COMMUNES.filter((code) => !unitIdOf.has(code));
    if (missing.length) {
      throw new Error(
        `Demo data needs the administrative units first (the national lists): no commune ${missing.join(', ')} in force on ${dayBefore}.`,
      );
    }
    // After the reform the demo persons live in the current communes: any person means the demo is there.
    const existing = await client.query('select 1 from registry.persons limit 1');
    if (existing.rowCount) return { ...NOTHING, units };
    await client.query('begin');
    let persons = 0;
    let entitlements = 0;
    let serial = 0;
    for (const communeCode of DEMO_COMMUNES) {
      const unitId = unitIdOf.get(communeCode)!;
      for (let index = 0; index < personsPerCommune; index += 1) {
        serial += 1;
        const female = serial % 2 === 0;
        const elderly = serial % 3 !== 0;
        const birthYear = elderly
          ? 1935 + (serial % 25)
          : serial % 2
            ? 2010 + (serial % 9)
            : 1970 + (serial % 25);
        const name = [
          FAMILY[serial % FAMILY.length],
          (female ? MIDDLE_FEMALE : MIDDLE_MALE)[serial % 6],
          (female ? GIVEN_FEMALE : GIVEN_MALE)[(serial * 7) % 10],
        ].join(' ');
        const genderDigit = (birthYear >= 2000 ? 2 : 0) + (female ? 1 : 0);
        const citizenId = `042${genderDigit}${String(birthYear % 100).padStart(2, '0')}${String(100000 + serial).slice(-6)}`;
        const yearOnly = serial % 5 === 0;
        const birthDate = yearOnly
          ? null
          : `${birthYear}-${String((serial % 12) + 1).padStart(2, '0')}-${String((serial % 28) + 1).padStart(2, '0')}`;
        const personId = randomUUID();
        await client.query(
          `insert into registry.persons (id, full_name, name_folded, birth_year, birth_date, gender, citizen_id, residence_unit_id, address, status, created_at, updated_at)
           values ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'living', now(), now())`,
          [
            personId,
            name.normalize('NFC'),
            foldText(name),
            birthYear,
            birthDate,
            female ? 'female' : 'male',
            serial % 7 === 0 ? null : citizenId,
            unitId,
            `Thôn ${(serial % 9) + 1}`,
          ],
        );
        persons += 1;
        if (serial % 6 === 5) continue; // registered, not (yet) a beneficiary
        const startMonth = addMonths(month, -(3 + (serial % 30)));
        // A group the person's age allows when the entitlement started and still allows today
        // (no child in an elderly group); ages by year, as for a person known by birth year only.
        const groups = groupsForAges(
          Number(startMonth.slice(0, 4)) - birthYear,
          Number(now.slice(0, 4)) - birthYear,
        );
        if (!groups.length) continue; // crossed an age band since: not a beneficiary in the demo
        const [group] = groups[serial % groups.length]!;
        const entitlementId = randomUUID();
        await client.query(
          `insert into approvals.entitlements (id, person_id, unit_id, category_id, policy_group, coefficient_hundredths, start_month, end_month, decision_number, decision_date, status, created_at)
           select $1, $2, $3, c.id, c.code, null, $5, null, $6, $7, 'active', now()
             from approvals.categories c where c.program_id = 'decree-20' and c.code = $4`,
          [entitlementId, personId, unitId, group, startMonth, `${100 + serial}/QĐ-UBND`, `${startMonth}-05`],
        );
        // Before the reform the district chairman decided (domain guide §4): the grant is the district's.
        await client.query(
          `insert into approvals.decisions (entitlement_id, person_id, kind, number, decided_on, signing_unit_id, signer_name, effective_month, category_id, member_count, recorded_by_id, recorded_by_name)
           select e.id, e.person_id, 'grant', e.decision_number, e.decision_date, u.parent_id, 'Chủ tịch UBND huyện (bản demo)', e.start_month, e.category_id, e.member_count, 'demo', 'demo'
             from approvals.entitlements e join registry.administrative_units u on u.id = e.unit_id where e.id = $1`,
          [entitlementId],
        );
        entitlements += 1;
      }
    }
    // A year of payment lists: the old communes' up to the reform, made before the carry-over.
    const paymentScene = {
      currentMonth: now,
      at: options.now ?? new Date(),
      notUpdatedToday: '18262',
      lateUpdate: '18229',
      reconciled: '18073',
    };
    if (entitlements) {
      await seedDemoPaymentAccounts(client);
      await seedDemoPaymentLists(
        client,
        [...unitIdOf.values()],
        monthsBetween(FIRST_DEMO_MONTH < now ? FIRST_DEMO_MONTH : now, month),
        paymentScene,
      );
    }
    let ledger: DemoLedger | undefined;
    // The reform tool carries them across (in this transaction): whole merges move, the split waits.
    // (A demo dated before the reform stays in the old structure.)
    const afterReform = now >= DEMO_REFORM_DATE.slice(0, 7);
    const reform = afterReform
      ? await carryAcrossReform(client, {
          on: DEMO_REFORM_DATE,
          today: options.now ? vietnamDay(options.now) : undefined,
        })
      : undefined;
    if (afterReform && entitlements) {
      // Since the reform the current communes pay: their lists up to last month, then the ledger's
      // decisions of last month (a death paid after its stop is recovered), then this month's lists.
      const { rows: current } = await client.query<{ id: string }>(
        `select id from registry.administrative_units where code = any($1::text[]) and level = 'commune' and valid_to is null and valid_from is not null`,
        [DEMO_CURRENT_COMMUNES.map((commune) => commune.code)],
      );
      const currentIds = current.map((row) => row.id);
      await seedDemoPaymentLists(
        client,
        currentIds,
        monthsBetween(DEMO_REFORM_DATE.slice(0, 7), addMonths(now, -1)),
        paymentScene,
      );
      ledger = await seedDemoLedger(client, now);
      await seedDemoPaymentLists(client, currentIds, [now], paymentScene);
    } else if (afterReform) {
      ledger = await seedDemoLedger(client, now);
    }
    const applications = afterReform
      ? await seedDemoApplications(client, options.now ? { now: options.now } : {})
      : 0;
    const resolution42 = afterReform ? await seedDemoResolution42(client) : undefined;
    // Hà Tĩnh syncs both ways with its one-stop system; a few provinces one way or not at all.
    await seedDemoSyncModes(client);
    const payments = await countPayments(client);
    await client.query('commit');
    return {
      units,
      persons,
      entitlements,
      decisions: entitlements + (ledger?.decisions ?? 0),
      applications,
      resolution42Rows: resolution42?.rows ?? 0,
      paymentLists: payments.lists,
      paymentLines: payments.lines,
      carried: reform?.totals.persons ?? 0,
      inReview: reform?.totals.queued ?? 0,
    };
  } catch (error) {
    await client.query('rollback').catch(() => undefined);
    throw error;
  } finally {
    await client.end();
  }
}

/** `yyyy-mm-dd` of `date` in Vietnam (UTC+7, no daylight saving). */
function vietnamDay(date: Date): string {
  return new Date(date.getTime() + 7 * 3_600_000).toISOString().slice(0, 10);
}

/**
 * Loads the country's units (both national lists and the merge map) unless the demo's units are
 * already there: the old communes in force on `dayBefore` and the current communes of the demo.
 * Returns the number of units added (0: nothing to do).
 */
export async function ensureNationalUnits(databaseUrl: string, dayBefore: string): Promise<number> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  let present: boolean;
  try {
    const { rows } = await client.query<{ old: number; current: number }>(
      `select count(*) filter (where code = any($1::text[]) and valid_to = $2::date)::int as old,
              count(*) filter (where code = any($3::text[]) and valid_to is null and valid_from is not null)::int as current
         from registry.administrative_units where level = 'commune'`,
      [DEMO_COMMUNES, dayBefore, DEMO_CURRENT_COMMUNES.map((commune) => commune.code)],
    );
    present = rows[0]!.old === DEMO_COMMUNES.length && rows[0]!.current === DEMO_CURRENT_COMMUNES.length;
  } finally {
    await client.end();
  }
  if (present) return 0;
  const report = await loadNationalUnits(databaseUrl);
  if (!report.ok) throw new Error(formatImportReport(report));
  return report.inserted;
}
