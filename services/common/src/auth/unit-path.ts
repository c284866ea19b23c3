/**
 * Unit scopes are materialised paths (PostgreSQL ltree): `42` a province, `42.436` a district,
 * `42.436.18073` a commune. A scope covers a unit when the unit's path equals it or lies below it.
 */
export function pathCovers(scopePath: string, unitPath: string): boolean {
  return unitPath === scopePath || unitPath.startsWith(`${scopePath}.`);
}
