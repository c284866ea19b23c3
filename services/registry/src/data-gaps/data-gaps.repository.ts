import { arrayLiteral, UNIT_IDS_UNDER } from '@ansinh/common';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Person } from '../persons/person.entity.ts';

export const DATA_GAP_FIELDS = [
  'citizen_id',
  'gender',
  'ethnicity',
  'bank_account',
  'decision_number',
  'decision_date',
] as const;
export type DataGapField = (typeof DATA_GAP_FIELDS)[number];

/**
 * SQL condition, over living persons `p`, for lacking one field. An account of any kind counts (bank,
 * e-wallet or mobile money); decision fields concern persons with an entitlement active this month.
 */
const LACKS: Record<DataGapField, string> = {
  citizen_id: 'p.citizen_id is null',
  gender: "p.gender = 'unknown'",
  ethnicity: 'p.ethnicity_code is null',
  bank_account: 'not exists (select 1 from registry.payment_accounts a where a.person_id = p.id)',
  decision_number:
    "exists (select 1 from approvals.v_active_entitlements e where e.person_id = p.id and coalesce(e.decision_number, '') = '')",
  decision_date:
    'exists (select 1 from approvals.v_active_entitlements e where e.person_id = p.id and e.decision_date is null)',
};

/** Counts of one unit: `unitPaths` are the paths its persons lie under (a unit's read paths, or one child's path). */
export type UnitGapCounts = { unitPaths: string[]; persons: number; missing: Record<DataGapField, number> };

/**
 * Counts of living persons lacking each field, under the paths of a unit (its own and those of the units
 * merged whole into it: its persons of every era) and for each unit directly under one of them, in one pass.
 */
export async function countDataGaps(
  em: EntityManager,
  unitPaths: readonly string[],
): Promise<{ total: UnitGapCounts; byUnit: UnitGapCounts[] }> {
  const counts = DATA_GAP_FIELDS.map((field) => `count(*) filter (where ${LACKS[field]})::int as "${field}"`);
  const rows = await em.execute<
    (Record<DataGapField, number> & { child: string | null; persons: number; is_total: number })[]
  >(
    `with paths as (select unnest(?::ltree[]) as path),
     p as (
       select p.*, (select subpath(u.path, 0, nlevel(r.path) + 1)::text from paths r
                     where u.path <@ r.path and nlevel(u.path) > nlevel(r.path) limit 1) as child
         from registry.persons p
         join registry.administrative_units u on u.id = p.residence_unit_id
        where u.path <@ any(?::ltree[]) and p.status = 'living'
     )
     select child, grouping(child) as is_total, count(*)::int as persons, ${counts.join(', ')}
       from p
      group by rollup (child)`,
    [arrayLiteral(unitPaths), arrayLiteral(unitPaths)],
  );
  const shape = (row: (typeof rows)[number], paths: string[]): UnitGapCounts => ({
    unitPaths: paths,
    persons: row.persons,
    missing: Object.fromEntries(DATA_GAP_FIELDS.map((field) => [field, row[field]])) as Record<
      DataGapField,
      number
    >,
  });
  const totalRow = rows.find((row) => row.is_total === 1);
  const empty = {
    persons: 0,
    ...Object.fromEntries(DATA_GAP_FIELDS.map((field) => [field, 0])),
  } as (typeof rows)[number];
  return {
    total: shape(totalRow ?? empty, [...unitPaths]),
    byUnit: rows
      .filter((row) => row.is_total === 0 && row.child !== null)
      .map((row) => shape(row, [row.child!]))
      .sort((a, b) => a.unitPaths[0]!.localeCompare(b.unitPaths[0]!)),
  };
}

/** The first living persons under `unitPaths` lacking `field`, by name. */
export function personsLacking(
  em: EntityManager,
  unitPaths: readonly string[],
  field: DataGapField,
  limit = 100,
): Promise<Person[]> {
  return em
    .createQueryBuilder(Person, 'p')
    .where(`p.residence_unit_id in (${UNIT_IDS_UNDER})`, [arrayLiteral(unitPaths)])
    .andWhere({ status: 'living' })
    .andWhere(LACKS[field])
    .orderBy({ nameFolded: 'asc', id: 'asc' })
    .limit(limit)
    .getResultList();
}

/** What the `DataGap` resolvers start from: the persons are read only when asked for. */
export type DataGapParent = { field: Uppercase<DataGapField>; missing: number; unitPaths: string[] };
