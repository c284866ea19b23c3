import {
  exportFormatArgument,
  idArgument,
  jobOwnerOf,
  notFound,
  reportExportOf,
  type JobRecord,
} from '@ansinh/common';
import type { Resolvers } from '../generated/resolvers-types.ts';
import { findList } from '../disbursement/disbursement.repository.ts';
import {
  LIST_NOT_FOUND,
  PAYMENT_LIST_EXPORT,
  type PaymentListExportPayload,
} from './payment-list-export.job.ts';

export const paymentListExportResolvers = {
  Mutation: {
    /** Queues the export of a list the caller reads (NOT_FOUND for any other), with the columns its rights allow now. */
    exportPaymentList: async (_parent, args, context) => {
      const { session } = context;
      session.assert('report:export');
      session.assert('payment:read');
      const format = exportFormatArgument(args.format);
      const list = await findList(context.em, idArgument(args.listId, 'listId'));
      if (!list || !session.covers(list.unitPath)) throw notFound(LIST_NOT_FOUND);
      const payload: PaymentListExportPayload = {
        report: 'payment-list',
        format,
        readConfidential: session.allows('entitlement:read-confidential'),
        listId: list.id,
        unitCode: list.unitCode,
        month: list.month,
        rights: {
          names: session.allows('person:read-identity'),
          categories: session.allows('entitlement:read-confidential'),
        },
      };
      const jobs = context.jobs;
      if (!jobs) throw new Error('payments: the subgraph runs without its jobs');
      return jobs.enqueue(PAYMENT_LIST_EXPORT, payload, jobOwnerOf(session));
    },
  },
  Job: {
    paymentListExport: (job: JobRecord) => reportExportOf(job, PAYMENT_LIST_EXPORT),
  },
} satisfies Pick<Resolvers, 'Mutation' | 'Job'>;
