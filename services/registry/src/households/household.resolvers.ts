import { badInput, idArgument, lower, notFound, upper } from '@ansinh/common';
import type { Resolvers, PovertyStatus } from '../generated/resolvers-types.ts';
import { residenceUnitOf } from '../persons/person.resolvers.ts';
import { createHousehold, setHouseholdMember, updateHousehold } from './household.service.ts';

// Household is not an entity (no @key): the gateway never asks for one, so a representation of it is a
// caller's mistake, answered as such rather than as an internal error. (The generated types know no
// __resolveReference on a type without @key, hence the spread.)
const notAnEntity = {
  __resolveReference: (): never => {
    throw badInput('representations', 'Hộ gia đình không tra cứu được qua _entities.');
  },
};

export const householdResolvers = {
  Query: {
    household: async (_parent, args, context) => {
      context.session.assert('person:read');
      // Row-level security hides other units' households.
      const household = await context.loaders.householdById.load(idArgument(args.id));
      if (!household) throw notFound('Không tìm thấy hộ trong phạm vi đơn vị của bạn.');
      return household;
    },
  },
  Mutation: {
    createHousehold: (_parent, { input }, context) =>
      createHousehold(context.em, context.session, {
        ...input,
        povertyStatus: input.povertyStatus ? lower(input.povertyStatus) : 'none',
      }),
    updateHousehold: (_parent, { id, input }, context) =>
      updateHousehold(context.em, context.session, idArgument(id), {
        ...input,
        povertyStatus: input.povertyStatus ? lower(input.povertyStatus) : undefined,
      }),
    setHouseholdMember: (_parent, args, context) =>
      setHouseholdMember(
        context.em,
        context.session,
        idArgument(args.personId, 'personId'),
        args.householdId ? idArgument(args.householdId, 'householdId') : null,
        args.relationToHead ? lower(args.relationToHead) : undefined,
      ),
  },
  Household: {
    ...notAnEntity,
    residenceUnit: (household, _args, context) => residenceUnitOf(household.residenceUnitId, context),
    residenceUnitCode: async (household, _args, context) =>
      (await residenceUnitOf(household.residenceUnitId, context)).code,
    head: (household, _args, context) =>
      household.headPersonId ? context.loaders.personById.load(household.headPersonId) : null,
    members: (household, _args, context) => context.loaders.householdMembers.load(household.id),
    povertyStatus: (household) => upper(household.povertyStatus) as PovertyStatus,
  },
} satisfies Pick<Resolvers, 'Query' | 'Mutation' | 'Household'>;
