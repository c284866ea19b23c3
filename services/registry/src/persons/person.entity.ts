import { unitScopePolicy, unitWritableSql } from '@ansinh/common';
import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { foldText } from '@ansinh/common/standalone';
import { reformQueuePersonPolicy } from '../reform/reform-queue.policy.ts';

export const GENDER_VALUES = ['male', 'female', 'unknown'] as const;
export const PERSON_STATUS_VALUES = ['living', 'deceased', 'moved_away'] as const;
export const RELATION_TO_HEAD_VALUES = [
  'head',
  'spouse',
  'child',
  'parent',
  'grandchild',
  'sibling',
  'other',
] as const;

export type Gender = (typeof GENDER_VALUES)[number];
export type PersonStatus = (typeof PERSON_STATUS_VALUES)[number];
export type RelationToHead = (typeof RELATION_TO_HEAD_VALUES)[number];

/** Đối tượng: a person in the register. Many elderly records know only the year of birth. */
export const Person = defineEntity({
  name: 'Person',
  tableName: 'persons',
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => randomUUID()),
    fullName: p.text(),
    /**
     * The name folded for accent-insensitive search (`nguyen van an`, see foldText), kept by the
     * application: computing it in PostgreSQL costs a bulk import more than all its indexes.
     */
    nameFolded: p
      .text()
      .onCreate((person: { fullName: string }) => foldText(person.fullName))
      .onUpdate((person: { fullName: string }) => foldText(person.fullName)),
    birthYear: p.smallint(),
    birthDate: p.string().columnType('date').nullable(),
    gender: p.enum(GENDER_VALUES),
    /** Dân tộc, 2-character GSO code. */
    ethnicityCode: p.string().length(2).nullable(),
    citizenId: p.string().length(12).nullable(),
    /** Old 9-digit CMND, still in old registers and bank records; kept beside the CCCD. */
    oldIdNumber: p.string().length(12).nullable(),
    phone: p.string().length(15).nullable(),
    /** The commune of residence: one unit version (administrative_units.id), never a bare code. */
    residenceUnitId: p.uuid(),
    address: p.text().nullable(),
    householdId: p.uuid().nullable(),
    relationToHead: p.enum(RELATION_TO_HEAD_VALUES).nullable(),
    status: p.enum(PERSON_STATUS_VALUES).default('living'),
    /** Day of death (deceased) or of moving away (moved_away). */
    statusDate: p.string().columnType('date').nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p
      .datetime()
      .onCreate(() => new Date())
      .onUpdate(() => new Date()),
  },
  indexes: [
    { properties: ['citizenId'] },
    { properties: ['oldIdNumber'] },
    { properties: ['householdId'] },
    // Words of the folded name and the commune as a word (`u` and the hex digits of its unit id), for
    // name search within a scope (see registry.person_ids_matching_name); lighter to keep than trigrams.
    {
      name: 'persons_name_words',
      expression: `create index "persons_name_words" on "registry"."persons" using gin (to_tsvector('simple'::regconfig, "name_folded" || ' u' || replace("residence_unit_id"::text, '-', '')))`,
    },
    {
      name: 'persons_unit_name_folded_index',
      expression:
        'create index "persons_unit_name_folded_index" on "registry"."persons" ("residence_unit_id", "name_folded", "id")',
    },
    // The deceased and moved away are few: lists of them should not read the living.
    {
      name: 'persons_not_living_index',
      expression: `create index "persons_not_living_index" on "registry"."persons" ("status", "residence_unit_id") where status <> 'living'`,
    },
    {
      name: 'persons_name_folded_id_index',
      expression: 'create index "persons_name_folded_id_index" on "registry"."persons" ("name_folded", "id")',
    },
    // Duplicate warnings look living persons up by folded name and birth year (registry.raise_duplicate_warnings).
    {
      name: 'persons_living_name_birth_year_index',
      expression: `create index "persons_living_name_birth_year_index" on "registry"."persons" ("name_folded", "birth_year") where status = 'living'`,
    },
  ],
  // One CCCD cannot belong to two living persons.
  uniques: [
    {
      name: 'persons_living_citizen_id_unique',
      properties: ['citizenId'],
      where: "status = 'living' and citizen_id is not null",
    },
  ],
  // Read under the scope's read paths (across eras), written under its own path while it is in force;
  // deleting is writing.
  policies: [
    unitScopePolicy<{ residenceUnitId: string }>('residenceUnitId'),
    {
      name: 'unit_scope_delete',
      command: 'delete',
      type: 'restrictive',
      using: (columns) => unitWritableSql((columns as Record<string, string>).residenceUnitId!),
    },
    reformQueuePersonPolicy,
  ],
});

export type Person = InferEntity<typeof Person>;
