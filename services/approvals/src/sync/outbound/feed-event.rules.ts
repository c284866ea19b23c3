import { createHash } from 'node:crypto';
import { feedCarries, type SyncMode } from './sync-mode.rule.ts';

/**
 * What a provincial system receives, from the outbox rows of approvals and payments. Plain functions:
 * the relay (relay.ts) reads the rows and writes the feed; everything it decides is here.
 */

export const FEED_EVENT_TYPES = [
  'application.received',
  'application.step-completed',
  'application.returned',
  'application.resubmitted',
  'application.decided',
  'application.rejected',
  'entitlement.changed',
  'entitlement.suspended',
  'entitlement.resumed',
  'entitlement.relocated',
  'entitlement.stopped',
  'payment.first-paid',
] as const;
export type FeedEventType = (typeof FEED_EVENT_TYPES)[number];

export type OutboxOwner = 'approvals' | 'payments';

/** An outbox row as `<owner>.take_sync_events` answers it. */
export type OutboxRow = {
  owner: OutboxOwner;
  /** The outbox id (bigint, as text). */
  id: string;
  aggregateType: string;
  aggregateId: string;
  eventType: string;
  payload: Readonly<Record<string, unknown>>;
  occurredAt: Date;
  /** The province the event belongs to (the dossier's or the paying unit's); null when the unit is unknown. */
  provinceCode: string | null;
  /** What approvals' function looked up for the event (the step row, the decision); null for payments. */
  details: Readonly<Record<string, unknown>> | null;
};

/** The dossier an entitlement belongs to (`approvals.sync_entitlement_dossiers`). */
export type EntitlementDossier = {
  rootEntitlementId: string;
  applicationId: string | null;
  source: string | null;
  externalCode: string | null;
  confidential: boolean;
};

/** `source`/`externalCode`: the provincial system's own code, null for a dossier received at the commune's desk. */
export type DossierRef = { source: string | null; externalCode: string | null; applicationId: string | null };

export type FeedEvent = {
  /** Stable: the same outbox row always gives the same id, so receivers de-duplicate on it. */
  id: string;
  type: FeedEventType;
  occurredAt: Date;
  province: string;
  /** Events of one dossier are delivered in order: the application's id, else `entitlement:<first entitlement of the lineage>`. */
  dossierKey: string;
  dossier: DossierRef;
  data: Record<string, unknown>;
};

/** The namespace of event ids (a fixed random uuid): ids are uuid v5 of `<owner>.outbox:<id>` in it. */
const EVENT_NAMESPACE = Buffer.from('6f1d3c0e5b7a4e2f9c8d1a2b3c4d5e6f', 'hex');

/** A name-based (version 5, SHA-1) uuid of `name` in the event namespace (RFC 9562 §5.5). */
export function eventIdOf(owner: OutboxOwner, outboxId: string): string {
  const hash = createHash('sha1')
    .update(EVENT_NAMESPACE)
    .update(`${owner}.outbox:${outboxId}`, 'utf8')
    .digest();
  const bytes = hash.subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x50;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

const text = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);
const amount = (value: unknown): number | null =>
  typeof value === 'number' && Number.isSafeInteger(value)
    ? value
    : typeof value === 'string' && /^\d+$/.test(value)
      ? Number(value)
      : null;
const record = (value: unknown): Readonly<Record<string, unknown>> | null =>
  typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : null;

/**
 * A reason written by an official may name an illness; for a confidential category (HIV) the feed
 * leaves it out, as the API does for a system without entitlement:read-confidential.
 */
const reasonOf = (details: Readonly<Record<string, unknown>>): string | null =>
  details.confidential === true ? null : text(details.reason);

/** A dossier's step (application_events), from `approvals.sync_application_details`. */
function applicationEvent(
  details: Readonly<Record<string, unknown>>,
): Omit<FeedEvent, 'id' | 'occurredAt' | 'province'> | null {
  const applicationId = text(details.applicationId);
  if (!applicationId) return null;
  const dossier = { source: text(details.source), externalCode: text(details.externalCode), applicationId };
  const step = text(details.step);
  const base = { dossierKey: applicationId, dossier };
  switch (details.action) {
    case 'filed':
      return { ...base, type: 'application.received', data: { step, filedOn: text(details.filedOn) } };
    case 'completed': {
      if (details.isDecision !== true) {
        return {
          ...base,
          type: 'application.step-completed',
          data: { step, nextStep: text(details.nextStep) },
        };
      }
      const decision = record(details.decision) ?? {};
      return {
        ...base,
        type: 'application.decided',
        data: {
          step,
          decisionNumber: text(decision.number),
          decidedOn: text(decision.decidedOn),
          monthlyAmount: amount(decision.amount),
          firstMonth: text(decision.effectiveMonth),
          entitlementId: text(decision.entitlementId),
        },
      };
    }
    case 'returned':
      return { ...base, type: 'application.returned', data: { step, reason: reasonOf(details) } };
    case 'resubmitted':
      return { ...base, type: 'application.resubmitted', data: { step } };
    case 'rejected':
      return { ...base, type: 'application.rejected', data: { step, reason: reasonOf(details) } };
    default:
      return null;
  }
}

const DECISION_TYPES: Partial<Record<string, FeedEventType>> = {
  change: 'entitlement.changed',
  suspend: 'entitlement.suspended',
  resume: 'entitlement.resumed',
  'relocate-out': 'entitlement.relocated',
  stop: 'entitlement.stopped',
};

const dossierKeyOf = (applicationId: string | null, rootEntitlementId: string) =>
  applicationId ?? `entitlement:${rootEntitlementId}`;

/**
 * A later decision on an entitlement (from `approvals.sync_decision_details`). A grant is the
 * dossier's `application.decided` (from its deciding step); a relocation is told once, by the old
 * commune's side, with the entitlement that continues it; a one-off support has no dossier.
 */
function decisionEvent(
  details: Readonly<Record<string, unknown>>,
): Omit<FeedEvent, 'id' | 'occurredAt' | 'province'> | null {
  const type = DECISION_TYPES[String(details.kind)];
  const entitlementId = text(details.entitlementId);
  if (!type || !entitlementId) return null;
  const rootEntitlementId = text(details.rootEntitlementId) ?? entitlementId;
  const applicationId = text(details.applicationId);
  const data: Record<string, unknown> = {
    entitlementId,
    decisionNumber: text(details.number),
    decidedOn: text(details.decidedOn),
    effectiveMonth: text(details.effectiveMonth),
    monthlyAmount: amount(details.amount),
    reason: reasonOf(details),
  };
  if (type === 'entitlement.relocated') {
    const successor = record(details.successor) ?? {};
    data.monthlyAmount = amount(successor.amount);
    data.toEntitlementId = text(successor.entitlementId);
    data.toUnitCode = text(successor.unitCode);
    data.toProvince = text(successor.provinceCode);
  }
  return {
    type,
    dossierKey: dossierKeyOf(applicationId, rootEntitlementId),
    dossier: { source: text(details.source), externalCode: text(details.externalCode), applicationId },
    data,
  };
}

/** `payment.first-paid`, whose dossier is that of the entitlement's lineage. */
function paymentEvent(
  row: OutboxRow,
  dossiers: ReadonlyMap<string, EntitlementDossier>,
): Omit<FeedEvent, 'id' | 'occurredAt' | 'province'> | null {
  const entitlementId = text(row.payload.entitlementId);
  if (!entitlementId) return null;
  const dossier = dossiers.get(entitlementId);
  const rootEntitlementId = dossier?.rootEntitlementId ?? entitlementId;
  const applicationId = dossier?.applicationId ?? null;
  return {
    type: 'payment.first-paid',
    dossierKey: dossierKeyOf(applicationId, rootEntitlementId),
    dossier: { source: dossier?.source ?? null, externalCode: dossier?.externalCode ?? null, applicationId },
    data: {
      entitlementId,
      month: text(row.payload.month),
      amount: amount(row.payload.amount),
      paidOn: text(row.payload.paidOn),
      channel: text(row.payload.channel),
    },
  };
}

/**
 * The feed event of one outbox row, or null when the row is not one a province receives: the history's
 * own application, entitlement and grant events (the steps and later decisions say it), one-off
 * support, or a row whose unit or dossier cannot be found.
 */
export function feedEventOf(
  row: OutboxRow,
  dossiers: ReadonlyMap<string, EntitlementDossier> = new Map(),
): FeedEvent | null {
  if (!row.provinceCode) return null;
  let event: Omit<FeedEvent, 'id' | 'occurredAt' | 'province'> | null = null;
  if (row.owner === 'approvals' && row.details) {
    if (row.eventType === 'application.progressed') event = applicationEvent(row.details);
    else if (row.eventType === 'decision.created') event = decisionEvent(row.details);
  } else if (row.owner === 'payments' && row.eventType === 'payment.first-paid') {
    event = paymentEvent(row, dossiers);
  }
  if (!event) return null;
  return {
    id: eventIdOf(row.owner, row.id),
    occurredAt: row.occurredAt,
    province: row.provinceCode,
    ...event,
  };
}

/**
 * The rows of both outboxes in one order: each owner's in its id order (its commit order for one
 * record), the two interleaved by the time of their change (approvals first at the same instant: a
 * payment follows the decision it pays).
 */
export function interleave(approvals: readonly OutboxRow[], payments: readonly OutboxRow[]): OutboxRow[] {
  const merged: OutboxRow[] = [];
  let a = 0;
  let p = 0;
  while (a < approvals.length || p < payments.length) {
    const next =
      p >= payments.length ||
      (a < approvals.length && approvals[a]!.occurredAt.getTime() <= payments[p]!.occurredAt.getTime())
        ? approvals[a++]!
        : payments[p++]!;
    merged.push(next);
  }
  return merged;
}

/**
 * The events of a batch that go out: those of provinces whose mode sends to their system (two-way or
 * outbound; a province without a mode is not connected). The others are dropped, not kept for later:
 * a province that connects receives what happens from then on, and reads older state through the API.
 */
export function publishable(events: readonly FeedEvent[], modes: ReadonlyMap<string, SyncMode>): FeedEvent[] {
  return events.filter((event) => feedCarries(modes.get(event.province) ?? 'none'));
}

/** A feed row as stored (`approvals.sync_feed`). */
export type FeedRow = {
  seq: string;
  eventId: string;
  eventType: string;
  occurredAt: Date;
  provinceCode: string;
  payload: { dossier: DossierRef; data: Record<string, unknown> };
};

/** What `publish_sync_events` takes for one event: the row but its sequence, which it gives. */
export function feedRowInput(event: FeedEvent) {
  return {
    id: event.id,
    province: event.province,
    dossierKey: event.dossierKey,
    type: event.type,
    occurredAt: event.occurredAt.toISOString(),
    payload: { dossier: event.dossier, data: event.data },
  };
}

/** The event as a provincial system receives it (webhook body, feed item), fields in a fixed order. */
export type SyncEventBody = {
  id: string;
  sequence: string;
  type: string;
  occurredAt: string;
  province: string;
  dossier: DossierRef;
  data: Record<string, unknown>;
};

export function eventBodyOf(row: FeedRow): SyncEventBody {
  const dossier = row.payload.dossier;
  return {
    id: row.eventId,
    sequence: row.seq,
    type: row.eventType,
    occurredAt: row.occurredAt.toISOString(),
    province: row.provinceCode,
    dossier: {
      source: dossier.source ?? null,
      externalCode: dossier.externalCode ?? null,
      applicationId: dossier.applicationId ?? null,
    },
    data: row.payload.data,
  };
}
