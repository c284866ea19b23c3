import type { Resolvers } from '../generated/resolvers-types.ts';
import { StandardLevel } from '../entitlements/entitlement.entity.ts';
import { Category, ExclusivityException } from './program.entity.ts';
import { findPrograms } from './program.repository.ts';
import { setProvinceStandardLevel } from './standard-level.service.ts';

export const programResolvers = {
  Query: {
    programs: (_parent, _args, context) => {
      context.session.assert('entitlement:read');
      return findPrograms(context.em);
    },
    standardLevels: (_parent, _args, context) => {
      context.session.assert('entitlement:read');
      const province = context.session.scope!.path.split('.')[0]!.split('_')[0]!;
      return context.em.find(
        StandardLevel,
        { $or: [{ provinceCode: null }, { provinceCode: province }] },
        { orderBy: { validFromMonth: 'asc', provinceCode: 'asc nulls first' } },
      );
    },
  },
  Mutation: {
    setProvinceStandardLevel: (_parent, args, context) =>
      setProvinceStandardLevel(context.em, context.session, args.input),
  },
  Program: {
    categories: (program, _args, context) => context.loaders.categoriesByProgram.load(program.id),
  },
  Category: {
    payment: (category) => (category.payment === 'monthly' ? 'MONTHLY' : 'ONE_OFF'),
    rule: (category) => (category.rule === 'coefficient' ? 'COEFFICIENT' : 'FIXED'),
    bands: (category, _args, context) => context.loaders.bandsByCategory.load(category.id),
    allowedWith: async (category, _args, context) => {
      const pairs = await context.em.find(ExclusivityException, {
        $or: [{ categoryId: category.id }, { otherCategoryId: category.id }],
      });
      const ids = pairs.map((pair) =>
        pair.categoryId === category.id ? pair.otherCategoryId : pair.categoryId,
      );
      return ids.length ? context.em.find(Category, { id: { $in: ids } }, { orderBy: { code: 'asc' } }) : [];
    },
  },
  CoefficientBand: {
    coefficient: (band) => band.coefficientHundredths / 100,
  },
} satisfies Pick<Resolvers, 'Query' | 'Mutation' | 'Program' | 'Category' | 'CoefficientBand'>;
