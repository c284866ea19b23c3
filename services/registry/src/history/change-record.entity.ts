import { unitReadableSql } from '@ansinh/common';
import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

export const CHANGE_ACTION_VALUES = ['create', 'update', 'delete'] as const;

/**
 * Lịch sử thay đổi: one row per created, updated or deleted person, household or payment account,
 * written by database triggers in the same transaction as the change, with who made it (from the
 * request's session settings) and the row before and after. Never written by the application.
 */
export const ChangeRecord = defineEntity({
  name: 'ChangeRecord',
  tableName: 'change_history',
  readonly: true,
  properties: {
    id: p.bigint().primary().autoincrement(),
    tableName: p.string().length(40),
    rowId: p.uuid(),
    personId: p.uuid().nullable(),
    householdId: p.uuid().nullable(),
    /** The unit (version) the row belonged to when it changed. */
    unitId: p.uuid().nullable(),
    action: p.enum(CHANGE_ACTION_VALUES),
    changedAt: p.datetime().defaultRaw('now()'),
    actorId: p.text(),
    actorName: p.text(),
    actorUnitCode: p.string().length(5).nullable(),
    /** Why the change was made, when the writer said (`reform 2025-07-01`): the `ansinh.change_reason` setting. */
    reason: p.text().nullable(),
    // json, not jsonb: written on every change (a bulk import writes a million), read whole.
    before: p.json<Record<string, unknown>>().columnType('json').nullable(),
    after: p.json<Record<string, unknown>>().columnType('json').nullable(),
  },
  indexes: [
    { properties: ['personId', 'id'] },
    {
      name: 'change_history_household_id_id_index',
      properties: ['householdId', 'id'],
      where: 'household_id is not null',
    },
  ],
  // History stays readable by whoever sees the person or household now, and by the unit it was recorded in.
  policies: [
    {
      name: 'history_scope',
      command: 'select',
      using: () =>
        `${unitReadableSql('unit_id')} or exists (select 1 from registry.persons p where p.id = person_id) or exists (select 1 from registry.households h where h.id = household_id)`,
    },
  ],
});

export type ChangeRecord = InferEntity<typeof ChangeRecord>;
