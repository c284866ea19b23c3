import { createHistoryLoader, createUnitPathLoader, type BaseContext } from '@ansinh/common';
import { createPaymentsByPersonLoader } from './payment-lines/payment-line.repository.ts';

export function createPaymentsContext(base: BaseContext) {
  return {
    ...base,
    loaders: {
      paymentsByPerson: createPaymentsByPersonLoader(base.em, () => base.session.assert('payment:read')),
      paymentLineHistory: createHistoryLoader(base.em, 'payments', 'payment_line_id'),
      unitPath: createUnitPathLoader(base.em),
    },
  };
}

export type PaymentsContext = ReturnType<typeof createPaymentsContext>;
