import {
  arrayLiteral,
  cursorRows,
  MAX_EXPORT_ROWS,
  reportExportJob,
  UNIT_IDS_UNDER,
  unitNamedByCodeSql,
  type ExportTable,
  type ReportExportPayload,
} from '@ansinh/common';
import type pg from 'pg';
import { COUNT_LIMIT } from './person.repository.ts';
import { nameWordsQuery, type PersonSearch } from './person-search.ts';
import {
  personExportColumns,
  personExportRow,
  personExportSubtitle,
  type PersonExportRecord,
  type PersonExportRights,
} from './person-export.rules.ts';

export const PERSON_EXPORT = 'person-export';

export type PersonExportPayload = ReportExportPayload & {
  /** The unit the list is of (its code, for the title and the file name). */
  unitCode: string;
  /** Its read paths (itself and the units merged whole into it), checked against the caller's scope. */
  unitPaths: string[];
  search: PersonSearch;
  rights: PersonExportRights;
};

/**
 * The persons of the search, as the `persons` query finds them (services/registry/src/persons/person.repository.ts):
 * the units under the paths, each condition that is given, ordered by folded name then id. `$1` is the
 * paths; the conditions' values follow.
 */
function matching(
  search: PersonSearch,
  unitPaths: readonly string[],
  maxRows: number,
): { where: string; params: unknown[] } {
  const params: unknown[] = [arrayLiteral(unitPaths)];
  const conditions = [`p.residence_unit_id in (${UNIT_IDS_UNDER.replace('?', '$1')})`];
  const add = (condition: (placeholder: string) => string, value: unknown) => {
    params.push(value);
    conditions.push(condition(`$${params.length}`));
  };
  const narrowedFurther = Boolean(
    search.citizenId || search.oldIdNumber || search.status || search.householdId,
  );
  if (search.nameWords.length) {
    // As the search: the name index is reached through the owner's function, within the scope.
    params.push(nameWordsQuery(search.nameWords));
    const words = `$${params.length}`;
    add(
      (limit) =>
        `p.id in (select registry.person_ids_matching_name(to_tsquery('simple'::regconfig, ${words}), ${limit}))`,
      narrowedFurther ? Math.max(100 * COUNT_LIMIT, maxRows + 1) : maxRows + 1,
    );
  }
  if (search.citizenId) add((value) => `p.citizen_id = ${value}`, search.citizenId);
  if (search.oldIdNumber) add((value) => `p.old_id_number = ${value}`, search.oldIdNumber);
  if (search.status) add((value) => `p.status = ${value}`, search.status);
  if (search.householdId) add((value) => `p.household_id = ${value}::uuid`, search.householdId);
  return { where: conditions.join(' and '), params };
}

/**
 * The table of a person export, read in the job's transaction (scoped as its owner: row-level security
 * holds): counted first (up to the cap, so that a list too long is refused before a byte is written),
 * then read through a cursor. Only the columns the owner may read are selected.
 */
export async function personExportTable(
  client: pg.ClientBase,
  payload: PersonExportPayload,
  signal: AbortSignal,
  maxRows = MAX_EXPORT_ROWS,
): Promise<ExportTable> {
  const { where, params } = matching(payload.search, payload.unitPaths, maxRows);
  const { rows: counted } = await client.query<{ count: number }>(
    `select count(*)::int as count from (select 1 from registry.persons p where ${where} limit ${maxRows + 1}) capped`,
    params,
  );
  const count = counted[0]?.count ?? 0;
  const { rows: units } = await client.query<{ name: string }>(
    `select full_name as name from registry.v_units where id = ${unitNamedByCodeSql('$1')}`,
    [payload.unitCode],
  );
  const unit = `${units[0]?.name ?? payload.unitCode} (${payload.unitCode})`;
  const { rights } = payload;
  const personal = [
    ...(rights.identity ? ['p.full_name', 'p.citizen_id'] : []),
    ...(rights.contact ? ['p.address'] : []),
  ];
  const sql = `select ${[...personal, 'p.birth_date::text as birth_date', 'p.birth_year', 'p.gender', 'p.ethnicity_code', 'u.code as unit_code', 'u.full_name as unit_name', 'p.status'].join(', ')}
      from registry.persons p join registry.administrative_units u on u.id = p.residence_unit_id
     where ${where}
     order by p.name_folded, p.id`;
  return {
    title: 'Danh sách đối tượng bảo trợ xã hội',
    subtitle: personExportSubtitle(unit, payload.search, Math.min(count, maxRows)),
    columns: personExportColumns(rights),
    rows: cursorRows<PersonExportRecord>(client, sql, params, (row) => personExportRow(row, rights), {
      signal,
    }),
    expectedRows: count,
  };
}

/** `person-export`: a filtered person list written as XLSX, CSV or PDF to the registry's file store. */
export const personExportJob = reportExportJob<PersonExportPayload>({
  kind: PERSON_EXPORT,
  table: personExportTable,
  fileName: (payload) => `danh-sach-doi-tuong-${payload.unitCode}`,
});
