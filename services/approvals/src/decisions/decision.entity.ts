import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';

/**
 * What a decision does to an entitlement from its effective month. `relocate-out` stops the old
 * commune's entitlement and `relocate-in` starts the new commune's, from the same month.
 */
export const DECISION_KIND_VALUES = [
  'grant',
  'change',
  'suspend',
  'resume',
  'relocate-out',
  'relocate-in',
  'stop',
  'one-off',
] as const;
export type DecisionKind = (typeof DECISION_KIND_VALUES)[number];

/**
 * Quyết định: one entry of the entitlement ledger, never changed. It carries the terms in force from
 * its effective month (category, coefficient when fixed by the decision, members), so the amount of
 * any month is the latest decision by then applied to the level and the person's age that month.
 */
export const Decision = defineEntity({
  name: 'Decision',
  tableName: 'decisions',
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => randomUUID()),
    entitlementId: p.uuid(),
    personId: p.uuid(),
    kind: p.enum(DECISION_KIND_VALUES),
    number: p.string().length(60),
    decidedOn: p.string().columnType('date'),
    /** The unit version whose chairman signed (registry.administrative_units.id). */
    signingUnitId: p.uuid(),
    signerName: p.text(),
    effectiveMonth: p.string().length(7),
    categoryId: p.uuid(),
    /** A coefficient fixed by the decision; null: the category's band at the person's age each month. */
    coefficientHundredths: p.smallint().nullable(),
    memberCount: p.smallint().default(1),
    months: p.smallint().nullable(),
    reason: p.text().nullable(),
    /** Why an approver granted despite a one-person-one-policy conflict (recorded and reported). */
    overrideReason: p.text().nullable(),
    applicationId: p.uuid().nullable(),
    recordedById: p.text(),
    recordedByName: p.text(),
    recordedAt: p.datetime().onCreate(() => new Date()),
  },
  indexes: [
    { properties: ['entitlementId', 'effectiveMonth'] },
    { properties: ['signingUnitId', 'effectiveMonth'] },
    { properties: ['personId'] },
  ],
});
export type Decision = InferEntity<typeof Decision>;
