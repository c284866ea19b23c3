import { badInput, monthArgument, subtreeFor } from '@ansinh/common';
import type { ApprovalsContext } from '../context.ts';
import type { EntitlementStatus, Resolvers } from '../generated/resolvers-types.ts';
import type { Entitlement } from './entitlement.entity.ts';
import { findEntitlementsInSubtree } from './entitlement.repository.ts';
import { monthlyAmount, standardLevelFor } from './entitlement.rules.ts';

async function standardLevelOf(
  entitlement: Entitlement,
  month: string,
  context: ApprovalsContext,
): Promise<number> {
  const [levels, path] = await Promise.all([
    context.standardLevels(),
    context.loaders.unitPath.load(entitlement.unitCode),
  ]);
  const level = standardLevelFor(levels, month, (path ?? entitlement.unitCode).split('.')[0]!);
  if (level === undefined) throw badInput('month', `Chưa có mức chuẩn trợ giúp xã hội cho tháng ${month}.`);
  return level;
}

export const entitlementResolvers = {
  Query: {
    entitlements: async (_parent, args, context) => {
      const path = await subtreeFor(
        context.session,
        'entitlement:read',
        args.unitCode,
        context.loaders.unitPath,
      );
      const month =
        args.activeInMonth == null ? undefined : monthArgument(args.activeInMonth, 'activeInMonth');
      return findEntitlementsInSubtree(context.em, path, month);
    },
  },
  Person: {
    entitlements: (person, _args, context) => {
      context.session.assert('entitlement:read');
      return context.loaders.entitlementsByPerson.load(person.id);
    },
  },
  Entitlement: {
    coefficient: (entitlement) => entitlement.coefficientHundredths / 100,
    standardLevel: (entitlement, args, context) =>
      standardLevelOf(entitlement, monthArgument(args.month, 'month'), context),
    monthlyAmount: async (entitlement, args, context) =>
      monthlyAmount(
        await standardLevelOf(entitlement, monthArgument(args.month, 'month'), context),
        entitlement.coefficientHundredths,
      ),
    status: (entitlement) => entitlement.status.toUpperCase() as EntitlementStatus,
  },
} satisfies Pick<Resolvers, 'Query' | 'Person' | 'Entitlement'>;
