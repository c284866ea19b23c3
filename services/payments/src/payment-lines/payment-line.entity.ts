import { personRecordPolicy } from '@ansinh/common';
import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';

export const PAYMENT_CHANNEL_VALUES = ['cash', 'bank', 'e_wallet', 'mobile_money'] as const;
export const PAYMENT_STATUS_VALUES = ['pending', 'paid', 'unpaid'] as const;

/** A line of a commune's monthly payment list. Money is whole đồng. */
export const PaymentLine = defineEntity({
  name: 'PaymentLine',
  tableName: 'payment_lines',
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => randomUUID()),
    personId: p.uuid(),
    entitlementId: p.uuid().nullable(),
    /** The paying unit's version (registry.administrative_units.id). A line never moves: it stays with the unit that paid it. */
    unitId: p.uuid(),
    month: p.string().length(7),
    amount: p.bigint('number'),
    arrears: p.bigint('number').default(0),
    channel: p.enum(PAYMENT_CHANNEL_VALUES),
    status: p.enum(PAYMENT_STATUS_VALUES).default('pending'),
    paidOn: p.string().columnType('date').nullable(),
    reference: p.string().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
  uniques: [{ properties: ['personId', 'month', 'unitId'] }],
  indexes: [{ properties: ['unitId', 'month'] }],
  // Readable by whoever reads the paying unit or the person now (a commune reads the pre-reform lines
  // of the people it took over); written only by a unit in force.
  policies: [personRecordPolicy<{ unitId: string; personId: string }>('unitId', 'personId')],
});
export type PaymentLine = InferEntity<typeof PaymentLine>;
