import type { Logger } from '@ansinh/common';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';

/** One old → new unit of a carry-over; `toUnitId` null: active entitlements that stay (a split waiting for assignment). */
export type EntitlementMoves = { fromUnitId: string; toUnitId: string | null; entitlements: number };

/** The advisory lock key of the carry-over, also taken inside `approvals.carry_entitlements_across_reform`. */
const CARRY_LOCK = `hashtext('approvals.carry_entitlements_across_reform')`;

/**
 * What a carry-over would do now, per old → new unit (`approvals.reform_entitlement_moves`,
 * Migration20261202110000): the dry run. Changes nothing.
 */
export async function planEntitlementsAcrossReform(em: EntityManager): Promise<EntitlementMoves[]> {
  const rows = await em.execute<{ from_unit_id: string; to_unit_id: string | null; entitlements: string }[]>(
    `select from_unit_id, to_unit_id, count(*) as entitlements from approvals.reform_entitlement_moves()
      group by from_unit_id, to_unit_id order by from_unit_id, to_unit_id nulls last`,
  );
  return rows.map((row) => ({
    fromUnitId: row.from_unit_id,
    toUnitId: row.to_unit_id,
    entitlements: Number(row.entitlements),
  }));
}

/**
 * Moves the active entitlements of units that have ended to the successor unit their person now lives
 * in (`approvals.carry_entitlements_across_reform`), in the caller's transaction; answers how many
 * moved. Idempotent.
 */
export async function carryEntitlementsAcrossReform(em: EntityManager): Promise<number> {
  const [row] = await em.execute<{ carried: string }[]>(
    'select approvals.carry_entitlements_across_reform() as carried',
  );
  return Number(row?.carried ?? 0);
}

/**
 * One periodic run: skipped (null) when another process holds the carry-over (another instance of
 * the subgraph, or the reform tool), else the carry-over in its own transaction.
 */
export async function carryEntitlementsIfFree(em: EntityManager): Promise<number | null> {
  return em.transactional(async (tx) => {
    const [lock] = await tx.execute<{ locked: boolean }[]>(
      `select pg_try_advisory_xact_lock(${CARRY_LOCK}) as locked`,
    );
    if (!lock?.locked) return null;
    return carryEntitlementsAcrossReform(tx as EntityManager);
  });
}

export type ReformCarryTimer = { stop(): Promise<void> };

/**
 * Runs the carry-over every `intervalMs` (default a minute) while the subgraph runs, so that
 * entitlements follow persons that the registry carries across a reform or a province assigns out of a
 * split commune's review queue. Never two at once (advisory lock); a failure is logged and the next
 * run tries again.
 */
export function startReformCarryTimer(
  orm: MikroORM,
  logger: Logger,
  options: { intervalMs?: number } = {},
): ReformCarryTimer {
  const intervalMs = options.intervalMs ?? 60_000;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();

  const runOnce = async () => {
    try {
      const carried = await carryEntitlementsIfFree(orm.em.fork() as EntityManager);
      if (carried) {
        logger.info(
          { entitlements: carried },
          'entitlements carried across the reform to the units their persons live in now',
        );
      }
    } catch (error) {
      logger.error(
        { err: error },
        'carrying entitlements across the reform failed; the next run tries again',
      );
    }
  };
  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      running = runOnce().finally(schedule);
    }, intervalMs);
    timer.unref();
  };
  schedule();
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
