import { notFound, TODAY_IN_VIETNAM_SQL, type UnitLevel } from '@ansinh/common';
import type pg from 'pg';

/** A unit version as the compliance reports name it (from `registry.v_units`). */
export type ComplianceUnitRow = {
  id: string;
  code: string;
  name: string;
  fullName: string;
  level: UnitLevel;
  validFrom: string | null;
  validTo: string | null;
  /** The unit has ended (a pre-reform unit): it is read, never written. */
  former: boolean;
};

/** The unit a report is about: its version and the paths it reads across eras (ScopedUnit.scopePaths). */
export type ReportedUnit = { id: string; scopePaths: readonly string[] };

/** SQL: the `registry.v_units` row aliased `alias` as a ComplianceUnitRow (json, parsed by the driver). */
export function unitJsonSql(alias: string): string {
  return `json_build_object('id', ${alias}.id, 'code', ${alias}.code, 'name', ${alias}.name,
    'fullName', ${alias}.full_name, 'level', ${alias}.level, 'validFrom', ${alias}.valid_from::text,
    'validTo', ${alias}.valid_to::text, 'former', coalesce(${alias}.valid_to < ${TODAY_IN_VIETNAM_SQL}, false))`;
}

/** The unit version with `id`, as a report's heading names it. */
export async function complianceUnit(client: pg.ClientBase, id: string): Promise<ComplianceUnitRow> {
  const { rows } = await client.query<{ unit: ComplianceUnitRow }>(
    `select ${unitJsonSql('u')} as unit from registry.v_units u where u.id = $1`,
    [id],
  );
  if (!rows[0]) throw notFound('Không tìm thấy đơn vị của báo cáo.');
  return rows[0].unit;
}
