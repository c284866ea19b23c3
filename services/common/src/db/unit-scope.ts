import DataLoader from 'dataloader';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { UnitScope } from '../auth/session.ts';
import { arrayLiteral } from './array-literal.ts';
import type { UnitLevel } from '../auth/token-verifier.ts';
import { TODAY_IN_VIETNAM_SQL, todayInVietnam } from '../time/today.ts';

/** A unit as the scope checks need it, from the registry's published view `registry.v_units`. */
export type ScopedUnit = {
  id: string;
  code: string;
  level: UnitLevel;
  path: string;
  /** Its own path and those of the units merged whole into it (what it reads across eras). */
  scopePaths: string[];
  /** Last day in force (`yyyy-mm-dd`); null while in force. */
  validTo: string | null;
};

type UnitRow = {
  id: string;
  code: string;
  level: UnitLevel;
  path: string;
  scope_paths: string[];
  valid_to: string | null;
};

/**
 * Which unit a code names today: the one in force (codes were reused after the 2025 reform for
 * other territory, so a code alone never names an old unit), else the last one with that code, which
 * has ended (a former district, kept for reading its own records). Over `registry.v_units`.
 */
const STARTED = `(valid_from is null or valid_from <= ${TODAY_IN_VIETNAM_SQL})`;
const IN_FORCE_FIRST = `(valid_to is null or valid_to >= ${TODAY_IN_VIETNAM_SQL}) desc, valid_to desc nulls first`;

const UNITS_BY_CODE = `select distinct on (code) id, code, level, path::text as path,
    scope_paths::text[] as scope_paths, valid_to::text as valid_to
  from registry.v_units
  where code = any(?::text[]) and ${STARTED}
  order by code, ${IN_FORCE_FIRST}`;

/** SQL: the id of the unit the code in `codeExpression` names today (as above); null when none has it. */
export function unitNamedByCodeSql(codeExpression: string): string {
  return `(select id from registry.v_units where code = ${codeExpression} and ${STARTED} order by ${IN_FORCE_FIRST} limit 1)`;
}

const scopedUnit = (row: UnitRow): ScopedUnit => ({
  id: row.id,
  code: row.code,
  level: row.level,
  path: row.path,
  scopePaths: row.scope_paths,
  validTo: row.valid_to !== null && row.valid_to >= todayInVietnam() ? null : row.valid_to,
});

async function unitsByCode(em: EntityManager, codes: readonly string[]): Promise<Map<string, ScopedUnit>> {
  const rows = await em.execute<UnitRow[]>(UNITS_BY_CODE, [arrayLiteral(codes)]);
  return new Map(rows.map((row) => [row.code, scopedUnit(row)]));
}

/** The scope of a user whose token names `unitCode`: the unit that code names today (see UNITS_BY_CODE). */
export async function unitScopeOf(em: EntityManager, unitCode: string): Promise<UnitScope | undefined> {
  const unit = (await unitsByCode(em, [unitCode])).get(unitCode);
  return (
    unit && {
      unitId: unit.id,
      code: unit.code,
      level: unit.level,
      path: unit.path,
      readPaths: unit.scopePaths,
      validTo: unit.validTo,
    }
  );
}

/**
 * `unitScopeOf` kept per process for `ttlMs`: every request of a unit's officials needs it (each
 * subgraph builds its session from it), and what a code names changes only when the national lists
 * are imported or a reorganisation takes effect on a day. Keyed by the code and today's date in
 * Vietnam, so a reform that takes effect at midnight is seen at once. A code that names no unit is
 * asked again each time.
 */
export function cachedUnitScopes(ttlMs = 30_000, maxEntries = 10_000) {
  const cache = new Map<string, { scope: UnitScope; until: number }>();
  return async (em: EntityManager, unitCode: string): Promise<UnitScope | undefined> => {
    const key = `${todayInVietnam()}|${unitCode}`;
    const now = Date.now();
    const kept = cache.get(key);
    if (kept && kept.until > now) return kept.scope;
    const scope = await unitScopeOf(em, unitCode);
    if (scope) {
      if (cache.size >= maxEntries) cache.clear();
      cache.set(key, { scope, until: now + ttlMs });
    }
    return scope;
  };
}

/** The units codes name today, batched per request (for scope checks on unit-code arguments). */
export function createUnitLoader(em: EntityManager) {
  return new DataLoader<string, ScopedUnit | undefined>(async (codes) => {
    const byCode = await unitsByCode(em, codes);
    return codes.map((code) => byCode.get(code));
  });
}

/** A unit version by its id: its code and path (what a record naming its unit shows), batched per request. */
export function createUnitByIdLoader(em: EntityManager) {
  return new DataLoader<string, { code: string; path: string; scopePaths: string[] } | undefined>(
    async (ids) => {
      const rows = await em.execute<{ id: string; code: string; path: string; scope_paths: string[] }[]>(
        'select id, code, path::text as path, scope_paths::text[] as scope_paths from registry.v_units where id = any(?::uuid[])',
        [arrayLiteral(ids)],
      );
      const byId = new Map(
        rows.map((row) => [row.id, { code: row.code, path: row.path, scopePaths: row.scope_paths }]),
      );
      return ids.map((id) => byId.get(id));
    },
  );
}
