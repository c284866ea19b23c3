import { AppError, badInput, conflict, displayDate, type Session } from '@ansinh/common';
import { DriverException } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { PaymentLine } from '../payment-lines/payment-line.entity.ts';
import {
  applyUpdates,
  claimIdempotencyKey,
  findDailyUpdates,
  lockLines,
  startPaying,
  storeIdempotencyKey,
} from './payment-update.repository.ts';
import {
  checkAgainstLine,
  checkUpdates,
  cutOffOf,
  IDEMPOTENCY_KEY,
  LINE_NOT_IN_SCOPE,
  isDay,
  localDayOf,
  MAX_UPDATES,
  refusalCode,
  refusalMessage,
  requestHash,
  type Day,
  type LineProblem,
  type UpdateInput,
} from './payment-update.rules.ts';

export const RECORD_PAYMENTS = 'recordPayments';

export type RecordPaymentsInput = {
  updates: readonly UpdateInput[];
  idempotencyKey?: string | null | undefined;
};

export type RecordPaymentsResult = { lines: PaymentLine[]; late: number; replayed: boolean };

/** One refusal for the whole request, every refused line in `details.lines` (index, lineId, code, field, message). */
function refuseLines(problems: readonly LineProblem[], total: number): never {
  const sorted = [...problems].sort((a, b) => a.index - b.index);
  throw new AppError(refusalCode(sorted), refusalMessage(sorted, total), {
    field: sorted[0]!.field,
    details: { lines: sorted },
  });
}

/**
 * A list closed (or a line held) by another request between the check and the write: the database's
 * guard (payments.guard_locked_lines, SQLSTATE 55000) refused the change, and nothing is kept.
 */
function refuseLockedList(error: unknown): never {
  if (error instanceof DriverException && (error.code === '55000' || error.sqlState === '55000')) {
    throw conflict(
      'updates',
      'Danh sách chi trả vừa được người khác thay đổi (đóng danh sách hoặc giữ lại dòng) trong lúc bạn cập nhật: chưa ghi dòng nào; hãy tải lại danh sách rồi cập nhật lại.',
    );
  }
  throw error;
}

/** The lines, as they are now, in the order given. */
async function linesInOrder(em: EntityManager, ids: readonly string[]): Promise<PaymentLine[]> {
  const lines = await em.find(PaymentLine, { id: { $in: [...ids] } }, { refresh: true });
  const byId = new Map(lines.map((line) => [line.id, line]));
  return ids.flatMap((id) => byId.get(id) ?? []);
}

/**
 * Cập nhật chi trả: records the payment state of lines (paid with time and receiver, not yet paid,
 * unreachable, returned), all or nothing. Every line is checked first (as entered, then against its
 * line, locked: in the caller's commune, list approved or paying, not held, still at the version the
 * caller read) and every problem is reported at once; then the lines change and one update row per
 * line is written, in one statement, with the first update moving an approved list to paying. An
 * update recorded after its day's 17:30 cut-off is late. With an idempotency key, the same request
 * sent again answers what it answered the first time and changes nothing.
 *
 * `now` is the clock (resolvers pass `new Date()`): it dates the updates and decides lateness.
 */
export async function recordPayments(
  em: EntityManager,
  session: Session,
  input: RecordPaymentsInput,
  now: Date,
): Promise<RecordPaymentsResult> {
  session.assert('payment:write');
  const principal = session.requirePrincipal();
  const { updates } = input;
  if (updates.length < 1 || updates.length > MAX_UPDATES) {
    throw badInput(
      'updates',
      `Mỗi lần cập nhật từ 1 đến ${MAX_UPDATES.toLocaleString('vi-VN')} dòng chi trả; hãy chia danh sách thành nhiều lần.`,
    );
  }
  const key = input.idempotencyKey ?? null;
  if (key !== null && !IDEMPOTENCY_KEY.test(key)) {
    throw badInput(
      'idempotencyKey',
      'Khóa chống gửi trùng (idempotencyKey) phải dài 8–100 ký tự, chỉ gồm chữ cái không dấu, chữ số, "_" và "-".',
    );
  }
  const { checked, problems } = checkUpdates(updates, now);
  const hash = requestHash(RECORD_PAYMENTS, updates);

  return em.transactional(async (tx) => {
    if (key !== null) {
      const stored = await claimIdempotencyKey(tx, principal.subject, key);
      if (stored) {
        if (stored.operation !== RECORD_PAYMENTS || stored.requestHash !== hash) {
          throw conflict(
            'idempotencyKey',
            'Khóa chống gửi trùng (idempotencyKey) này đã được dùng cho một yêu cầu khác: mỗi yêu cầu cần một khóa mới.',
          );
        }
        return {
          lines: await linesInOrder(tx, stored.answer.lineIds),
          late: stored.answer.late,
          replayed: true,
        };
      }
    }
    const lineIds = checked.map((update) => update.lineId);
    // Lines named by updates refused for their content are looked up too: one the caller cannot see
    // is NOT_FOUND (scope before content), so that nothing tells an outsider what its input lacked.
    const named = [
      ...new Set(
        problems.flatMap((problem) =>
          problem.lineId && !lineIds.includes(problem.lineId) ? [problem.lineId] : [],
        ),
      ),
    ];
    const facts = await lockLines(tx, [...lineIds, ...named]);
    const unseen = named.flatMap((lineId): LineProblem[] => {
      if (facts.has(lineId)) return [];
      const { index } = problems.find((problem) => problem.lineId === lineId)!;
      return [
        {
          index,
          lineId,
          code: 'NOT_FOUND',
          field: `updates.${index}.lineId`,
          message: LINE_NOT_IN_SCOPE,
        },
      ];
    });
    const refused = [
      ...problems,
      ...unseen,
      ...checked.flatMap((update) => checkAgainstLine(update, facts.get(update.lineId)) ?? []),
    ];
    if (refused.length) refuseLines(refused, updates.length);

    await startPaying(tx, lineIds, now);
    const changed = await applyUpdates(
      tx,
      checked,
      { id: principal.subject, name: principal.username },
      now,
    ).catch(refuseLockedList);
    // The lines are locked and their versions checked: anything else is a bug, and nothing is kept.
    if (changed !== checked.length) {
      throw new Error(`recordPayments: ${changed} of ${checked.length} lines changed after their check`);
    }
    const late = checked.filter((update) => update.late).length;
    if (key !== null) {
      await storeIdempotencyKey(tx, {
        actorId: principal.subject,
        key,
        operation: RECORD_PAYMENTS,
        requestHash: hash,
        answer: { lineIds, late },
      });
    }
    return { lines: await linesInOrder(tx, lineIds), late, replayed: false };
  });
}

export type DailyUpdateList = {
  unit: { id: string };
  unitCode: string;
  listId: string;
  month: string;
  updated: boolean;
  updates: number;
  lateUpdates: number;
  firstRecordedAt: string | null;
  lastRecordedAt: string | null;
};

export type DailyUpdateStatus = {
  date: Day;
  cutOff: string;
  communes: number;
  updated: number;
  notUpdated: number;
  lists: DailyUpdateList[];
};

/** The day a `date` argument names: today (Vietnam) when none is given; a real day, not in the future. */
export function dayArgument(date: string | null | undefined, now: Date): Day {
  const today = localDayOf(now);
  if (date == null) return today;
  if (!isDay(date)) throw badInput('date', 'Ngày phải có dạng YYYY-MM-DD, ví dụ 2026-12-02.');
  if (date > today) {
    throw badInput('date', `Ngày ${displayDate(date)} ở tương lai: chỉ xem được đến hôm nay.`);
  }
  return date;
}

/**
 * Which communes under `paths` have recorded their payment updates for `day` and which have not:
 * each commune's list being paid, with the day's updates (how many, how many late, first and last),
 * and the totals. A commune with two lists being paid counts as updated when either has updates.
 */
export async function dailyUpdateStatus(
  em: EntityManager,
  paths: readonly string[],
  day: Day,
): Promise<DailyUpdateStatus> {
  const dayStart = new Date(`${day}T00:00:00+07:00`);
  const rows = await findDailyUpdates(em, paths, day, dayStart);
  const communes = new Set(rows.map((row) => row.unitId));
  const updated = new Set(rows.filter((row) => row.updates > 0).map((row) => row.unitId));
  return {
    date: day,
    cutOff: cutOffOf(day).toISOString(),
    communes: communes.size,
    updated: updated.size,
    notUpdated: communes.size - updated.size,
    lists: rows.map((row) => ({
      unit: { id: row.unitId },
      unitCode: row.unitCode,
      listId: row.listId,
      month: row.month,
      updated: row.updates > 0,
      updates: row.updates,
      lateUpdates: row.lateUpdates,
      firstRecordedAt: row.firstRecordedAt,
      lastRecordedAt: row.lastRecordedAt,
    })),
  };
}
