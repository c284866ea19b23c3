import { unitScopePolicy } from '@ansinh/common';
import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';

export const GENDER_VALUES = ['male', 'female', 'unknown'] as const;
export const PERSON_STATUS_VALUES = ['living', 'deceased', 'moved_away'] as const;

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
    birthYear: p.smallint(),
    birthDate: p.string().columnType('date').nullable(),
    gender: p.enum(GENDER_VALUES),
    citizenId: p.string().length(12).nullable(),
    residenceUnitCode: p.string().length(5),
    address: p.text().nullable(),
    status: p.enum(PERSON_STATUS_VALUES).default('living'),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p
      .datetime()
      .onCreate(() => new Date())
      .onUpdate(() => new Date()),
  },
  indexes: [{ properties: ['residenceUnitCode', 'id'] }],
  // One CCCD cannot belong to two living persons.
  uniques: [
    {
      name: 'persons_living_citizen_id_unique',
      properties: ['citizenId'],
      where: "status = 'living' and citizen_id is not null",
    },
  ],
  policies: [unitScopePolicy<{ residenceUnitCode: string }>('residenceUnitCode')],
});

export type Person = InferEntity<typeof Person>;
