import { unitScopePolicy, unitWritableSql } from '@ansinh/common';
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
    /** The commune (administrative_units.id). */
    residenceUnitId: p.uuid(),
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
  uniques: [{ properties: ['residenceUnitId', 'code'] }],
  policies: [
    unitScopePolicy<{ residenceUnitId: string }>('residenceUnitId'),
    {
      name: 'unit_scope_delete',
      command: 'delete',
      type: 'restrictive',
      using: (columns) => unitWritableSql((columns as Record<string, string>).residenceUnitId!),
    },
  ],
});

export type Household = InferEntity<typeof Household>;
