import { badInput, idArgument, lower, subtreeFor, upper } from '@ansinh/common';
import type { DuplicateReason, DuplicateStatus, Resolvers } from '../generated/resolvers-types.ts';
import { dismissDuplicate, duplicateWarningsUnder, mergeDuplicate } from './duplicate-warning.service.ts';

export const duplicateWarningResolvers = {
  Query: {
    duplicateWarnings: async (_parent, args, context) => {
      const first = args.first ?? 50;
      if (first < 1 || first > 200) throw badInput('first', 'Số bản ghi mỗi trang phải từ 1 đến 200.');
      const paths = await subtreeFor(
        context.session,
        'person:read',
        args.unitCode,
        context.loaders.scopeUnits,
      );
      return duplicateWarningsUnder(context.em, paths, lower(args.status ?? 'OPEN'), first);
    },
  },
  Mutation: {
    mergeDuplicate: (_parent, args, context) =>
      mergeDuplicate(context.em, context.session, idArgument(args.id), args.note),
    dismissDuplicate: (_parent, args, context) =>
      dismissDuplicate(context.em, context.session, idArgument(args.id), args.note),
  },
  DuplicateWarning: {
    // Either record may lie in a unit outside the caller's scope (a neighbouring commune): then it is null.
    person: (warning, _args, context) => context.loaders.personById.load(warning.personId),
    matchedPerson: (warning, _args, context) => context.loaders.personById.load(warning.matchedPersonId),
    reason: (warning) => upper(warning.reason) as DuplicateReason,
    status: (warning) => upper(warning.status) as DuplicateStatus,
    createdAt: (warning) => warning.createdAt.toISOString(),
    decidedAt: (warning) => warning.decidedAt?.toISOString() ?? null,
    decidedBy: (warning) => warning.decidedByName,
  },
} satisfies Pick<Resolvers, 'Query' | 'Mutation' | 'DuplicateWarning'>;
