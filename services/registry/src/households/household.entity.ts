import { unitScopePolicy } from '@ansinh/common';
import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';

export const POVERTY_STATUS_VALUES = ['none', 'poor', 'near_poor'] as const;
export type PovertyStatus = (typeof POVERTY_STATUS_VALUES)[number];

/** Hộ gia đình: members are the persons whose `householdId` is this household. */
export const Household = defineEntity({
  name: 'Household',
  tableName: 'households',
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => randomUUID()),
    /** The commune's own household number; unique within the commune. */
    code: p.string().length(30),
    residenceUnitCode: p.string().length(5),
    address: p.text().nullable(),
    headPersonId: p.uuid().nullable(),
    /** Hộ nghèo / hộ cận nghèo, as last reviewed in `povertyYear`. */
    povertyStatus: p.enum(POVERTY_STATUS_VALUES).default('none'),
    povertyYear: p.smallint().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p
      .datetime()
      .onCreate(() => new Date())
      .onUpdate(() => new Date()),
  },
  uniques: [{ properties: ['residenceUnitCode', 'code'] }],
  policies: [unitScopePolicy<{ residenceUnitCode: string }>('residenceUnitCode')],
});

export type Household = InferEntity<typeof Household>;
