import { arrayLiteral } from '@ansinh/common';
import type { EntityManager } from '@mikro-orm/postgresql';
import { R42_PROGRAM } from './r42-import.service.ts';
import type { R42Outcome } from './r42-list.entity.ts';

/** A list as the API gives it (`Resolution42List`). */
export type R42ListView = {
  id: string;
  categoryCode: string;
  categoryName: string;
  unitId: string;
  unitCode: string;
  decisionNumber: string;
  decisionDate: string;
  fileName: string | null;
  importedByName: string;
  importedAt: string;
  people: number;
  paid: number;
  flagged: number;
  amountPaid: number;
};

/** A row as the API gives it (`Resolution42Row`). */
export type R42RowView = {
  id: string;
  listId: string;
  categoryCode: string;
  rowNumber: number;
  fullName: string;
  citizenId: string | null;
  birthDate: string;
  unitCode: string;
  months: number | null;
  amount: number;
  outcome: R42Outcome;
  flaggedReason: string | null;
  paidListId: string | null;
  paidRowId: string | null;
};

export type R42GroupSummaryView = {
  categoryCode: string;
  categoryName: string;
  lists: number;
  people: number;
  paid: number;
  flagged: number;
  amountPaid: number;
};

/** Lists approved by units under `paths` (row-level security applies on top). */
const LISTS_SQL = (where: string) => `
  select l.id, c.code as "categoryCode", c.name as "categoryName", l.unit_id as "unitId", u.code as "unitCode",
         l.decision_number as "decisionNumber", l.decision_date::text as "decisionDate", l.file_name as "fileName",
         l.imported_by_name as "importedByName", to_char(l.imported_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as "importedAt",
         count(r.id)::int as people, count(r.id) filter (where r.outcome = 'paid')::int as paid,
         count(r.id) filter (where r.outcome = 'flagged')::int as flagged,
         coalesce(sum(r.amount) filter (where r.outcome = 'paid'), 0)::text as "amountPaid"
    from approvals.r42_lists l
    join approvals.categories c on c.id = l.category_id and c.program_id = '${R42_PROGRAM}' and not c.confidential
    join registry.v_units u on u.id = l.unit_id
    left join approvals.r42_list_rows r on r.list_id = l.id
   where ${where}
   group by l.id, c.code, c.name, u.code
   order by c.code, l.decision_date, l.decision_number, l.id`;

type ListRow = Omit<R42ListView, 'amountPaid'> & { amountPaid: string };
const listView = (row: ListRow): R42ListView => ({ ...row, amountPaid: Number(row.amountPaid) });

export async function findR42Lists(em: EntityManager, paths: readonly string[]): Promise<R42ListView[]> {
  const rows = await em.execute<ListRow[]>(
    LISTS_SQL(`l.unit_id in (select id from registry.v_units where path <@ any(?::ltree[]))`),
    [arrayLiteral(paths)],
  );
  return rows.map(listView);
}

export async function findR42ListById(em: EntityManager, id: string): Promise<R42ListView | null> {
  const rows = await em.execute<ListRow[]>(LISTS_SQL('l.id = ?'), [id]);
  return rows[0] ? listView(rows[0]) : null;
}

/** Per group of program `resolution-42` (every group, also those without a list yet), in units under `paths`. */
export async function summariseR42(
  em: EntityManager,
  paths: readonly string[],
): Promise<{ groups: R42GroupSummaryView[]; people: number; amountPaid: number; flagged: number }> {
  const scope = arrayLiteral(paths);
  const groups = await em.execute<(Omit<R42GroupSummaryView, 'amountPaid'> & { amountPaid: string })[]>(
    `with lists as (
       select l.id, l.category_id from approvals.r42_lists l
        where l.unit_id in (select id from registry.v_units where path <@ any(?::ltree[]))
     )
     select c.code as "categoryCode", c.name as "categoryName",
            count(distinct l.id)::int as lists, count(r.id)::int as people,
            count(r.id) filter (where r.outcome = 'paid')::int as paid,
            count(r.id) filter (where r.outcome = 'flagged')::int as flagged,
            coalesce(sum(r.amount) filter (where r.outcome = 'paid'), 0)::text as "amountPaid"
       from approvals.categories c
       left join lists l on l.category_id = c.id
       left join approvals.r42_list_rows r on r.list_id = l.id
      where c.program_id = '${R42_PROGRAM}' and not c.confidential
      group by c.id, c.code, c.name
      order by max(c.fixed_amount) desc, c.code`,
    [scope],
  );
  const [totals] = await em.execute<{ people: number; amountPaid: string; flagged: number }[]>(
    `select count(distinct r.human_key)::int as people,
            coalesce(sum(r.amount) filter (where r.outcome = 'paid'), 0)::text as "amountPaid",
            count(*) filter (where r.outcome = 'flagged')::int as flagged
       from approvals.r42_list_rows r
       join approvals.r42_lists l on l.id = r.list_id
      where l.unit_id in (select id from registry.v_units where path <@ any(?::ltree[]))`,
    [scope],
  );
  return {
    groups: groups.map((group) => ({ ...group, amountPaid: Number(group.amountPaid) })),
    people: totals?.people ?? 0,
    amountPaid: Number(totals?.amountPaid ?? 0),
    flagged: totals?.flagged ?? 0,
  };
}

export type R42RowQuery = {
  listId?: string | undefined;
  /** Units (paths) the rows' lists belong to. */
  paths: readonly string[];
  categoryCode?: string | undefined;
  outcome?: R42Outcome | undefined;
  first: number;
  offset: number;
};

export async function findR42Rows(em: EntityManager, query: R42RowQuery): Promise<R42RowView[]> {
  const conditions = [`l.unit_id in (select id from registry.v_units where path <@ any(?::ltree[]))`];
  const params: unknown[] = [arrayLiteral(query.paths)];
  if (query.listId !== undefined) {
    conditions.push('r.list_id = ?');
    params.push(query.listId);
  }
  if (query.categoryCode !== undefined) {
    conditions.push('c.code = ?');
    params.push(query.categoryCode);
  }
  if (query.outcome !== undefined) {
    conditions.push('r.outcome = ?');
    params.push(query.outcome);
  }
  params.push(query.first, query.offset);
  const rows = await em.execute<(Omit<R42RowView, 'amount'> & { amount: string })[]>(
    `select r.id, r.list_id as "listId", c.code as "categoryCode", r.row_number as "rowNumber",
            r.full_name as "fullName", r.citizen_id as "citizenId",
            coalesce(r.birth_date::text, r.birth_year::text) as "birthDate", u.code as "unitCode",
            r.months, r.amount::text as amount, r.outcome, r.flagged_reason as "flaggedReason",
            r.paid_list_id as "paidListId", r.paid_row_id as "paidRowId"
       from approvals.r42_list_rows r
       join approvals.r42_lists l on l.id = r.list_id
       join approvals.categories c on c.id = l.category_id and c.program_id = '${R42_PROGRAM}' and not c.confidential
       join registry.v_units u on u.id = r.unit_id
      where ${conditions.join(' and ')}
      order by c.code, l.decision_date, l.id, r.row_number
      limit ? offset ?`,
    params,
  );
  return rows.map((row) => ({ ...row, amount: Number(row.amount) }));
}
