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
  },
  uniques: [{ properties: ['code', 'validFrom'] }],
  indexes: [
    { properties: ['parentCode'] },
    { name: 'administrative_units_path_gist', properties: ['path'], type: 'gist' },
  ],
});

export type AdministrativeUnit = InferEntity<typeof AdministrativeUnit>;
