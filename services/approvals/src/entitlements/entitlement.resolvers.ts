import { badInput, monthArgument, subtreeFor } from '@ansinh/common';
import type { ApprovalsContext } from '../context.ts';
import type { EntitlementStatus, Resolvers } from '../generated/resolvers-types.ts';
import type { Entitlement } from './entitlement.entity.ts';
import { findEntitlementsInSubtree, provinceCodeOf, type Money } from './entitlement.repository.ts';

/** The money rule (SQL, shared with the published view) for an entitlement in the month asked for. */
async function moneyOf(
  entitlement: Entitlement,
  monthArg: string | null | undefined,
  context: ApprovalsContext,
): Promise<{ standardLevel: number; monthlyAmount: number }> {
  const month = monthArgument(monthArg, 'month');
  const unit = await context.loaders.unitById.load(entitlement.unitId);
  const money: Money = await context.loaders.money.load({
    // The province is the root of the paying unit's path; a unit not in the tree gets the national level.
    provinceCode: unit ? provinceCodeOf(unit.path) : null,
    month,
    coefficientHundredths: entitlement.coefficientHundredths,
  });
  if (money.standardLevel === null || money.monthlyAmount === null) {
    throw badInput('month', `Chưa có mức chuẩn trợ giúp xã hội cho tháng ${month}.`);
  }
  return { standardLevel: money.standardLevel, monthlyAmount: money.monthlyAmount };
}

export const entitlementResolvers = {
  Query: {
    entitlements: async (_parent, args, context) => {
      const paths = await subtreeFor(
        context.session,
        'entitlement:read',
        args.unitCode,
        context.loaders.units,
      );
      const month =
        args.activeInMonth == null ? undefined : monthArgument(args.activeInMonth, 'activeInMonth');
      return findEntitlementsInSubtree(context.em, paths, month);
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
    standardLevel: async (entitlement, args, context) =>
      (await moneyOf(entitlement, args.month, context)).standardLevel,
    monthlyAmount: async (entitlement, args, context) =>
      (await moneyOf(entitlement, args.month, context)).monthlyAmount,
    status: (entitlement) => entitlement.status.toUpperCase() as EntitlementStatus,
    unit: (entitlement) => ({ id: entitlement.unitId }),
    unitCode: async (entitlement, _args, context) => {
      const unit = await context.loaders.unitById.load(entitlement.unitId);
      if (!unit)
        throw new Error(
          `entitlement ${entitlement.id}: unit ${entitlement.unitId} is not in registry.v_units`,
        );
      return unit.code;
    },
    history: (entitlement, _args, context) => {
      context.session.assert('entitlement:read');
      return context.loaders.entitlementHistory.load(entitlement.id);
    },
  },
} satisfies Pick<Resolvers, 'Query' | 'Person' | 'Entitlement'>;
