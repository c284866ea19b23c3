import { unitScopePolicy } from '@ansinh/common';
import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';

/** draft (rebuilt at will) → approved (locked) → paying → closed. */
export const PAYMENT_LIST_STATE_VALUES = ['draft', 'approved', 'paying', 'closed'] as const;
export type PaymentListStateValue = (typeof PAYMENT_LIST_STATE_VALUES)[number];

/** A list's state as officials say it (`Danh sách … đang chi trả`). */
export const PAYMENT_LIST_STATE_NAMES: Record<PaymentListStateValue, string> = {
  draft: 'đang lập (chưa phê duyệt)',
  approved: 'đã phê duyệt',
  paying: 'đang chi trả',
  closed: 'đã đóng',
};

/** Per channel: lines and amount (control totals). */
export type ChannelTotals = Partial<Record<string, { lines: number; amount: number }>>;

/** Danh sách chi trả: one paying commune's list for one month, with its control totals. */
export const PaymentList = defineEntity({
  name: 'PaymentList',
  tableName: 'payment_lists',
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => randomUUID()),
    unitId: p.uuid(),
    month: p.string().length(7),
    state: p.enum(PAYMENT_LIST_STATE_VALUES).default('draft'),
    lineCount: p.integer().default(0),
    personCount: p.integer().default(0),
    totalAmount: p.bigint('number').default(0),
    heldCount: p.integer().default(0),
    heldAmount: p.bigint('number').default(0),
    channelTotals: p.json<ChannelTotals>().default('{}'),
    generatedAt: p.datetime().nullable(),
    generatedById: p.text().nullable(),
    generatedByName: p.text().nullable(),
    approvedAt: p.datetime().nullable(),
    approvedById: p.text().nullable(),
    approvedByName: p.text().nullable(),
    payingAt: p.datetime().nullable(),
    closedAt: p.datetime().nullable(),
    closedById: p.text().nullable(),
    closedByName: p.text().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
  uniques: [{ properties: ['unitId', 'month'] }],
  indexes: [{ properties: ['month', 'state'] }],
  policies: [unitScopePolicy<{ unitId: string }>('unitId')],
});
export type PaymentList = InferEntity<typeof PaymentList>;
