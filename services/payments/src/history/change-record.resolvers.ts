import { changeRecordResolvers as sharedChangeRecordResolvers } from '@ansinh/common';
import type { Resolvers } from '../generated/resolvers-types.ts';

/** History values follow the live record's field access (PaymentLine has no sensitive field today). */
export const changeRecordResolvers = {
  ChangeRecord: sharedChangeRecordResolvers({ typeOfTable: { payment_lines: 'PaymentLine' } }),
} satisfies Pick<Resolvers, 'ChangeRecord'>;
