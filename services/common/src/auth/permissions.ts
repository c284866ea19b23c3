/**
 * What a user may do; each action is granted to some Keycloak realm roles. The `*:read-*` actions
 * guard single fields (SDL `@sensitive(action: …)`), on top of the read action of their type; the
 * matrix and the reason for every grant are in docs/security/field-access.md.
 */
export const PERMISSIONS = {
  'unit:read': ['officer', 'approver', 'payer', 'analyst', 'auditor', 'integration', 'admin'],
  'person:read': ['officer', 'approver', 'payer', 'analyst', 'auditor', 'integration', 'admin'],
  /** Name, date of birth, CCCD and old CMND: who the person is. Analysts work on figures without them. */
  'person:read-identity': ['officer', 'approver', 'payer', 'auditor', 'integration', 'admin'],
  /** Phone and address: how to reach the person; auditors and analysts never need to. */
  'person:read-contact': ['officer', 'approver', 'payer', 'integration', 'admin'],
  /** Account numbers and holder names: where the money goes. */
  'account:read-number': ['officer', 'payer', 'auditor', 'admin'],
  /** Before/after values of the change history (its who/when stays under person:read). */
  'history:read-values': ['officer', 'auditor', 'admin'],
  /** Policy groups, which can reveal HIV status (5.3, 5.8): confidential. */
  'entitlement:read-confidential': ['officer', 'approver', 'admin'],
  'person:write': ['officer', 'integration', 'admin'],
  /** Deciding a duplicate warning: the commune, or the district when the two records lie in two communes. */
  'duplicate:decide': ['officer', 'approver', 'admin'],
  /** Carrying people across a reorganisation of units (the province runs it) and assigning those of a split unit. */
  'reform:write': ['officer', 'admin'],
  'reform:assign': ['officer', 'admin'],
  /** Filing an application (hồ sơ) at the commune, or by a provincial system through the API, and its officers' steps. */
  'application:write': ['officer', 'integration', 'admin'],
  /** Recording a decision (grant, change, suspension, resumption, relocation, stop): signed by the chairman, entered by the approver. */
  'decision:write': ['approver', 'admin'],
  /** A province's own standard level (higher than the national one): its administrator sets it. */
  'standard-level:write': ['admin'],
  'entitlement:read': ['officer', 'approver', 'payer', 'analyst', 'auditor', 'integration', 'admin'],
  'payment:read': ['officer', 'approver', 'payer', 'analyst', 'auditor', 'admin'],
  /** Making a commune's monthly payment list (a draft, regenerated at will), its recorded adjustments and its closing. */
  'payment-list:write': ['officer', 'admin'],
  /** Approving (locking) a payment list: the chairman's signature, entered by the approver; never the one who pays. */
  'payment-list:approve': ['approver', 'admin'],
  /** Recording payments (the daily updates, a line's channel, the provider's result file): the payer; never the one who approves. */
  'payment:write': ['payer', 'admin'],
  'report:read': ['officer', 'approver', 'payer', 'analyst', 'auditor', 'admin'],
  /**
   * Exporting a report or a list (XLSX, CSV, PDF) to a file of one's unit, as a job: whoever reads reports.
   * The file holds only what its owner may read (identity and contact columns follow their own actions).
   */
  'report:export': ['officer', 'approver', 'payer', 'analyst', 'auditor', 'admin'],
  /**
   * Two-way sync with the province's one-stop system (issue 14). Submitting dossiers (and their
   * completions) through the API: only the province's integration clients (Keycloak service accounts).
   */
  'intake:write': ['integration'],
  /** The province's change feed, its webhooks and dead letters, and its connection status. */
  'sync:read': ['integration', 'admin'],
  /** Registering a webhook, rotating its secret, replaying dead letters: the client for itself, the admin for any client of the province. */
  'webhook:write': ['integration', 'admin'],
  /** A province's sync mode (two-way, one way in or out, not connected): its administrator. */
  'sync-mode:write': ['admin'],
  /** Every province's connection status: the ministry (Bộ Y tế), which keeps the national table. */
  'national-sync:read': ['ministry'],
  /** Following and cancelling one's own background jobs (imports, exports): only their owner sees them. */
  'job:read': ['officer', 'approver', 'payer', 'analyst', 'auditor', 'integration', 'admin'],
} as const satisfies Record<string, readonly string[]>;

export type Action = keyof typeof PERMISSIONS;

/** Whether `action` changes records (`*:write`, `*:decide`, `*:assign`, `*:approve`): refused to a unit that has ended. */
export function isWriteAction(action: Action): boolean {
  return /:(write|decide|assign|approve)$/.test(action);
}

export function isAction(name: string): name is Action {
  return Object.hasOwn(PERMISSIONS, name);
}

export function rolesAllow(roles: readonly string[], action: Action): boolean {
  const granted: readonly string[] = PERMISSIONS[action];
  return roles.some((role) => granted.includes(role));
}
