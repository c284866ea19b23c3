/** What a user may do; each action is granted to some Keycloak realm roles. */
export const PERMISSIONS = {
  'unit:read': ['officer', 'approver', 'payer', 'analyst', 'auditor', 'integration', 'admin'],
  'person:read': ['officer', 'approver', 'payer', 'analyst', 'auditor', 'integration', 'admin'],
  'person:write': ['officer', 'integration', 'admin'],
  /** Deciding a duplicate warning: the commune, or the district when the two records lie in two communes. */
  'duplicate:decide': ['officer', 'approver', 'admin'],
  'entitlement:read': ['officer', 'approver', 'payer', 'analyst', 'auditor', 'integration', 'admin'],
  'payment:read': ['officer', 'approver', 'payer', 'analyst', 'auditor', 'admin'],
  'report:read': ['officer', 'approver', 'payer', 'analyst', 'auditor', 'admin'],
} as const satisfies Record<string, readonly string[]>;

export type Action = keyof typeof PERMISSIONS;

export function rolesAllow(roles: readonly string[], action: Action): boolean {
  const granted: readonly string[] = PERMISSIONS[action];
  return roles.some((role) => granted.includes(role));
}
