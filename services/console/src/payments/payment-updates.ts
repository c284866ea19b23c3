import type { PaymentListPageQuery, PaymentUpdateInput } from '../generated/graphql.ts';

/** A line of a list as the list's page reads it, which the daily update works on too. */
export type PaymentListLine = NonNullable<PaymentListPageQuery['paymentList']>['lines'][number];

/** What the officer fills once for every line selected. */
export type BulkUpdate = {
  status: 'PAID' | 'UNPAID' | 'UNREACHABLE' | 'RETURNED';
  /** `YYYY-MM-DD`: the day paid, or the day the update is for. */
  date: string;
  /** `HH:MM` in Vietnam's time, for PAID. */
  time: string;
  receiver: 'PERSON' | 'AUTHORISED';
  receiverName: string;
  reference: string;
  note: string;
};

/** The graph takes at most this many lines in one update (all or nothing). */
export const MAX_LINES_PER_UPDATE = 1000;

const blank = (value: string): string | null => (value.trim() === '' ? null : value.trim());

/** The updates of the selected lines, each with the version the officer saw (a line changed since is refused). */
export function paymentUpdates(
  lines: readonly { id: string; version: number }[],
  update: BulkUpdate,
): PaymentUpdateInput[] {
  const paid = update.status === 'PAID';
  return lines.map((line) => ({
    lineId: line.id,
    expectedVersion: line.version,
    status: update.status,
    // Vietnam keeps UTC+7 all year.
    paidAt: paid ? `${update.date}T${update.time || '00:00'}:00+07:00` : null,
    forDate: paid ? null : blank(update.date),
    receiver: paid ? update.receiver : null,
    receiverName: paid && update.receiver === 'AUTHORISED' ? blank(update.receiverName) : null,
    reference: blank(update.reference),
    note: blank(update.note),
  }));
}

/** A line the graph refused in a bulk update, as its error lists them (`extensions.details.lines`). */
export type RefusedLine = { lineId: string; field: string | null; message: string };

export function refusedLines(details: Readonly<Record<string, unknown>> | null): RefusedLine[] {
  const lines = details?.['lines'];
  if (!Array.isArray(lines)) return [];
  return lines.flatMap((line: unknown) => {
    if (typeof line !== 'object' || line === null) return [];
    const { lineId, field, message } = line as Record<string, unknown>;
    return typeof lineId === 'string' && typeof message === 'string'
      ? [{ lineId, field: typeof field === 'string' ? field : null, message }]
      : [];
  });
}

/**
 * The selection after a click on a line's box: a plain click toggles it; a shift-click sets every
 * line from the last one clicked to this one as this one is set (as in a file manager).
 */
export function toggleSelection(
  selected: ReadonlySet<string>,
  order: readonly string[],
  id: string,
  checked: boolean,
  anchor: string | null,
  range: boolean,
): Set<string> {
  const next = new Set(selected);
  const from = anchor === null ? -1 : order.indexOf(anchor);
  const to = order.indexOf(id);
  const ids = range && from >= 0 && to >= 0 ? order.slice(Math.min(from, to), Math.max(from, to) + 1) : [id];
  for (const each of ids) {
    if (checked) next.add(each);
    else next.delete(each);
  }
  return next;
}
