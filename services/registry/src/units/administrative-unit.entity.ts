import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';

export const UNIT_LEVEL_VALUES = ['province', 'district', 'commune'] as const;

/**
 * Đơn vị hành chính. A unit is a code within a validity period: the 2025 reform reused codes for
 * different territories. `path` is the materialised ltree path of codes (`42.436.18073`).
 */
export const AdministrativeUnit = defineEntity({
  name: 'AdministrativeUnit',
  tableName: 'administrative_units',
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => randomUUID()),
    code: p.string().length(5),
    name: p.string(),
    fullName: p.string(),
    level: p.enum(UNIT_LEVEL_VALUES),
    kind: p.string(),
    parentCode: p.string().length(5).nullable(),
    path: p.string().columnType('ltree'),
    validFrom: p.date().nullable(),
    validTo: p.date().nullable(),
    /**
     * Units that took this one over when it ended (several when it was split), by code; each is the
     * unit with that code valid from the day after `validTo`.
     */
    successorCodes: p.array().default([]),
  },
  // A code is reused across periods but names one unit per period; an open start counts as one period.
  uniques: [
    {
      name: 'administrative_units_code_valid_from_unique',
      expression:
        'create unique index "administrative_units_code_valid_from_unique" on "registry"."administrative_units" ("code", "valid_from") nulls not distinct',
    },
  ],
  indexes: [
    { properties: ['parentCode'] },
    { name: 'administrative_units_successor_codes_gin', properties: ['successorCodes'], type: 'gin' },
    { name: 'administrative_units_path_gist', properties: ['path'], type: 'gist' },
  ],
});

export type AdministrativeUnit = InferEntity<typeof AdministrativeUnit>;
