import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { VndScalar, type SubgraphDefinition } from '@ansinh/common';
import { gql } from 'graphql-tag';
import { createPaymentsContext, type PaymentsContext } from './context.ts';
import { PaymentLine } from './payment-lines/payment-line.entity.ts';
import { paymentLineResolvers } from './payment-lines/payment-line.resolvers.ts';

export const paymentsTypeDefs = gql(
  readFileSync(fileURLToPath(new URL('../schema.graphql', import.meta.url)), 'utf8'),
);

export const paymentsSubgraph: SubgraphDefinition<PaymentsContext> = {
  name: 'payments',
  defaultPort: 4003,
  schema: 'payments',
  typeDefs: paymentsTypeDefs,
  resolvers: { VND: VndScalar, ...paymentLineResolvers },
  entities: [PaymentLine],
  migrationsPath: fileURLToPath(new URL('../migrations', import.meta.url)),
  createContext: createPaymentsContext,
};

export { PaymentLine };
