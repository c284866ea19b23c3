import type { SyncMode } from './sync-mode.rule.ts';

/** What the demo seed needs of a database client (node-postgres' `Client` or `PoolClient`), run as the owner. */
export type SqlClient = {
  query(text: string, params?: unknown[]): Promise<{ rows: Record<string, unknown>[] }>;
};

/**
 * The demo's sync modes, so that the ministry's table shows each kind: Hà Tĩnh (the demo province)
 * syncs both ways with its one-stop system, a few provinces one way or not at all; the others have
 * no row (not connected).
 */
export const DEMO_SYNC_MODES: readonly { provinceCode: string; mode: SyncMode }[] = [
  { provinceCode: '42', mode: 'two-way' },
  { provinceCode: '31', mode: 'two-way' },
  { provinceCode: '01', mode: 'inbound' },
  { provinceCode: '46', mode: 'inbound' },
  { provinceCode: '79', mode: 'outbound' },
  { provinceCode: '92', mode: 'none' },
];

/** Writes the demo's sync modes as the owner, leaving a province's mode set before alone. Returns how many it wrote. */
export async function seedDemoSyncModes(client: SqlClient): Promise<number> {
  const { rows } = await client.query(
    `insert into approvals.sync_provinces (province_code, mode, changed_by)
     select m.province_code, m.mode, 'system'
       from unnest($1::text[], $2::text[]) m(province_code, mode)
     on conflict (province_code) do nothing
     returning province_code`,
    [DEMO_SYNC_MODES.map((entry) => entry.provinceCode), DEMO_SYNC_MODES.map((entry) => entry.mode)],
  );
  return rows.length;
}
