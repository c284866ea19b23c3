import { notFound, unitNamedByCodeSql } from '@ansinh/common';
import type pg from 'pg';
import type { ReportUnit } from './report-heading.rules.ts';

/** A unit version of `registry.v_units` with what a report's heading and rows need (`$1` selects it). */
const REPORT_UNIT = (where: string) => `
  select u.id, u.code, u.full_name as name, u.scope_paths::text[] as "scopePaths",
         case when u.valid_to < (now() at time zone 'Asia/Ho_Chi_Minh')::date then u.valid_to::text end as "validTo",
         array(select a.full_name from registry.v_units a
                where a.path @> u.path and a.path <> u.path order by nlevel(a.path) desc) as ancestors
    from registry.v_units u
   where ${where}`;

/**
 * The unit a report is for, by its version id (a resolver, after the scope check) or by the code as the
 * queries take it (an export job: the unit that code names today, as `unitNamed` resolves it).
 */
export async function reportUnit(
  client: pg.ClientBase,
  unit: { id: string } | { code: string },
): Promise<ReportUnit> {
  const { rows } =
    'id' in unit
      ? await client.query<ReportUnit>(REPORT_UNIT('u.id = $1'), [unit.id])
      : await client.query<ReportUnit>(REPORT_UNIT(`u.id = ${unitNamedByCodeSql('$1::text')}`), [unit.code]);
  if (!rows[0]) {
    throw notFound(`Không tìm thấy đơn vị ${'code' in unit ? `có mã "${unit.code}"` : 'của báo cáo'}.`);
  }
  return rows[0];
}
