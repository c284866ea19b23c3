import pg from 'pg';
import { ACTOR_SETTINGS, badInput, CHANGE_REASON_SETTING, todayInVietnam } from '@ansinh/common';
import {
  checkReformDate,
  noReformOnMessage,
  reformReason,
  reformTotals,
  type ReformCarryOverReport,
  type ReformMove,
  type ReformSplit,
  type ReformStranded,
  type ReformUnit,
} from './reform.rules.ts';

/**
 * Carrying the register across a re-organisation of units (the 1 July 2025 reform), set-based: one
 * statement per kind of row, whatever the number of persons, so that a province of a million persons
 * costs a few bulk UPDATEs (the change-history triggers are statement-level too).
 *
 * For every unit that ended the day before `on` and has successors:
 * - merged whole (one successor): its living persons, its households (with their addresses) and its open
 *   duplicate warnings move to the successor. A household whose code the successor already has (or
 *   another household moving there has) keeps its code with the old unit's code in front (`18077-L-01`).
 * - split (several successors): its living persons enter the review queue `registry.reform_reviews`
 *   and stay on the old unit until the province or a receiving commune assigns them (reform-assignment.ts).
 * Province merges are carried by the units' lineage (no person or household points at a province); were
 * one to, it would move like a commune's. History rows get the reason `reform <on>` and hold the old
 * and new unit in `before` and `after`. A second run finds nothing left and changes nothing.
 * After the registry, approvals carries the active entitlements (`approvals.carry_entitlements_across_reform()`)
 * when that function exists and the connection may run it.
 *
 * `db`: a pool (the command line, logged in as the owner: its own transaction) or a client inside a
 * transaction (the province's job, scoped: row-level security limits it to the province's units).
 */
export type CarryOverOptions = {
  /** The first day of the new units (`2025-07-01`). */
  on: string;
  /** Count only: nothing is written. */
  dryRun?: boolean | undefined;
  /** Progress through the steps (for the job). */
  onProgress?: ((step: { phase: string; done: number; total: number }) => void) | undefined;
  /**
   * Who runs it, for the change history, when `db` is a pool (the command line: `cli:<login>`); a job's
   * transaction already names its owner.
   */
  actor?: { id: string; name: string } | undefined;
  /**
   * Whether approvals follows in the same transaction (default: when its function exists and this
   * connection may run it). False carries the register only; approvals then runs its own.
   */
  entitlements?: boolean | undefined;
  /** `today` in Vietnam (tests); a reform in the future is refused. */
  today?: string | undefined;
};

const STEPS = ['persons', 'households', 'duplicate-warnings', 'queue', 'entitlements'] as const;

/** The units that ended the day before `$1` with one successor. */
const WHOLE_MOVES = `moves as (
  select u.id as from_id, u.code as from_code, u.successor_ids[1] as to_id, t.code as to_code
    from registry.v_units u join registry.v_units t on t.id = u.successor_ids[1]
   where u.valid_to = $1::date - 1 and cardinality(u.successor_ids) = 1
)`;

/** The units that ended the day before `$1` with several successors. */
const SPLITS = `splits as (
  select u.id as from_id, u.successor_ids as candidates
    from registry.v_units u
   where u.valid_to = $1::date - 1 and cardinality(u.successor_ids) > 1
)`;

const PERSONS = {
  write: `with ${WHOLE_MOVES}, moved as (
  update registry.persons p set residence_unit_id = m.to_id, updated_at = now()
    from moves m
   where p.residence_unit_id = m.from_id and p.status = 'living'
  returning m.from_id, m.to_id
)
select from_id, to_id, count(*)::integer as n from moved group by from_id, to_id`,
  count: `with ${WHOLE_MOVES}
select m.from_id, m.to_id, count(*)::integer as n
  from moves m join registry.persons p on p.residence_unit_id = m.from_id and p.status = 'living'
 group by m.from_id, m.to_id`,
};

/**
 * Households of whole merges, with the code each keeps: its own, unless the successor already has a
 * household of that code or another one moving there keeps it (the one from the unit whose code the
 * successor took over first, then by old unit code).
 */
const PLANNED_HOUSEHOLDS = `planned as (
  select h.id, m.from_id, m.to_id,
         exists (select 1 from registry.households x where x.residence_unit_id = m.to_id and x.code = h.code)
           or row_number() over (partition by m.to_id, h.code order by (m.from_code = m.to_code) desc, m.from_code, h.id) > 1
           as renamed,
         left(m.from_code || '-' || h.code, 30) as prefixed_code
    from moves m join registry.households h on h.residence_unit_id = m.from_id
)`;

const HOUSEHOLDS = {
  write: `with ${WHOLE_MOVES}, ${PLANNED_HOUSEHOLDS}, moved as (
  update registry.households h
     set residence_unit_id = pl.to_id,
         code = case when pl.renamed then pl.prefixed_code else h.code end,
         updated_at = now()
    from planned pl
   where h.id = pl.id
  returning pl.from_id, pl.to_id, pl.renamed
)
select from_id, to_id, count(*)::integer as n, count(*) filter (where renamed)::integer as renamed
  from moved group by from_id, to_id`,
  count: `with ${WHOLE_MOVES}, ${PLANNED_HOUSEHOLDS}
select from_id, to_id, count(*)::integer as n, count(*) filter (where renamed)::integer as renamed
  from planned group by from_id, to_id`,
};

const DUPLICATE_WARNINGS = {
  write: `with ${WHOLE_MOVES}, moved as (
  update registry.duplicate_warnings w set unit_id = m.to_id
    from moves m
   where w.unit_id = m.from_id and w.status = 'open'
  returning m.from_id, m.to_id
)
select from_id, to_id, count(*)::integer as n from moved group by from_id, to_id`,
  count: `with ${WHOLE_MOVES}
select m.from_id, m.to_id, count(*)::integer as n
  from moves m join registry.duplicate_warnings w on w.unit_id = m.from_id and w.status = 'open'
 group by m.from_id, m.to_id`,
};

/** The living persons of split units who are not in the queue yet (a re-run finds none). */
const QUEUE = {
  write: `with ${SPLITS}, queued as (
  insert into registry.reform_reviews (person_id, household_id, from_unit_id, candidate_unit_ids, reform_date, address)
  select p.id, p.household_id, s.from_id, s.candidates, $1::date, coalesce(nullif(p.address, ''), h.address)
    from splits s
    join registry.persons p on p.residence_unit_id = s.from_id and p.status = 'living'
    left join registry.households h on h.id = p.household_id
  on conflict (person_id, from_unit_id) do nothing
  returning from_unit_id
)
select from_unit_id as from_id, count(*)::integer as n from queued group by from_unit_id`,
  count: `with ${SPLITS}
select s.from_id, count(*)::integer as n
  from splits s join registry.persons p on p.residence_unit_id = s.from_id and p.status = 'living'
 where not exists (select 1 from registry.reform_reviews r where r.person_id = p.id and r.from_unit_id = s.from_id)
 group by s.from_id`,
};

const QUEUE_STATE = `select r.from_unit_id as from_id,
       count(*) filter (where r.assigned_unit_id is null)::integer as waiting,
       count(*) filter (where r.assigned_unit_id is not null)::integer as assigned
  from registry.reform_reviews r
 where r.reform_date = $1::date
 group by r.from_unit_id`;

const ENDED = `select count(*)::integer as ended, count(*) filter (where cardinality(successor_ids) > 1)::integer as split
  from registry.v_units where valid_to = $1::date - 1`;

const STRANDED = `select u.id as from_id, count(*)::integer as n
  from registry.v_units u join registry.persons p on p.residence_unit_id = u.id and p.status = 'living'
 where u.valid_to = $1::date - 1 and cardinality(u.successor_ids) = 0
 group by u.id`;

/** Whether approvals' own carry-over exists and this connection may run it (the owner; not a scoped job). */
const APPROVALS_CALLABLE = `select coalesce(bool_or(has_function_privilege(p.oid, 'execute') and has_schema_privilege(n.oid, 'usage')), false) as callable
  from pg_catalog.pg_proc p join pg_catalog.pg_namespace n on n.oid = p.pronamespace
 where n.nspname = 'approvals' and p.proname = 'carry_entitlements_across_reform' and p.pronargs = 0`;

type PairRow = { from_id: string; to_id: string; n: number; renamed?: number };
type UnitRow = { from_id: string; n: number };

const pairKey = (row: { from_id: string; to_id: string }) => `${row.from_id}>${row.to_id}`;

async function carryOver(client: pg.ClientBase, options: CarryOverOptions): Promise<ReformCarryOverReport> {
  const started = performance.now();
  const date = checkReformDate(options.on, options.today ?? todayInVietnam());
  if (!date.ok) throw badInput('on', date.message);
  const { on } = date;
  const dryRun = options.dryRun ?? false;
  const mode = dryRun ? 'count' : 'write';
  const step = (phase: (typeof STEPS)[number]) =>
    options.onProgress?.({ phase, done: STEPS.indexOf(phase), total: STEPS.length });
  const query = async <R extends pg.QueryResultRow>(text: string) => (await client.query<R>(text, [on])).rows;

  // Two carry-overs at once would count each other's rows; the second waits for the first.
  await client.query(`select pg_advisory_xact_lock(hashtext('registry.reform-carry-over'))`);
  const [ended] = await query<{ ended: number; split: number }>(ENDED);
  if (!ended || ended.ended === 0) throw badInput('on', noReformOnMessage(on));
  // The reason of the carry-over's own changes; what the caller's transaction writes after it has its own.
  const [former] = (
    await client.query<{ reason: string | null }>('select current_setting($1, true) as reason', [
      CHANGE_REASON_SETTING,
    ])
  ).rows;
  if (!dryRun) {
    await client.query('select set_config($1, $2, true)', [CHANGE_REASON_SETTING, reformReason(on)]);
  }

  step('persons');
  const persons = await query<PairRow>(PERSONS[mode]);
  step('households');
  const households = await query<PairRow>(HOUSEHOLDS[mode]);
  step('duplicate-warnings');
  const warnings = await query<PairRow>(DUPLICATE_WARNINGS[mode]);
  step('queue');
  const queued = await query<UnitRow>(QUEUE[mode]);
  const queueState = await query<{ from_id: string; waiting: number; assigned: number }>(QUEUE_STATE);
  const stranded = await query<UnitRow>(STRANDED);

  step('entitlements');
  let entitlements: number | null = null;
  if (!dryRun && options.entitlements !== false) {
    const [approvals] = (await client.query<{ callable: boolean }>(APPROVALS_CALLABLE)).rows;
    if (approvals?.callable) {
      const { rows } = await client.query<{ result: number }>(
        'select approvals.carry_entitlements_across_reform()::integer as result',
      );
      entitlements = rows[0]?.result ?? 0;
    }
  }
  if (!dryRun) {
    await client.query('select set_config($1, $2, true)', [CHANGE_REASON_SETTING, former?.reason ?? '']);
  }

  // The units named, with the candidates of every split unit that has persons in the queue.
  const splitIds = new Set([...queued.map((row) => row.from_id), ...queueState.map((row) => row.from_id)]);
  const { rows: splitUnits } = await client.query<{ id: string; candidates: string[] }>(
    'select id, successor_ids::text[] as candidates from registry.v_units where id = any($1::uuid[])',
    [[...splitIds]],
  );
  const ids = new Set<string>([
    ...[...persons, ...households, ...warnings].flatMap((row) => [row.from_id, row.to_id]),
    ...splitIds,
    ...splitUnits.flatMap((unit) => unit.candidates),
    ...stranded.map((row) => row.from_id),
  ]);
  const { rows: unitRows } = await client.query<ReformUnit>(
    'select id, code, name, level from registry.v_units where id = any($1::uuid[])',
    [[...ids]],
  );
  const units = new Map(unitRows.map((unit) => [unit.id, unit]));
  const unit = (id: string): ReformUnit => units.get(id) ?? { id, code: '?', name: '?', level: '?' };

  const moves = new Map<string, ReformMove>();
  const moveOf = (row: PairRow) => {
    const key = pairKey(row);
    let move = moves.get(key);
    if (!move) {
      move = {
        from: unit(row.from_id),
        to: unit(row.to_id),
        persons: 0,
        households: 0,
        householdsRenamed: 0,
        duplicateWarnings: 0,
      };
      moves.set(key, move);
    }
    return move;
  };
  for (const row of persons) moveOf(row).persons = row.n;
  for (const row of households) {
    const move = moveOf(row);
    move.households = row.n;
    move.householdsRenamed = row.renamed ?? 0;
  }
  for (const row of warnings) moveOf(row).duplicateWarnings = row.n;

  const queuedBy = new Map(queued.map((row) => [row.from_id, row.n]));
  const stateBy = new Map(queueState.map((row) => [row.from_id, row]));
  const splits: ReformSplit[] = splitUnits.map((split) => {
    const queuedNow = queuedBy.get(split.id) ?? 0;
    const state = stateBy.get(split.id);
    return {
      from: unit(split.id),
      candidates: split.candidates.map(unit).sort((a, b) => a.code.localeCompare(b.code)),
      queued: queuedNow,
      // A dry run wrote nothing: those it would queue would wait too.
      waiting: (state?.waiting ?? 0) + (dryRun ? queuedNow : 0),
      assigned: state?.assigned ?? 0,
    };
  });

  const byFromCode = <T extends { from: ReformUnit }>(a: T, b: T) => a.from.code.localeCompare(b.from.code);
  const moveList = [...moves.values()].sort((a, b) => byFromCode(a, b) || a.to.code.localeCompare(b.to.code));
  splits.sort(byFromCode);
  const strandedList: ReformStranded[] = stranded
    .map((row) => ({ unit: unit(row.from_id), persons: row.n }))
    .sort((a, b) => a.unit.code.localeCompare(b.unit.code));
  options.onProgress?.({ phase: 'done', done: STEPS.length, total: STEPS.length });
  return {
    on,
    dryRun,
    moves: moveList,
    splits,
    stranded: strandedList,
    endedUnits: ended.ended,
    splitUnits: ended.split,
    totals: reformTotals(moveList, splits),
    entitlements,
    seconds: (performance.now() - started) / 1000,
  };
}

/**
 * Carries the register across the re-organisation that took effect `on` (see above). With a pool, in a
 * transaction of its own (all or nothing); with a client, in the caller's transaction.
 */
export async function carryAcrossReform(
  db: pg.Pool | pg.ClientBase,
  options: CarryOverOptions,
): Promise<ReformCarryOverReport> {
  if (!(db instanceof pg.Pool)) return carryOver(db, options);
  const client = await db.connect();
  let broken: Error | undefined;
  try {
    await client.query('begin');
    if (options.actor) {
      await client.query('select set_config($1, $2, true), set_config($3, $4, true)', [
        ACTOR_SETTINGS.id,
        options.actor.id,
        ACTOR_SETTINGS.name,
        options.actor.name,
      ]);
    }
    const report = await carryOver(client, options);
    await client.query(options.dryRun ? 'rollback' : 'commit');
    return report;
  } catch (error) {
    await client.query('rollback').catch((rollbackError: Error) => (broken = rollbackError));
    throw error;
  } finally {
    client.release(broken);
  }
}
