import { unitScopePolicy } from '@ansinh/common';
import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';

export const DUPLICATE_REASON_VALUES = ['citizen_id', 'name_and_birth'] as const;
export const DUPLICATE_STATUS_VALUES = ['open', 'merged', 'dismissed'] as const;

/**
 * Cảnh báo trùng: `personId` looks like `matchedPersonId` (same CCCD, or the same name without
 * accents and date of birth in the same area: `former_district_ids` overlapping). An official merges or dismisses it.
 */
export const DuplicateWarning = defineEntity({
  name: 'DuplicateWarning',
  tableName: 'duplicate_warnings',
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => randomUUID()),
    personId: p.uuid(),
    matchedPersonId: p.uuid(),
    reason: p.enum(DUPLICATE_REASON_VALUES),
    /** Commune (unit version) of `personId` when the warning was raised, or where it lives when decided. */
    unitId: p.uuid(),
    status: p.enum(DUPLICATE_STATUS_VALUES).default('open'),
    createdAt: p.datetime().onCreate(() => new Date()),
    decidedAt: p.datetime().nullable(),
    decidedById: p.text().nullable(),
    decidedByName: p.text().nullable(),
    decisionNote: p.text().nullable(),
  },
  indexes: [{ properties: ['unitId', 'status'] }, { properties: ['matchedPersonId'] }],
  uniques: [{ properties: ['personId', 'matchedPersonId'] }],
  policies: [unitScopePolicy<{ unitId: string }>('unitId')],
});

export type DuplicateWarning = InferEntity<typeof DuplicateWarning>;
