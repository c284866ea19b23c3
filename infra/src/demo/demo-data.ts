import { randomUUID } from 'node:crypto';
import { currentMonth } from '@ansinh/common';
import { foldText } from '@ansinh/registry';
import pg from 'pg';
import { DEMO_COMMUNES, DEMO_UNITS, type DemoUnit } from './demo-units.ts';

const FAMILY = ['Nguyễn', 'Trần', 'Lê', 'Phạm', 'Hoàng', 'Phan', 'Võ', 'Đặng', 'Bùi', 'Đỗ', 'Hồ', 'Ngô'];
const MIDDLE_MALE = ['Văn', 'Đức', 'Hữu', 'Công', 'Quang', 'Xuân'];
const MIDDLE_FEMALE = ['Thị', 'Thị', 'Ngọc', 'Thu', 'Minh', 'Thanh'];
const GIVEN_MALE = ['An', 'Bình', 'Cường', 'Dũng', 'Hùng', 'Long', 'Nam', 'Sơn', 'Tuấn', 'Thắng'];
const GIVEN_FEMALE = ['Hoa', 'Lan', 'Mai', 'Hương', 'Hằng', 'Liên', 'Nga', 'Thảo', 'Yến', 'Vân'];
/** Decree 20/2021 groups with their coefficient × 100, in the proportions a commune typically has. */
const GROUPS: readonly [string, number][] = [
  ['5.5.a', 150],
  ['5.5.a', 200],
  ['5.6', 200],
  ['5.6', 150],
  ['5.6', 250],
  ['5.1', 150],
  ['5.4', 100],
  ['5.5.d', 300],
];
const CHANNELS = ['cash', 'cash', 'bank', 'e_wallet', 'mobile_money'] as const;

export type DemoSummary = { units: number; persons: number; entitlements: number; paymentLines: number };

function unitPaths(units: readonly DemoUnit[]): Map<string, string> {
  const byCode = new Map(units.map((unit) => [unit.code, unit]));
  const paths = new Map<string, string>();
  const pathOf = (code: string): string => {
    const known = paths.get(code);
    if (known) return known;
    const unit = byCode.get(code)!;
    const path = unit.parentCode ? `${pathOf(unit.parentCode)}.${code}` : code;
    paths.set(code, path);
    return path;
  };
  for (const unit of units) pathOf(unit.code);
  return paths;
}

/** Months before `month` (YYYY-MM), counting back. */
function monthsBack(month: string, count: number): string {
  const [year, mon] = month.split('-').map(Number) as [number, number];
  const index = year * 12 + (mon - 1) - count;
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`;
}

/**
 * Loads Hà Tĩnh's demo units, persons, entitlements and two months of payment lines, written by
 * each owner's tables. Deterministic (the same persons every time) and idempotent: a database that
 * already has the demo province is left alone.
 */
export async function seedDemoData(
  databaseUrl: string,
  options: { personsPerCommune?: number; now?: Date } = {},
): Promise<DemoSummary> {
  const personsPerCommune = options.personsPerCommune ?? 25;
  const month = currentMonth(options.now ?? new Date());
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const existing = await client.query(`select 1 from registry.administrative_units where code = '42'`);
    if (existing.rowCount) return { units: 0, persons: 0, entitlements: 0, paymentLines: 0 };
    await client.query('begin');
    const paths = unitPaths(DEMO_UNITS);
    for (const unit of DEMO_UNITS) {
      await client.query(
        `insert into registry.administrative_units (id, code, name, full_name, level, kind, parent_code, path, valid_from, valid_to)
         values ($1, $2, $3, $4, $5, $6, $7, $8::ltree, null, null)`,
        [
          randomUUID(),
          unit.code,
          unit.name,
          unit.fullName,
          unit.level,
          unit.kind,
          unit.parentCode,
          paths.get(unit.code),
        ],
      );
    }
    let persons = 0;
    let entitlements = 0;
    let paymentLines = 0;
    let serial = 0;
    for (const communeCode of DEMO_COMMUNES) {
      for (let index = 0; index < personsPerCommune; index += 1) {
        serial += 1;
        const female = serial % 2 === 0;
        const elderly = serial % 3 !== 0;
        const birthYear = elderly ? 1935 + (serial % 25) : 2008 + (serial % 10);
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
          `insert into registry.persons (id, full_name, name_folded, birth_year, birth_date, gender, citizen_id, residence_unit_code, address, status, created_at, updated_at)
           values ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'living', now(), now())`,
          [
            personId,
            name.normalize('NFC'),
            foldText(name),
            birthYear,
            birthDate,
            female ? 'female' : 'male',
            serial % 7 === 0 ? null : citizenId,
            communeCode,
            `Thôn ${(serial % 9) + 1}`,
          ],
        );
        persons += 1;
        if (serial % 6 === 5) continue; // registered, not (yet) a beneficiary
        const [group, coefficient] = GROUPS[serial % GROUPS.length]!;
        const startMonth = monthsBack(month, 3 + (serial % 30));
        const entitlementId = randomUUID();
        await client.query(
          `insert into approvals.entitlements (id, person_id, unit_code, policy_group, coefficient_hundredths, start_month, end_month, decision_number, decision_date, status, created_at)
           values ($1, $2, $3, $4, $5, $6, null, $7, $8, 'active', now())`,
          [
            entitlementId,
            personId,
            communeCode,
            group,
            coefficient,
            startMonth,
            `${100 + serial}/QĐ-UBND`,
            `${startMonth}-05`,
          ],
        );
        entitlements += 1;
        for (const [offset, status] of [
          [1, 'paid'],
          [0, serial % 4 === 0 ? 'unpaid' : serial % 4 === 1 ? 'pending' : 'paid'],
        ] as const) {
          const lineMonth = monthsBack(month, offset);
          await client.query(
            `insert into payments.payment_lines (id, person_id, entitlement_id, unit_code, month, amount, arrears, channel, status, paid_on, reference, created_at)
             -- The amount by the approvals money rule (its SQL functions), not a copied constant.
             values ($1, $2, $3, $4, $5::text,
                     (select approvals.monthly_amount(level.amount, $6::int) from approvals.standard_level_for('42', $5::text) level (amount)),
                     0, $7, $8, $9, null, now())`,
            [
              randomUUID(),
              personId,
              entitlementId,
              communeCode,
              lineMonth,
              coefficient,
              CHANNELS[serial % CHANNELS.length],
              status,
              status === 'paid' ? `${lineMonth}-10` : null,
            ],
          );
          paymentLines += 1;
        }
      }
    }
    await client.query('commit');
    return { units: DEMO_UNITS.length, persons, entitlements, paymentLines };
  } catch (error) {
    await client.query('rollback').catch(() => undefined);
    throw error;
  } finally {
    await client.end();
  }
}
