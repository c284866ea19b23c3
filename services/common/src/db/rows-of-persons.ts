import type { EntityManager } from '@mikro-orm/postgresql';
import type { EntityName } from '@mikro-orm/core';
import DataLoader from 'dataloader';
import { personInScopeSql } from '../scope/row-level-security.ts';
import { entitiesOf, preparedRows, preparedStatement, type PreparedStatement } from './prepared-statement.ts';

/**
 * The rows of `table` (with `person_id` and `unit_id`) of the persons given ($1) that the caller reads:
 * paid by a unit under one of the caller's read paths ($2), or of a person the caller reads now, whichever
 * unit paid them (a commune reads the pre-reform records of the people it took over). The unit is checked
 * row by row through its key: as a generic plan, `unit_id in (the units under $2)` scans every unit.
 */
export function rowsOfPersonsStatement(
  table: string,
  orderBy: string,
): PreparedStatement<Record<string, unknown>> {
  return preparedStatement(
    `select r.* from ${table} r
      where r.person_id = any($1::uuid[])
        and (exists (select 1 from registry.v_units u where u.id = r.unit_id and u.path <@ any($2::ltree[]))
             or ${personInScopeSql('r.person_id')})
      order by ${orderBy}`,
  );
}

/** Each person's rows of a `rowsOfPersonsStatement`, as entities, batched per request. */
export function rowsOfPersonsLoader<T extends { personId: string }>(
  em: EntityManager,
  entity: EntityName<T>,
  statement: PreparedStatement<Record<string, unknown>>,
  readPaths: () => readonly string[],
): DataLoader<string, T[]> {
  return new DataLoader<string, T[]>(async (personIds) => {
    const rows = await preparedRows(em, statement, [personIds, readPaths()]);
    const entities = entitiesOf(em, entity, rows);
    return personIds.map((id) => entities.filter((each) => each.personId === id));
  });
}
