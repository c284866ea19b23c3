import { personRecordPolicy } from '@ansinh/common';
import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';

/** Hình thức chi trả: cash at the commune, cash by the postal service (home delivery), bank, e-wallet, mobile money, the social-security account in VNeID. */
export const PAYMENT_CHANNEL_VALUES = ['cash', 'post', 'bank', 'e_wallet', 'mobile_money', 'vneid'] as const;
export type PaymentChannelValue = (typeof PAYMENT_CHANNEL_VALUES)[number];
/** pending (not yet reported), paid (đã nhận), unpaid (chưa nhận), unreachable, returned (by the provider), held (not paid: a check failed). */
export const PAYMENT_STATUS_VALUES = [
  'pending',
  'paid',
  'unpaid',
  'unreachable',
  'returned',
  'held',
] as const;
export type PaymentStatusValue = (typeof PAYMENT_STATUS_VALUES)[number];
export const RECEIVER_VALUES = ['person', 'authorised'] as const;

/**
 * A line of a commune's monthly payment list: one entitlement's money for the list's month, with the
 * earlier months it covers (`line_months`). Money is whole đồng; `total` is computed by the database.
 */
export const PaymentLine = defineEntity({
  name: 'PaymentLine',
  tableName: 'payment_lines',
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => randomUUID()),
    listId: p.uuid(),
    lineCode: p.string().length(32),
    personId: p.uuid(),
    entitlementId: p.uuid().nullable(),
    /** The paying unit's version (registry.administrative_units.id). A line never moves: it stays with the unit that paid it. */
    unitId: p.uuid(),
    month: p.string().length(7),
    amount: p.bigint('number'),
    arrears: p.bigint('number').default(0),
    carriedOver: p.bigint('number').default(0),
    oneOff: p.bigint('number').default(0),
    recovery: p.bigint('number').default(0),
    total: p.bigint('number').persist(false),
    channel: p.enum(PAYMENT_CHANNEL_VALUES),
    accountId: p.uuid().nullable(),
    channelReason: p.text().nullable(),
    status: p.enum(PAYMENT_STATUS_VALUES).default('pending'),
    holdReason: p.text().nullable(),
    paidOn: p.string().columnType('date').nullable(),
    paidAt: p.datetime().nullable(),
    receiver: p.enum(RECEIVER_VALUES).nullable(),
    receiverName: p.string().length(100).nullable(),
    reference: p.string().nullable(),
    statusNote: p.text().nullable(),
    late: p.boolean().default(false),
    version: p.integer().default(1),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p.datetime().nullable(),
    updatedById: p.text().nullable(),
    updatedByName: p.text().nullable(),
  },
  uniques: [{ properties: ['listId', 'entitlementId'] }, { properties: ['lineCode'] }],
  indexes: [{ properties: ['unitId', 'month'] }, { properties: ['personId'] }],
  // Readable by whoever reads the paying unit or the person now (a commune reads the pre-reform lines
  // of the people it took over); written only by a unit in force.
  policies: [personRecordPolicy<{ unitId: string; personId: string }>('unitId', 'personId')],
});
export type PaymentLine = InferEntity<typeof PaymentLine>;

/** A person as this subgraph knows them: their id, resolved to the registry's details by the gateway. */
export type PersonReference = { id: string };
