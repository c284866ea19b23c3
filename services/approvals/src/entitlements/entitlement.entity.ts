import { personRecordPolicy } from '@ansinh/common';
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
    /** The paying unit's version (registry.administrative_units.id): a code names other territory after the 2025 reform. */
    unitId: p.uuid(),
    categoryId: p.uuid(),
    /** The category's code (5.5.a), kept with the row for the published views of contract v1. */
    policyGroup: p.string().length(30),
    /**
     * Coefficient × 100 (1.5 → 150) when a decision fixed one (records from before the ledger); null:
     * the category's band at the person's age, month by month. The ledger decides (decisions).
     */
    coefficientHundredths: p.smallint().nullable(),
    /** Members the amount is paid for (5.4: children raised); 1 otherwise. */
    memberCount: p.smallint().default(1),
    /** The entitlement of the former commune that this one continues after a relocation. */
    relocatedFromId: p.uuid().nullable(),
    startMonth: p.string().length(7),
    endMonth: p.string().length(7).nullable(),
    decisionNumber: p.string(),
    decisionDate: p.string().columnType('date'),
    status: p.enum(ENTITLEMENT_STATUS_VALUES).default('active'),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
  indexes: [
    { properties: ['personId'] },
    { properties: ['unitId', 'status'] },
    { properties: ['categoryId'] },
  ],
  // Readable by whoever reads the paying unit or the person now (a commune reads the pre-reform
  // entitlements of the people it took over); written only by a unit in force.
  policies: [personRecordPolicy<{ unitId: string; personId: string }>('unitId', 'personId')],
});
export type Entitlement = InferEntity<typeof Entitlement>;
