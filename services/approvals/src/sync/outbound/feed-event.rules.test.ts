import { describe, expect, it } from '@jest/globals';
import {
  eventBodyOf,
  eventIdOf,
  feedEventOf,
  feedRowInput,
  interleave,
  publishable,
  type EntitlementDossier,
  type OutboxRow,
} from './feed-event.rules.ts';

const APPLICATION = '0b6c2f3e-7a51-4d7e-9d7e-2f0a4c1b9e11';
const ENTITLEMENT = '5a1f9d3b-2c4e-4f6a-8b7c-9d0e1f2a3b4c';
const ROOT = '9e8d7c6b-5a49-4382-b1a0-f9e8d7c6b5a4';
const AT = new Date('2026-12-03T08:00:00.000Z');

const step = (details: Record<string, unknown>, overrides: Partial<OutboxRow> = {}): OutboxRow => ({
  owner: 'approvals',
  id: '101',
  aggregateType: 'application',
  aggregateId: APPLICATION,
  eventType: 'application.progressed',
  payload: {},
  occurredAt: AT,
  provinceCode: '42',
  details: {
    applicationId: APPLICATION,
    source: 'ansinh-sync-42',
    externalCode: 'HT-2026-000123',
    confidential: false,
    filedOn: '2026-12-01',
    ...details,
  },
  ...overrides,
});

const decision = (details: Record<string, unknown>, overrides: Partial<OutboxRow> = {}): OutboxRow => ({
  owner: 'approvals',
  id: '202',
  aggregateType: 'decision',
  aggregateId: 'c1d2e3f4-a5b6-4c7d-8e9f-0a1b2c3d4e5f',
  eventType: 'decision.created',
  payload: {},
  occurredAt: AT,
  provinceCode: '42',
  details: {
    entitlementId: ENTITLEMENT,
    rootEntitlementId: ENTITLEMENT,
    applicationId: APPLICATION,
    source: 'ansinh-sync-42',
    externalCode: 'HT-2026-000123',
    confidential: false,
    number: '15/QĐ-UBND',
    decidedOn: '2026-12-02',
    effectiveMonth: '2027-01',
    amount: 750000,
    ...details,
  },
  ...overrides,
});

describe('feedEventOf: a dossier’s steps', () => {
  it('turns each action into its event, keyed by the application, with the system’s own code', () => {
    const received = feedEventOf(step({ action: 'filed', step: 'commune-verification' }));
    expect(received).toEqual({
      id: eventIdOf('approvals', '101'),
      type: 'application.received',
      occurredAt: AT,
      province: '42',
      dossierKey: APPLICATION,
      dossier: { source: 'ansinh-sync-42', externalCode: 'HT-2026-000123', applicationId: APPLICATION },
      data: { step: 'commune-verification', filedOn: '2026-12-01' },
    });
    expect(
      feedEventOf(
        step({
          action: 'completed',
          step: 'commune-verification',
          isDecision: false,
          nextStep: 'commune-decision',
        }),
      ),
    ).toMatchObject({
      type: 'application.step-completed',
      data: { step: 'commune-verification', nextStep: 'commune-decision' },
    });
    expect(
      feedEventOf(
        step({ action: 'returned', step: 'commune-verification', reason: 'Thiếu giấy xác nhận khuyết tật' }),
      ),
    ).toMatchObject({
      type: 'application.returned',
      data: { step: 'commune-verification', reason: 'Thiếu giấy xác nhận khuyết tật' },
    });
    expect(feedEventOf(step({ action: 'resubmitted', step: 'commune-verification' }))).toMatchObject({
      type: 'application.resubmitted',
      data: { step: 'commune-verification' },
    });
    expect(
      feedEventOf(step({ action: 'rejected', step: 'commune-decision', reason: 'Không đủ điều kiện' })),
    ).toMatchObject({
      type: 'application.rejected',
      data: { step: 'commune-decision', reason: 'Không đủ điều kiện' },
    });
  });

  it('tells the deciding step as the decision: number, date, monthly amount, first month, entitlement', () => {
    const decided = feedEventOf(
      step({
        action: 'completed',
        step: 'commune-decision',
        isDecision: true,
        decision: {
          number: '15/QĐ-UBND',
          decidedOn: '2026-12-02',
          effectiveMonth: '2026-12',
          entitlementId: ENTITLEMENT,
          amount: 750000,
        },
      }),
    );
    expect(decided).toMatchObject({
      type: 'application.decided',
      data: {
        step: 'commune-decision',
        decisionNumber: '15/QĐ-UBND',
        decidedOn: '2026-12-02',
        monthlyAmount: 750000,
        firstMonth: '2026-12',
        entitlementId: ENTITLEMENT,
      },
    });
  });

  it('gives a desk dossier null source and code, and withholds reasons of a confidential category', () => {
    const desk = feedEventOf(
      step({
        action: 'returned',
        step: 'x',
        reason: 'Bệnh án HIV chưa có',
        source: null,
        externalCode: null,
        confidential: true,
      }),
    );
    expect(desk?.dossier).toEqual({ source: null, externalCode: null, applicationId: APPLICATION });
    expect(desk?.data).toEqual({ step: 'x', reason: null });
  });

  it('has ids that are stable per outbox row and owner, and differ otherwise', () => {
    const id = eventIdOf('approvals', '101');
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(eventIdOf('approvals', '101')).toBe(id);
    expect(eventIdOf('payments', '101')).not.toBe(id);
    expect(eventIdOf('approvals', '102')).not.toBe(id);
  });
});

describe('feedEventOf: later decisions and the first payment', () => {
  it('tells changes, suspensions, resumptions and stops on the dossier that granted the entitlement', () => {
    for (const [kind, type] of [
      ['change', 'entitlement.changed'],
      ['suspend', 'entitlement.suspended'],
      ['resume', 'entitlement.resumed'],
      ['stop', 'entitlement.stopped'],
    ] as const) {
      expect(feedEventOf(decision({ kind, reason: kind === 'stop' ? 'Đối tượng mất' : null }))).toMatchObject(
        {
          type,
          dossierKey: APPLICATION,
          data: {
            entitlementId: ENTITLEMENT,
            decisionNumber: '15/QĐ-UBND',
            decidedOn: '2026-12-02',
            effectiveMonth: '2027-01',
            monthlyAmount: 750000,
            reason: kind === 'stop' ? 'Đối tượng mất' : null,
          },
        },
      );
    }
  });

  it('keys an entitlement granted without a dossier by the first entitlement of its lineage', () => {
    const stopped = feedEventOf(
      decision({
        kind: 'stop',
        applicationId: null,
        source: null,
        externalCode: null,
        rootEntitlementId: ROOT,
        amount: null,
      }),
    );
    expect(stopped).toMatchObject({
      dossierKey: `entitlement:${ROOT}`,
      dossier: { source: null, externalCode: null, applicationId: null },
      data: { monthlyAmount: null },
    });
  });

  it('tells a relocation once, with the entitlement and commune that continue it', () => {
    const moved = feedEventOf(
      decision({
        kind: 'relocate-out',
        amount: null,
        successor: { entitlementId: ROOT, unitCode: '18652', provinceCode: '42', amount: 750000 },
      }),
    );
    expect(moved).toMatchObject({
      type: 'entitlement.relocated',
      data: { monthlyAmount: 750000, toEntitlementId: ROOT, toUnitCode: '18652', toProvince: '42' },
    });
    expect(feedEventOf(decision({ kind: 'relocate-in' }))).toBeNull();
  });

  it('leaves out grants (the deciding step tells them), one-offs, the history’s own events and rows without a province', () => {
    expect(feedEventOf(decision({ kind: 'grant', hasApplication: true }))).toBeNull();
    expect(feedEventOf(decision({ kind: 'one-off' }))).toBeNull();
    for (const eventType of [
      'application.created',
      'application.updated',
      'application.status-changed',
      'entitlement.updated',
    ]) {
      expect(feedEventOf({ ...step({ action: 'filed' }), eventType, details: null })).toBeNull();
    }
    expect(feedEventOf(step({ action: 'filed' }, { provinceCode: null }))).toBeNull();
    expect(feedEventOf(step({ action: 'unknown' }))).toBeNull();
  });

  it('tells the first payment on the dossier of the entitlement’s lineage', () => {
    const dossiers = new Map<string, EntitlementDossier>([
      [
        ENTITLEMENT,
        {
          rootEntitlementId: ROOT,
          applicationId: APPLICATION,
          source: 'ansinh-sync-42',
          externalCode: 'HT-1',
          confidential: false,
        },
      ],
    ]);
    const paid: OutboxRow = {
      owner: 'payments',
      id: '7',
      aggregateType: 'entitlement',
      aggregateId: ENTITLEMENT,
      eventType: 'payment.first-paid',
      payload: {
        entitlementId: ENTITLEMENT,
        lineId: 'x',
        month: '2026-12',
        amount: 750000,
        paidOn: '2026-12-10',
        channel: 'post',
      },
      occurredAt: AT,
      provinceCode: '42',
      details: null,
    };
    expect(feedEventOf(paid, dossiers)).toEqual({
      id: eventIdOf('payments', '7'),
      type: 'payment.first-paid',
      occurredAt: AT,
      province: '42',
      dossierKey: APPLICATION,
      dossier: { source: 'ansinh-sync-42', externalCode: 'HT-1', applicationId: APPLICATION },
      data: {
        entitlementId: ENTITLEMENT,
        month: '2026-12',
        amount: 750000,
        paidOn: '2026-12-10',
        channel: 'post',
      },
    });
    expect(feedEventOf(paid)?.dossierKey).toBe(`entitlement:${ENTITLEMENT}`);
  });
});

describe('a batch', () => {
  const at = (owner: 'approvals' | 'payments', id: string, seconds: number) =>
    ({
      ...step({ action: 'filed' }),
      owner,
      id,
      occurredAt: new Date(AT.getTime() + seconds * 1000),
    }) satisfies OutboxRow;

  it('interleaves the two outboxes by time, each in its own order, approvals first at the same instant', () => {
    const merged = interleave(
      [at('approvals', '1', 0), at('approvals', '2', 5), at('approvals', '3', 5)],
      [at('payments', '1', 5), at('payments', '2', 1)],
    );
    // Each owner's own order is kept even where its times go back (p2 committed before p1 began).
    expect(merged.map((row) => `${row.owner[0]}${row.id}`)).toEqual(['a1', 'a2', 'a3', 'p1', 'p2']);
  });

  it('keeps only the provinces whose mode sends to their system', () => {
    const event = feedEventOf(step({ action: 'filed' }))!;
    const of = (province: string) => ({ ...event, province });
    const events = ['42', '01', '04', '08', '11'].map(of);
    const kept = publishable(
      events,
      new Map([
        ['42', 'two-way'],
        ['01', 'outbound'],
        ['04', 'inbound'],
        ['08', 'none'],
      ] as const),
    );
    expect(kept.map((item) => item.province)).toEqual(['42', '01']);
  });

  it('stores what it publishes and answers it back in the documented shape', () => {
    const event = feedEventOf(step({ action: 'filed', step: 'commune-verification' }))!;
    const input = feedRowInput(event);
    expect(input).toEqual({
      id: event.id,
      province: '42',
      dossierKey: APPLICATION,
      type: 'application.received',
      occurredAt: '2026-12-03T08:00:00.000Z',
      payload: { dossier: event.dossier, data: event.data },
    });
    const body = eventBodyOf({
      seq: '123',
      eventId: event.id,
      eventType: input.type,
      occurredAt: AT,
      provinceCode: '42',
      payload: input.payload,
    });
    expect(Object.keys(body)).toEqual([
      'id',
      'sequence',
      'type',
      'occurredAt',
      'province',
      'dossier',
      'data',
    ]);
    expect(body).toMatchObject({
      sequence: '123',
      occurredAt: '2026-12-03T08:00:00.000Z',
      dossier: event.dossier,
    });
  });
});
