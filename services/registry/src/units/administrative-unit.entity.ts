import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';

export const UNIT_LEVEL_VALUES = ['province', 'district', 'commune'] as const;

/**
 * Đơn vị hành chính. A row is one unit version: a code within a validity period (the 2025 reform
 * reused codes for different territories); `id` is its identity. The lineage columns (`path`,
 * `parentId`, `successorIds`, `scopePaths`, `formerDistrictIds`) are derived from codes and dates by
 * the SQL function `registry.refresh_unit_lineage()` (migration Migration20261202100000), which the
 * units import runs in its transaction: never written by hand.
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
    /**
     * ltree path of version-qualified labels from the province down: a unit's label is its code when
     * `validFrom` is null, else `<code>_<yyyymmdd of validFrom>` (`42.436.18073`, `42_20250701.18073_20250701`).
     */
    path: p.string().columnType('ltree'),
    validFrom: p.date().nullable(),
    validTo: p.date().nullable(),
    /**
     * Units that took this one over when it ended (several when it was split), by code; each is the
     * unit with that code valid from the day after `validTo`.
     */
    successorCodes: p.array().default([]),
    /** The parent version: the unit with `parentCode` whose period covers this one's. */
    parentId: p.uuid().nullable(),
    /** The successor versions (code in `successorCodes`, valid from the day after `validTo`); a split has several. */
    successorIds: p.array().columnType('uuid[]').default([]),
    /** Own path, then the paths of every unit merged whole into this one, recursively: what its accounts read. */
    scopePaths: p.array().columnType('ltree[]').default([]),
    /** Communes: the district versions this commune and all its predecessors lay in. */
    formerDistrictIds: p.array().columnType('uuid[]').default([]),
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
    { properties: ['parentId'] },
    { name: 'administrative_units_successor_ids_gin', properties: ['successorIds'], type: 'gin' },
    { name: 'administrative_units_scope_paths_gist', properties: ['scopePaths'], type: 'gist' },
    {
      name: 'administrative_units_former_district_ids_gin',
      properties: ['formerDistrictIds'],
      type: 'gin',
    },
  ],
});

export type AdministrativeUnit = InferEntity<typeof AdministrativeUnit>;
