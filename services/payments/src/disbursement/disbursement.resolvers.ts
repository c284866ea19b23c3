import { idArgument } from '@ansinh/common';
import type { Resolvers } from '../generated/resolvers-types.ts';
import { providerArgument } from './disbursement-file.rules.ts';
import {
  exportDisbursementFile,
  importDisbursementResult,
  reconciliationsOf,
} from './disbursement.service.ts';

export const disbursementResolvers = {
  Query: {
    reconciliations: (_parent, args, context) => {
      context.session.assert('payment:read');
      return reconciliationsOf(context, idArgument(args.listId, 'listId'));
    },
  },
  Mutation: {
    exportDisbursementFile: (_parent, args, context) => {
      context.session.assert('payment:write');
      return exportDisbursementFile(
        context,
        idArgument(args.listId, 'listId'),
        providerArgument(args.provider),
      );
    },
    importDisbursementResult: (_parent, args, context) => {
      context.session.assert('payment:write');
      return importDisbursementResult(context, {
        listId: idArgument(args.listId, 'listId'),
        provider: providerArgument(args.provider),
        fileId: idArgument(args.fileId, 'fileId'),
      });
    },
  },
} satisfies Pick<Resolvers, 'Query' | 'Mutation'>;
