import { changeRecordResolvers as sharedChangeRecordResolvers } from '@ansinh/common';
import type { Resolvers } from '../generated/resolvers-types.ts';

/**
 * History values follow the live record's field access: `policy_group` only with
 * entitlement:read-confidential (Entitlement.policyGroup), like the entitlement itself.
 * Standard levels have no GraphQL type and no history field; their history shows no values here.
 */
export const changeRecordResolvers = {
  ChangeRecord: sharedChangeRecordResolvers({
    typeOfTable: { entitlements: 'Entitlement' },
    derivedFrom: { coefficient_hundredths: 'coefficient' },
  }),
} satisfies Pick<Resolvers, 'ChangeRecord'>;
