import { badInput, defineJobKind, TODAY_IN_VIETNAM_SQL, type JobContext } from '@ansinh/common';
import type pg from 'pg';
import type { PaymentListStateValue } from './payment-list.entity.ts';
import { buildDraftLists, type GenerationTotals } from './payment-list.generation.ts';

export const PAYMENT_LIST_GENERATION = 'payment-list-generation';

/** Communes built together in one set of statements (a province's are many). */
export const COMMUNES_PER_BATCH = 500;

export type GeneratePaymentListsPayload = { unitId: string; unitCode: string; month: string };
export type GeneratePaymentListsResult = Omit<GenerationTotals, 'recoveries'> & {
  month: string;
  lockedLists: number;
  newRecoveries: number;
};

/**
 * The lists of the month of every commune under the unit (the unit itself when it is a commune) that
 * was in force in the month, made on first use (drafts), locked, in id order.
 */
export async function openListsUnder(
  client: pg.ClientBase,
  unitId: string,
  month: string,
): Promise<{ id: string; state: PaymentListStateValue }[]> {
  const { rows: communes } = await client.query<{ id: string }>(
    `select u.id from registry.v_units u, registry.v_units parent
      where parent.id = $1 and u.path <@ parent.path and u.level = 'commune'
        and (u.valid_to is null or u.valid_to >= ${TODAY_IN_VIETNAM_SQL})
        and (u.valid_from is null or u.valid_from < (to_date($2, 'YYYY-MM') + interval '1 month')::date)`,
    [unitId, month],
  );
  const ids = communes.map((commune) => commune.id);
  await client.query(
    `insert into payments.payment_lists (unit_id, month) select unnest($1::uuid[]), $2 on conflict (unit_id, month) do nothing`,
    [ids, month],
  );
  const { rows: lists } = await client.query<{ id: string; state: PaymentListStateValue }>(
    `select id, state from payments.payment_lists where unit_id = any($1::uuid[]) and month = $2 order by id for update`,
    [ids, month],
  );
  return lists;
}

/**
 * Builds draft lists, a batch of communes per set of statements, and records who made them. `beforeBatch`
 * is told how many drafts are done (a job reports its progress there, and stops when cancelled).
 */
export async function makeDrafts(
  client: pg.ClientBase,
  drafts: readonly string[],
  month: string,
  maker: { id: string; name: string },
  beforeBatch: (done: number) => void = () => undefined,
): Promise<GenerationTotals & { batches: number }> {
  const totals = { lists: 0, lines: 0, held: 0, amount: 0, recoveries: 0, batches: 0 };
  for (let start = 0; start < drafts.length; start += COMMUNES_PER_BATCH) {
    beforeBatch(start);
    const batch = await buildDraftLists(client, {
      listIds: drafts.slice(start, start + COMMUNES_PER_BATCH),
      month,
    });
    totals.lists += batch.lists;
    totals.lines += batch.lines;
    totals.held += batch.held;
    totals.amount += batch.amount;
    totals.recoveries += batch.recoveries;
    totals.batches += 1;
  }
  await client.query(
    `update payments.payment_lists set generated_at = now(), generated_by_id = $2, generated_by_name = $3 where id = any($1::uuid[])`,
    [drafts, maker.id, maker.name],
  );
  return totals;
}

/**
 * Makes (or makes again) the draft lists of every commune under the unit that was in force in the
 * month (the unit's own when it is a commune), in the job's one transaction: a cancel or a killed
 * worker leaves the drafts as they were. Lists already approved, being paid or closed stay as they are.
 */
export const generatePaymentListsJob = defineJobKind<GeneratePaymentListsPayload, GeneratePaymentListsResult>(
  {
    kind: PAYMENT_LIST_GENERATION,
    expireInSeconds: 60 * 60,
    async run(context: JobContext<GeneratePaymentListsPayload>): Promise<GeneratePaymentListsResult> {
      const { client, payload, owner } = context;
      const lists = await openListsUnder(client, payload.unitId, payload.month);
      if (!lists.length) {
        throw badInput(
          'month',
          `Đơn vị ${payload.unitCode} chưa có xã/phường nào hoạt động trong tháng ${payload.month}.`,
        );
      }
      const drafts = lists.filter((list) => list.state === 'draft').map((list) => list.id);
      const {
        recoveries,
        batches: _batches,
        ...made
      } = await makeDrafts(client, drafts, payload.month, { id: owner.subject, name: owner.name }, (done) => {
        context.signal.throwIfAborted();
        context.progress({ phase: 'lists', done, total: drafts.length });
      });
      context.progress({ phase: 'lists', done: drafts.length, total: drafts.length });
      return {
        ...made,
        month: payload.month,
        lockedLists: lists.length - drafts.length,
        newRecoveries: recoveries,
      };
    },
  },
);
