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

export type UnitGapCounts = { unitPath: string; persons: number; missing: Record<DataGapField, number> };

/**
 * Counts of living persons lacking each field, for the unit at `unitPath` and for each unit directly
 * under it, in one pass.
 */
export async function countDataGaps(
  em: EntityManager,
  unitPath: string,
): Promise<{ total: UnitGapCounts; byUnit: UnitGapCounts[] }> {
  const counts = DATA_GAP_FIELDS.map((field) => `count(*) filter (where ${LACKS[field]})::int as "${field}"`);
  const rows = await em.execute<
    (Record<DataGapField, number> & { child: string | null; persons: number; is_total: number })[]
  >(
    `with p as (
       select p.*, case when nlevel(u.path) > nlevel(?::ltree) then subpath(u.path, 0, nlevel(?::ltree) + 1)::text end as child
         from registry.persons p
         join registry.administrative_units u on u.code = p.residence_unit_code and u.valid_to is null
        where u.path <@ ?::ltree and p.status = 'living'
     )
     select child, grouping(child) as is_total, count(*)::int as persons, ${counts.join(', ')}
       from p
      group by rollup (child)`,
    [unitPath, unitPath, unitPath],
  );
  const shape = (row: (typeof rows)[number], path: string): UnitGapCounts => ({
    unitPath: path,
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
    total: shape(totalRow ?? empty, unitPath),
    byUnit: rows
      .filter((row) => row.is_total === 0 && row.child !== null)
      .map((row) => shape(row, row.child!))
      .sort((a, b) => a.unitPath.localeCompare(b.unitPath)),
  };
}

/** The first living persons under `unitPath` lacking `field`, by name. */
export function personsLacking(
  em: EntityManager,
  unitPath: string,
  field: DataGapField,
  limit = 100,
): Promise<Person[]> {
  return em
    .createQueryBuilder(Person, 'p')
    .where(
      `p.residence_unit_code in (select code from registry.v_units where valid_to is null and path <@ ?::ltree)`,
      [unitPath],
    )
    .andWhere({ status: 'living' })
    .andWhere(LACKS[field])
    .orderBy({ nameFolded: 'asc', id: 'asc' })
    .limit(limit)
    .getResultList();
}

/** What the `DataGap` resolvers start from: the persons are read only when asked for. */
export type DataGapParent = { field: Uppercase<DataGapField>; missing: number; unitPath: string };
