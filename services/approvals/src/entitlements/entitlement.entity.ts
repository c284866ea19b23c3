import { unitScopePolicy } from '@ansinh/common';
import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';

export const ENTITLEMENT_STATUS_VALUES = ['active', 'suspended', 'stopped'] as const;

/** Mức chuẩn trợ giúp xã hội: effective-dated, national (no province) or set higher by a province. */
export const StandardLevel = defineEntity({
  name: 'StandardLevel',
  tableName: 'standard_levels',
  properties: {
    id: p.integer().primary().autoincrement(),
    validFromMonth: p.string().length(7),
    provinceCode: p.string().length(2).nullable(),
    amount: p.bigint('number'),
    legalBasis: p.text(),
  },
  uniques: [{ properties: ['validFromMonth', 'provinceCode'] }],
});
export type StandardLevel = InferEntity<typeof StandardLevel>;

/** One person's monthly allowance under one policy group, from a decision. */
export const Entitlement = defineEntity({
  name: 'Entitlement',
  tableName: 'entitlements',
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => randomUUID()),
    personId: p.uuid(),
    unitCode: p.string().length(5),
    policyGroup: p.string().length(10),
    /** Coefficient × 100 (1.5 → 150): exact integer arithmetic on money. */
    coefficientHundredths: p.smallint(),
    startMonth: p.string().length(7),
    endMonth: p.string().length(7).nullable(),
    decisionNumber: p.string(),
    decisionDate: p.string().columnType('date'),
    status: p.enum(ENTITLEMENT_STATUS_VALUES).default('active'),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
  indexes: [{ properties: ['personId'] }, { properties: ['unitCode', 'status'] }],
  policies: [unitScopePolicy<{ unitCode: string }>('unitCode')],
});
export type Entitlement = InferEntity<typeof Entitlement>;
