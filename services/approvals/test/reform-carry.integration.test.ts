import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { startSubgraph, type Logger, type RunningSubgraph } from '@ansinh/common';
import { createTestDatabase, type TestDatabase } from '@ansinh/common/testing';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import pg from 'pg';
import { sqlRows, testEnv } from '@ansinh/tests/support';
import { approvalsSubgraph } from '../src/index.ts';
import {
  carryEntitlementsIfFree,
  planEntitlementsAcrossReform,
  startReformCarryTimer,
} from '../src/reform/carry-entitlements.ts';
import { seedEraFixture, type EraFixture } from './era-fixture.ts';

/**
 * approvals.carry_entitlements_across_reform on Hà Tĩnh across the 2025 reform (era-fixture.ts): the
 * registry has carried the persons (a split commune's people assigned, one still waiting); the
 * entitlements follow.
 */
let database: TestDatabase;
let fixture: EraFixture;
let subgraph: RunningSubgraph;

const sql = (text: string, params: unknown[] = []) => sqlRows(database.url, text, params);

async function unitOf(entitlementId: string): Promise<string> {
  const [row] = await sql('select unit_id from approvals.entitlements where id = $1', [entitlementId]);
  return row!.unit_id;
}

/** What a carry-over would move, per old → new unit (null: stays), as the dry run counts it. */
async function planned() {
  const rows = await sql(
    `select from_unit_id, to_unit_id, count(*)::int as n from approvals.reform_entitlement_moves() group by 1, 2`,
  );
  return rows.map((row) => [row.from_unit_id, row.to_unit_id, row.n]);
}

async function carry(): Promise<number> {
  const [row] = await sql('select approvals.carry_entitlements_across_reform()::int as carried');
  return row!.carried;
}

beforeAll(async () => {
  database = await createTestDatabase();
  fixture = await seedEraFixture(database.url);
  subgraph = await startSubgraph(approvalsSubgraph, testEnv(database.url));
});

afterAll(async () => {
  await subgraph?.stop();
  await database?.drop();
});

describe('carrying entitlements across the reform', () => {
  it('plans (the dry run) without changing anything', async () => {
    const { units, active } = fixture;
    const before = await sql('select id, unit_id from approvals.entitlements order by id');
    const counted = await planned();
    expect(counted).toEqual(
      expect.arrayContaining([
        [units.old18073, units.new18073, 1],
        [units.old18077, units.new18073, 1],
        [units.old18082, units.new18073, 1],
        [units.old18082, units.new18652, 1],
        [units.old18082, null, 1],
        [units.old18229, units.new18229, 1],
      ]),
    );
    expect(counted).toHaveLength(6);
    expect(await sql('select id, unit_id from approvals.entitlements order by id')).toEqual(before);
    expect(await unitOf(active.bacHa!)).toBe(units.old18077);
  });

  it('moves each active entitlement of an ended commune to the successor its person lives in, as one reform change', async () => {
    const { units, persons, active, stopped } = fixture;
    const historyBefore = Number((await sql('select count(*) from approvals.change_history'))[0]!.count);
    expect(await carry()).toBe(5);
    expect(await unitOf(active.namHa!)).toBe(units.new18073); // reused code: the new unit, by id
    expect(await unitOf(active.bacHa!)).toBe(units.new18073); // abolished commune, merged whole
    expect(await unitOf(active.splitHere!)).toBe(units.new18073); // split, assigned here
    expect(await unitOf(active.splitThere!)).toBe(units.new18652); // split, assigned there
    expect(await unitOf(active.splitWaiting!)).toBe(units.old18082); // split, not assigned yet: never guessed
    expect(await unitOf(active.ducTho!)).toBe(units.new18229);
    expect(await unitOf(active.newcomer!)).toBe(units.new18073);
    // Stopped before the reform: stays with the unit that decided it. Payment lines never move.
    expect(await unitOf(stopped.bacHa!)).toBe(units.old18077);
    expect(await unitOf(stopped.splitHere!)).toBe(units.old18082);
    const [lines] = await sql(
      `select count(*)::int as count from payments.payment_lines where month = '2025-05' and unit_id = any($1)`,
      [[units.old18073, units.old18077, units.old18082, units.old18229]],
    );
    expect(lines!.count).toBe(6);

    const history = await sql(
      `select entitlement_id, person_id, unit_id, reason, actor_name, before->>'unit_id' as before_unit, after->>'unit_id' as after_unit
         from approvals.change_history where id > $1 order by id`,
      [historyBefore],
    );
    expect(history).toHaveLength(5);
    expect(history).toContainEqual({
      entitlement_id: active.bacHa,
      person_id: persons.bacHa,
      unit_id: units.new18073,
      reason: 'reform',
      actor_name: 'system',
      before_unit: units.old18077,
      after_unit: units.new18073,
    });
    const events = await sql(
      `select event_type, unit_id, payload from approvals.outbox where aggregate_id = $1 order by id`,
      [active.splitThere],
    );
    expect(events.at(-1)).toMatchObject({
      event_type: 'entitlement.updated',
      unit_id: units.new18652,
      payload: { before: { unit_id: units.old18082 }, after: { unit_id: units.new18652 } },
    });
  });

  it('changes nothing when run again: only the split person still waiting is counted', async () => {
    const { units } = fixture;
    const state = await sql('select id, unit_id from approvals.entitlements order by id');
    const history = await sql('select count(*) from approvals.change_history');
    expect(await carry()).toBe(0);
    expect(await planned()).toEqual([[units.old18082, null, 1]]);
    expect(await sql('select id, unit_id from approvals.entitlements order by id')).toEqual(state);
    expect(await sql('select count(*) from approvals.change_history')).toEqual(history);
  });

  it("keeps a reason the reform tool gave, and the caller's own setting afterwards", async () => {
    const { units, persons, active } = fixture;
    await sql('update registry.persons set residence_unit_id = $1 where id = $2', [
      units.new18652,
      persons.splitWaiting,
    ]);
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      await client.query('begin');
      await client.query(`select set_config('ansinh.change_reason', 'reform 2025-07-01', true)`);
      await client.query('select approvals.carry_entitlements_across_reform()');
      const { rows } = await client.query(`select current_setting('ansinh.change_reason') as reason`);
      expect(rows[0].reason).toBe('reform 2025-07-01');
      await client.query('commit');
    } finally {
      await client.end();
    }
    expect(await unitOf(active.splitWaiting!)).toBe(units.new18652);
    const [change] = await sql(
      `select reason from approvals.change_history where entitlement_id = $1 order by id desc limit 1`,
      [active.splitWaiting],
    );
    expect(change!.reason).toBe('reform 2025-07-01');
    // Back on the old unit for the tests below: the person waits for assignment again.
    await sql('update registry.persons set residence_unit_id = $1 where id = $2', [
      units.old18082,
      persons.splitWaiting,
    ]);
    await sql('update approvals.entitlements set unit_id = $1 where id = $2', [
      units.old18082,
      active.splitWaiting,
    ]);
  });

  it("runs under the subgraph's own role, and not while another process holds the carry-over", async () => {
    const holder = new pg.Client({ connectionString: database.url });
    await holder.connect();
    try {
      await holder.query('begin');
      await holder.query(
        `select pg_advisory_xact_lock(hashtext('approvals.carry_entitlements_across_reform'))`,
      );
      expect(await carryEntitlementsIfFree(subgraph.orm.em.fork() as EntityManager)).toBeNull();
      await holder.query('rollback');
    } finally {
      await holder.end();
    }
    expect(await carryEntitlementsIfFree(subgraph.orm.em.fork() as EntityManager)).toBe(0);
    expect(await planEntitlementsAcrossReform(subgraph.orm.em.fork() as EntityManager)).toEqual([
      { fromUnitId: fixture.units.old18082, toUnitId: null, entitlements: 1 },
    ]);
  });

  it("the subgraph's timer carries a person's entitlement once the province assigns them, and survives a failed run", async () => {
    const { units, persons, active } = fixture;
    const info = jest.fn();
    const error = jest.fn();
    const logger = { info, error } as unknown as Logger;
    const timer = startReformCarryTimer(subgraph.orm, logger, { intervalMs: 50 });
    try {
      await sql('update registry.persons set residence_unit_id = $1 where id = $2', [
        units.new18073,
        persons.splitWaiting,
      ]);
      for (
        let waited = 0;
        waited < 100 && (await unitOf(active.splitWaiting!)) !== units.new18073;
        waited++
      ) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(await unitOf(active.splitWaiting!)).toBe(units.new18073);
      expect(info).toHaveBeenCalled();
      expect(error).not.toHaveBeenCalled();
    } finally {
      await timer.stop();
    }

    // A run that fails (here: no database at all) is logged, and the timer keeps going.
    const broken = {
      em: {
        fork: () => {
          throw new Error('database unavailable');
        },
      },
    } as unknown as MikroORM;
    const failing = startReformCarryTimer(broken, logger, { intervalMs: 20 });
    try {
      for (let waited = 0; waited < 100 && error.mock.calls.length < 2; waited++) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect(error.mock.calls.length).toBeGreaterThanOrEqual(2);
    } finally {
      await failing.stop();
    }
  });
});
