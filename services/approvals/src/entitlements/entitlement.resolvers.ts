import { badInput, monthArgument, subtreeFor } from '@ansinh/common';
import type { ApprovalsContext } from '../context.ts';
import type { EntitlementStatus, Resolvers } from '../generated/resolvers-types.ts';
import type { Entitlement } from './entitlement.entity.ts';
import { findEntitlementsInSubtree, provinceCodeOf, type Money } from './entitlement.repository.ts';

/**
 * The ledger's terms of an entitlement in the month asked for (SQL `approvals.entitlements_terms`,
 * shared with the published views); a month before its start is answered with its first month's
 * coefficient and level, and an amount of 0.
 */
async function termsOf(
  entitlement: Entitlement,
  monthArg: string | null | undefined,
  context: ApprovalsContext,
): Promise<{ coefficientHundredths: number | null; standardLevel: number; amount: number }> {
  const month = monthArgument(monthArg, 'month');
  const before = month < entitlement.startMonth;
  const terms = await context.loaders.terms.load({
    entitlementId: entitlement.id,
    month: before ? entitlement.startMonth : month,
  });
  if (!terms || terms.standardLevel === null) {
    throw badInput('month', `Chưa có mức chuẩn trợ giúp xã hội cho tháng ${month}.`);
  }
  return {
    coefficientHundredths: terms.coefficientHundredths,
    standardLevel: before ? await standardLevelOf(entitlement, month, context) : terms.standardLevel,
    amount: before ? 0 : (terms.amount ?? 0),
  };
}

/** The standard level of a month for the paying unit's province (the money rule, independent of the ledger). */
async function standardLevelOf(
  entitlement: Entitlement,
  month: string,
  context: ApprovalsContext,
): Promise<number> {
  const unit = await context.loaders.unitById.load(entitlement.unitId);
  const money: Money = await context.loaders.money.load({
    // The province is the root of the paying unit's path; a unit not in the tree gets the national level.
    provinceCode: unit ? provinceCodeOf(unit.path) : null,
    month,
    coefficientHundredths: 100,
  });
  if (money.standardLevel === null) {
    throw badInput('month', `Chưa có mức chuẩn trợ giúp xã hội cho tháng ${month}.`);
  }
  return money.standardLevel;
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
    __resolveReference: async (reference, context) => {
      context.session.assert('entitlement:read');
      return (await context.loaders.entitlementById.load(reference.id)) ?? null;
    },
    coefficient: async (entitlement, args, context) =>
      ((await termsOf(entitlement, args.month, context)).coefficientHundredths ?? 0) / 100,
    standardLevel: async (entitlement, args, context) =>
      (await termsOf(entitlement, args.month, context)).standardLevel,
    monthlyAmount: async (entitlement, args, context) =>
      (await termsOf(entitlement, args.month, context)).amount,
    category: async (entitlement, _args, context) =>
      (await context.loaders.categoryById.load(entitlement.categoryId)) ?? null,
    decisions: (entitlement, _args, context) => context.loaders.decisionsByEntitlement.load(entitlement.id),
    relocatedFrom: async (entitlement, _args, context) =>
      entitlement.relocatedFromId
        ? ((await context.loaders.entitlementById.load(entitlement.relocatedFromId)) ?? null)
        : null,
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
