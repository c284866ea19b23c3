import { changeRecordResolvers as sharedChangeRecordResolvers } from '@ansinh/common';
import type { Resolvers } from '../generated/resolvers-types.ts';

/**
 * History values follow the live record's field access: `policy_group` and `category_id` (a category
 * can reveal HIV status) only with entitlement:read-confidential (Entitlement.policyGroup,
 * Entitlement.category, Decision.category), like the entitlement and its decisions themselves.
 * Standard levels and categories are public rules with no history field here: no values shown.
 */
export const changeRecordResolvers = {
  ChangeRecord: sharedChangeRecordResolvers({
    typeOfTable: { entitlements: 'Entitlement', decisions: 'Decision' },
    derivedFrom: { coefficient_hundredths: 'coefficient', category_id: 'category' },
  }),
} satisfies Pick<Resolvers, 'ChangeRecord'>;
