import { randomUUID } from 'node:crypto';
import { sqlRows } from '@ansinh/tests/support';

/**
 * Hà Tĩnh across the 1 July 2025 reform, small and exact, on a database without the demo data: the
 * units of both eras with the codes of the demo accounts (so that real tokens name them), persons as
 * the registry leaves them after its carry-over, and their entitlements and payment lines as the
 * units of each era made them.
 *
 * Before (ended 30 June 2025): province 42 > districts 436 and 440 > communes 18073 Nam Hà, 18077 Bắc
 * Hà and 18082 Đại Nài (436), 18229 Đức Thọ (440). Districts are abolished. 18073 and 18077 merge whole
 * into the new 18073 (a reused code), 18082 is split over the new 18073 and 18652, 18229 merges whole
 * into the new 18229, and the province 42 into the new 42.
 */
export type EraFixture = {
  units: Record<
    | 'oldProvince'
    | 'newProvince'
    | 'district436'
    | 'district440'
    | 'old18073'
    | 'old18077'
    | 'old18082'
    | 'old18229'
    | 'new18073'
    | 'new18652'
    | 'new18229',
    string
  >;
  persons: Record<
    | 'namHa' // lived in old 18073, now in the new 18073
    | 'bacHa' // old 18077 → new 18073 (whole)
    | 'splitHere' // old 18082 (split), assigned to the new 18073
    | 'splitThere' // old 18082 (split), assigned to the new 18652
    | 'splitWaiting' // old 18082 (split), in the review queue: still on the old unit
    | 'ducTho' // old 18229 → new 18229
    | 'newcomer', // registered after the reform in the new 18073
    string
  >;
  /** Active entitlements made before the reform by the old commune, by person (none for the newcomer). */
  active: Record<string, string>;
  /** Entitlements stopped before the reform, by person: bacHa (old 18077) and splitHere (old 18082). */
  stopped: Record<string, string>;
};

const BEFORE = '2025-06-30';
const AFTER = '2025-07-01';

export async function seedEraFixture(databaseUrl: string): Promise<EraFixture> {
  const sql = (text: string, params: unknown[] = []) => sqlRows(databaseUrl, text, params);
  const units = {
    oldProvince: randomUUID(),
    newProvince: randomUUID(),
    district436: randomUUID(),
    district440: randomUUID(),
    old18073: randomUUID(),
    old18077: randomUUID(),
    old18082: randomUUID(),
    old18229: randomUUID(),
    new18073: randomUUID(),
    new18652: randomUUID(),
    new18229: randomUUID(),
  };
  type UnitRow = [keyof typeof units, string, string, string, string | null, string[], 'old' | 'new'];
  const rows: UnitRow[] = [
    ['oldProvince', '42', 'Hà Tĩnh', 'province', null, ['42'], 'old'],
    ['district436', '436', 'Hà Tĩnh', 'district', '42', [], 'old'],
    ['district440', '440', 'Đức Thọ', 'district', '42', [], 'old'],
    ['old18073', '18073', 'Nam Hà', 'commune', '436', ['18073'], 'old'],
    ['old18077', '18077', 'Bắc Hà', 'commune', '436', ['18073'], 'old'],
    ['old18082', '18082', 'Đại Nài', 'commune', '436', ['18073', '18652'], 'old'],
    ['old18229', '18229', 'Đức Thọ', 'commune', '440', ['18229'], 'old'],
    ['newProvince', '42', 'Hà Tĩnh', 'province', null, [], 'new'],
    ['new18073', '18073', 'Thành Sen', 'commune', '42', [], 'new'],
    ['new18652', '18652', 'Hà Huy Tập', 'commune', '42', [], 'new'],
    ['new18229', '18229', 'Đức Thọ', 'commune', '42', [], 'new'],
  ];
  for (const [key, code, name, level, parentCode, successors, era] of rows) {
    await sql(
      `insert into registry.administrative_units (id, code, name, full_name, level, kind, parent_code, path, valid_from, valid_to, successor_codes)
       values ($1, $2::text, $3::text, $3::text, $4, 'Xã', $5, text2ltree($2::text), $6::date, $7::date, $8)`,
      [
        units[key],
        code,
        name,
        level,
        parentCode,
        era === 'new' ? AFTER : null,
        era === 'old' ? BEFORE : null,
        successors,
      ],
    );
  }
  await sql('select registry.refresh_unit_lineage()');

  const persons = {
    namHa: randomUUID(),
    bacHa: randomUUID(),
    splitHere: randomUUID(),
    splitThere: randomUUID(),
    splitWaiting: randomUUID(),
    ducTho: randomUUID(),
    newcomer: randomUUID(),
  };
  /** Where each person lives now (after the registry's carry-over), and the commune that paid them before. */
  const lives: Record<keyof typeof persons, [now: keyof typeof units, before: keyof typeof units | null]> = {
    namHa: ['new18073', 'old18073'],
    bacHa: ['new18073', 'old18077'],
    splitHere: ['new18073', 'old18082'],
    splitThere: ['new18652', 'old18082'],
    splitWaiting: ['old18082', 'old18082'],
    ducTho: ['new18229', 'old18229'],
    newcomer: ['new18073', null],
  };
  const active: Record<string, string> = {};
  const stopped: Record<string, string> = {};
  let serial = 0;
  for (const [person, [now, before]] of Object.entries(lives) as [
    keyof typeof persons,
    [keyof typeof units, keyof typeof units | null],
  ][]) {
    serial += 1;
    await sql(
      `insert into registry.persons (id, full_name, name_folded, birth_year, gender, residence_unit_id, address, status, created_at, updated_at)
       values ($1, $2, registry.fold_name($2), 1950, 'female', $3, 'Thôn 1', 'living', now(), now())`,
      [persons[person], `Nguyễn Thị Thử ${serial}`, units[now]],
    );
    const paidBy = before ?? now;
    const entitlement = randomUUID();
    await sql(
      `insert into approvals.entitlements (id, person_id, unit_id, policy_group, coefficient_hundredths, start_month, end_month, decision_number, decision_date, status, created_at)
       values ($1, $2, $3, '5.5.a', 150, $4, null, $5, $6, 'active', now())`,
      [
        entitlement,
        persons[person],
        units[paidBy],
        before ? '2024-01' : '2025-08',
        `${serial}/QĐ`,
        before ? '2024-01-05' : '2025-08-05',
      ],
    );
    active[person] = entitlement;
    // One line paid before the reform by the old commune; after it, one by the commune that pays now.
    if (before) await paymentLine(sql, persons[person], entitlement, units[before], '2025-05');
    if (!now.startsWith('old')) await paymentLine(sql, persons[person], entitlement, units[now], '2025-08');
  }
  for (const person of ['bacHa', 'splitHere'] as const) {
    const entitlement = randomUUID();
    await sql(
      `insert into approvals.entitlements (id, person_id, unit_id, policy_group, coefficient_hundredths, start_month, end_month, decision_number, decision_date, status, created_at)
       values ($1, $2, $3, '5.1', 100, '2022-01', '2024-12', 'cũ/QĐ', '2022-01-05', 'stopped', now())`,
      [entitlement, persons[person], units[lives[person][1]!]],
    );
    stopped[person] = entitlement;
  }
  return { units, persons, active, stopped };
}

async function paymentLine(
  sql: (text: string, params?: unknown[]) => Promise<unknown>,
  personId: string,
  entitlementId: string,
  unitId: string,
  month: string,
): Promise<void> {
  // A line of the unit's list of the month (a draft while lines are added: a locked list takes none).
  await sql(
    `insert into payments.payment_lists (unit_id, month) values ($1, $2) on conflict (unit_id, month) do nothing`,
    [unitId, month],
  );
  await sql(
    `insert into payments.payment_lines (id, list_id, line_code, person_id, entitlement_id, unit_id, month, amount, arrears, channel, status, paid_on, paid_at, reference, created_at)
     select $1, p.id, 'CT' || lpad(nextval('payments.line_code_seq')::text, 9, '0'), $2, $3, $4, $5::text, 750000, 0, 'cash', 'paid', $6::date, $6::date + time '09:00', null, now()
       from payments.payment_lists p where p.unit_id = $4 and p.month = $5::text`,
    [randomUUID(), personId, entitlementId, unitId, month, `${month}-10`],
  );
}
