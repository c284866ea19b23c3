import {
  createHistoryLoader,
  createUnitByIdLoader,
  createUnitLoader,
  fileStoreOptionsOf,
  subgraphFileStore,
  type BaseContext,
  type FileStore,
} from '@ansinh/common';
import { paymentsConfig } from './config.ts';
import { createPaymentsByPersonLoader } from './payment-lines/payment-line.repository.ts';
import { createPaymentListLoaders } from './payment-lists/payment-list.repository.ts';

/**
 * The payments subgraph's file store (disbursement files, providers' result files), shared by every
 * instance through PostgreSQL (or the bucket of FILE_STORE_URL). Also for work outside a request (jobs).
 */
export function paymentsFiles(em: BaseContext['em']): FileStore {
  return subgraphFileStore(em, {
    service: 'payments',
    schema: 'payments',
    ...fileStoreOptionsOf(paymentsConfig),
  });
}

export function createPaymentsContext(base: BaseContext) {
  return {
    ...base,
    files: paymentsFiles(base.em),
    loaders: {
      paymentsByPerson: createPaymentsByPersonLoader(base.em, () => {
        base.session.assert('payment:read');
        return base.session.readPaths;
      }),
      paymentLineHistory: createHistoryLoader(base.em, 'payments', 'payment_line_id'),
      paymentListHistory: createHistoryLoader(base.em, 'payments', 'payment_list_id'),
      /** Units named by `unitCode` arguments (the unit a code names today). */
      units: createUnitLoader(base.em),
      /** Paying units of lists and lines, by version id. */
      unitById: createUnitByIdLoader(base.em),
      ...createPaymentListLoaders(base.em),
    },
  };
}

export type PaymentsContext = ReturnType<typeof createPaymentsContext>;
