import type { EntityManager } from '@mikro-orm/postgresql';
import DataLoader from 'dataloader';
import { Person } from '../persons/person.entity.ts';
import { Household } from './household.entity.ts';

export function createHouseholdByIdLoader(em: EntityManager) {
  return new DataLoader<string, Household | null>(async (ids) => {
    const households = await em.find(Household, { id: { $in: [...ids] } });
    const byId = new Map(households.map((household) => [household.id, household]));
    return ids.map((id) => byId.get(id) ?? null);
  });
}

/** Members of households, the head first, then by name. */
export function createHouseholdMembersLoader(em: EntityManager) {
  return new DataLoader<string, Person[]>(async (householdIds) => {
    const members = await em.find(
      Person,
      { householdId: { $in: [...householdIds] } },
      { orderBy: { fullName: 'asc' } },
    );
    return householdIds.map((id) =>
      members
        .filter((member) => member.householdId === id)
        .sort((a, b) => Number(b.relationToHead === 'head') - Number(a.relationToHead === 'head')),
    );
  });
}
