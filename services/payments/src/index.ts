import { fileURLToPath } from 'node:url';
import {
  fileRoutes,
  jobResolvers,
  loadTypeDefs,
  mergeResolvers,
  VndScalar,
  type JobKind,
  type SubgraphDefinition,
} from '@ansinh/common';
import { createPaymentsContext, paymentsFiles, type PaymentsContext } from './context.ts';
import { changeRecordResolvers } from './history/change-record.resolvers.ts';
import { PaymentLine } from './payment-lines/payment-line.entity.ts';
import { paymentLineResolvers } from './payment-lines/payment-line.resolvers.ts';
import { paymentListsModule } from './payment-lists/payment-lists.module.ts';
import { paymentListExportJob } from './payment-lists/payment-list-export.job.ts';
import { paymentListExportResolvers } from './payment-lists/payment-list-export.resolvers.ts';
import { PaymentList } from './payment-lists/payment-list.entity.ts';
import { paymentUpdatesModule } from './payment-updates/payment-updates.module.ts';
import { disbursementModule } from './disbursement/disbursement.module.ts';

export const paymentsTypeDefs = loadTypeDefs(import.meta.url);

export const paymentsSubgraph: SubgraphDefinition<PaymentsContext> = {
  name: 'payments',
  defaultPort: 4003,
  schema: 'payments',
  requestTransaction: true,
  typeDefs: paymentsTypeDefs,
  resolvers: {
    VND: VndScalar,
    ...mergeResolvers(
      'payments',
      paymentLineResolvers,
      changeRecordResolvers,
      paymentListsModule.resolvers,
      paymentListExportResolvers,
      paymentUpdatesModule.resolvers,
      disbursementModule.resolvers,
      // `job`, `jobs`, `cancelJob` and the `Job` entity (services/common), with this subgraph's results.
      jobResolvers,
    ),
  },
  entities: [PaymentLine, PaymentList],
  migrationsPath: fileURLToPath(new URL('../migrations', import.meta.url)),
  createContext: createPaymentsContext,
  // Files are uploaded here only as the providers' result files.
  routes: (contextOf) => fileRoutes(contextOf, { uploadAction: 'payment:write' }),
  jobs: (orm) => ({
    kinds: [...paymentListsModule.kinds, ...disbursementModule.kinds, paymentListExportJob] as JobKind[],
    files: paymentsFiles(orm.em),
  }),
};

export { PaymentLine, PaymentList };
export { buildDraftLists, closeLists, storeControlTotals } from './payment-lists/payment-list.generation.ts';
