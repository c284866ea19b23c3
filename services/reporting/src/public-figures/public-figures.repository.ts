import type pg from 'pg';
import { TOTAL, type CellFigures } from './cell-suppression.rules.ts';

type FigureRow = {
  unit_total: boolean;
  program_total: boolean;
  month_total: boolean;
  unit_id: string | null;
  program_id: string | null;
  month: string | null;
  persons: number;
  payees: number;
  amount_paid: string;
};

/**
 * The public table's figures, before suppression, of the paying units under `scopePaths`, per unit, programme
 * and month, and the distinct persons behind every total (`group by cube`): one statement over the owners'
 * published views, `payments.v_payment_lines` (the lines of the months, any status: persons paid or due;
 * amounts of the paid lines) and approvals' `categories_of_entitlements` (a line's programme, and whether its
 * category is confidential: such lines are left out of every figure). The only place the public figures are
 * read, so that it can be switched to the statistics' fact table. `client` must run in a scope that reads
 * the province (the lines are filtered by it too).
 */
export async function readPublicFigures(
  client: pg.ClientBase,
  scopePaths: readonly string[],
  fromMonth: string,
  toMonth: string,
): Promise<CellFigures[]> {
  const { rows } = await client.query<FigureRow>(
    `with paying_units as materialized (select id from registry.v_units where path <@ any($1::ltree[])),
     lines as materialized (
       select l.unit_id, l.month::text as month, l.person_id, l.entitlement_id, l.status, l.total
         from payments.v_payment_lines l
        where l.unit_id in (select id from paying_units) and l.month between $2 and $3
     ),
     published as (
       select l.unit_id, c.program_id, l.month, l.person_id, l.status, l.total
         from lines l
         join approvals.categories_of_entitlements(array(select distinct entitlement_id from lines where entitlement_id is not null)) c
           on c.entitlement_id = l.entitlement_id
        where not c.confidential
     )
     select grouping(unit_id) = 1 as unit_total, grouping(program_id) = 1 as program_total,
            grouping(month) = 1 as month_total, unit_id, program_id, month,
            count(distinct person_id)::int as persons,
            count(distinct person_id) filter (where status = 'paid')::int as payees,
            coalesce(sum(total) filter (where status = 'paid'), 0)::text as amount_paid
       from published
      group by cube (unit_id, program_id, month)`,
    [scopePaths, fromMonth, toMonth],
  );
  return rows.map((row) => ({
    key: [
      row.unit_total ? TOTAL : row.unit_id,
      row.program_total ? TOTAL : row.program_id,
      row.month_total ? TOTAL : row.month,
    ],
    beneficiaries: row.persons,
    amountPaid: Number(row.amount_paid),
    persons: row.persons,
    payees: row.payees,
  }));
}

export type NamedUnit = { id: string; code: string; name: string; path: string };

/** Codes and names of units (public: `registry.v_units`). */
export async function unitsByIds(
  client: pg.ClientBase,
  ids: readonly string[],
): Promise<Map<string, NamedUnit>> {
  const { rows } = await client.query<NamedUnit>(
    'select id, code, full_name as name, path::text as path from registry.v_units where id = any($1::uuid[])',
    [ids],
  );
  return new Map(rows.map((row) => [row.id, row]));
}

/** Names of programmes (public rules: `approvals.programs`). */
export async function programNames(
  client: pg.ClientBase,
  ids: readonly string[],
): Promise<Map<string, string>> {
  const { rows } = await client.query<{ id: string; name: string }>(
    'select id, name from approvals.programs where id = any($1::text[])',
    [ids],
  );
  return new Map(rows.map((row) => [row.id, row.name]));
}
