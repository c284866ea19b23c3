import { fileURLToPath } from 'node:url';
import { VndScalar, loadTypeDefs, type SubgraphDefinition } from '@ansinh/common';
import { createPaymentsContext, type PaymentsContext } from './context.ts';
import { PaymentLine } from './payment-lines/payment-line.entity.ts';
import { paymentLineResolvers } from './payment-lines/payment-line.resolvers.ts';
import { changeRecordResolvers } from './history/change-record.resolvers.ts';

export const paymentsTypeDefs = loadTypeDefs(import.meta.url);

export const paymentsSubgraph: SubgraphDefinition<PaymentsContext> = {
  name: 'payments',
  defaultPort: 4003,
  schema: 'payments',
  typeDefs: paymentsTypeDefs,
  resolvers: { VND: VndScalar, ...paymentLineResolvers, ...changeRecordResolvers },
  entities: [PaymentLine],
  migrationsPath: fileURLToPath(new URL('../migrations', import.meta.url)),
  createContext: createPaymentsContext,
};

export { PaymentLine };
