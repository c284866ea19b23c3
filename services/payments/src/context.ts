import { createHistoryLoader, createUnitLoader, type BaseContext } from '@ansinh/common';
import { createPaymentsByPersonLoader } from './payment-lines/payment-line.repository.ts';

export function createPaymentsContext(base: BaseContext) {
  return {
    ...base,
    loaders: {
      paymentsByPerson: createPaymentsByPersonLoader(base.em, () => {
        base.session.assert('payment:read');
        return base.session.readPaths;
      }),
      paymentLineHistory: createHistoryLoader(base.em, 'payments', 'payment_line_id'),
      /** Units named by `unitCode` arguments (the unit a code names today). */
      units: createUnitLoader(base.em),
    },
  };
}

export type PaymentsContext = ReturnType<typeof createPaymentsContext>;
