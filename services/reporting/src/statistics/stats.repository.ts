import type pg from 'pg';
import {
  MAX_GROUPS,
  statsSql,
  type StatsDimension,
  type StatsMeasure,
  type StatsRequest,
} from './stats.query.ts';

export type StatsFigures = Partial<Record<StatsMeasure, number>>;
export type StatsGroup = {
  keys: Partial<Record<StatsDimension, string>>;
  unit?: { id: string; code: string; name: string } | null;
  category?: { code: string; name: string } | null;
  figures: StatsFigures;
};

export class TooManyGroupsError extends Error {}

type Row = Record<string, string | number>;

function figuresOf(row: Row, measures: readonly StatsMeasure[]): StatsFigures {
  return Object.fromEntries(measures.map((measure) => [measure, Number(row[measure] ?? 0)]));
}

/**
 * The groups of a checked request and their totals, read through `client` (scoped as the caller: the
 * cells' row-level security applies too), with the units' codes and names and the categories' codes and
 * names. More than MAX_GROUPS groups throws TooManyGroupsError.
 */
export async function readStats(
  client: pg.ClientBase,
  request: StatsRequest,
  scopePaths: readonly string[],
  includeConfidential: boolean,
): Promise<{ groups: StatsGroup[]; totals: StatsFigures }> {
  const grouped = statsSql(request, scopePaths, { includeConfidential, limit: MAX_GROUPS + 1 });
  const { rows } = await client.query<Row>(grouped.text, grouped.values);
  if (rows.length > MAX_GROUPS) throw new TooManyGroupsError();
  const whole = statsSql({ ...request, groupBy: [] }, scopePaths, { includeConfidential, limit: 1 });
  const { rows: totals } = await client.query<Row>(whole.text, whole.values);

  const unitIds = [...new Set(rows.map((row) => row.k_unit).filter((id): id is string => !!id))];
  const categoryIds = [...new Set(rows.map((row) => row.k_category).filter((id): id is string => !!id))];
  const { rows: units } = unitIds.length
    ? await client.query<{ id: string; code: string; name: string }>(
        'select id, code, full_name as name from registry.v_units where id = any($1::uuid[])',
        [unitIds],
      )
    : { rows: [] };
  const { rows: categories } = categoryIds.length
    ? await client.query<{ id: string; code: string; name: string }>(
        'select id, code, name from approvals.categories where id = any($1::uuid[])',
        [categoryIds],
      )
    : { rows: [] };
  const unitById = new Map(units.map((unit) => [unit.id, unit]));
  const categoryById = new Map(categories.map((category) => [category.id, category]));

  const groups = rows.map((row): StatsGroup => {
    const keys: StatsGroup['keys'] = {};
    for (const dimension of request.groupBy) keys[dimension] = String(row[`k_${dimension}`]);
    return {
      keys,
      unit: request.groupBy.includes('unit') ? (unitById.get(String(row.k_unit)) ?? null) : undefined,
      category: request.groupBy.includes('category')
        ? (categoryById.get(String(row.k_category)) ?? null)
        : undefined,
      figures: figuresOf(row, request.measures),
    };
  });
  const sortKey = (group: StatsGroup) =>
    request.groupBy.map((dimension) =>
      dimension === 'unit'
        ? (group.unit?.code ?? '')
        : dimension === 'category'
          ? (group.category?.code ?? '')
          : (group.keys[dimension] ?? ''),
    );
  const keyed = groups.map((group) => ({ group, key: sortKey(group) }));
  keyed.sort((a, b) => {
    for (let i = 0; i < a.key.length; i++) {
      const order = a.key[i]!.localeCompare(b.key[i]!, 'vi', { numeric: true });
      if (order !== 0) return order;
    }
    return 0;
  });
  return {
    groups: keyed.map(({ group }) => group),
    totals: totals[0] ? figuresOf(totals[0], request.measures) : figuresOf({}, request.measures),
  };
}
