import { Migration } from '@mikro-orm/migrations';
import { historyTriggers, outboxTable, type HistoryDeclaration } from '@ansinh/common';

/**
 * The registry's change history from the shared generator (services/common/src/history) instead of
 * the hand-written triggers of Migration20261123183528: the same functions, triggers, table and rows,
 * and persons now also announce person.created / updated / status-changed / deleted in registry.outbox.
 * The declarations are written out here, not imported, so that this migration keeps meaning what it
 * meant when it landed.
 */
const history = (events: boolean): HistoryDeclaration[] => [
  {
    schema: 'registry',
    table: 'persons',
    entityColumns: { person_id: 'id' },
    unitColumn: 'residence_unit_code',
    // An update that changed nothing but updated_at is not history.
    ignoreColumns: ['updated_at'],
    // Events carry what another subgraph acts on: the status and its date (an entitlement ends after a death)
    // and the commune (a move). Kept small: a million-row import writes a million events.
    ...(events
      ? {
          events: {
            aggregateType: 'person',
            statusColumn: 'status',
            payloadColumns: ['status', 'status_date', 'residence_unit_code'],
          },
        }
      : {}),
  },
  {
    schema: 'registry',
    table: 'households',
    entityColumns: { household_id: 'id' },
    unitColumn: 'residence_unit_code',
    ignoreColumns: ['updated_at'],
  },
  {
    schema: 'registry',
    table: 'payment_accounts',
    entityColumns: { person_id: 'person_id' },
    // An account's unit is its person's.
    unitColumn: '(select p.residence_unit_code from registry.persons p where p.id = r.person_id)',
    ignoreColumns: ['updated_at'],
  },
];

export class Migration20261202003000 extends Migration {

  override name = 'Migration20261202003000';

  override up(): void | Promise<void> {
    for (const statement of outboxTable('registry').up) this.addSql(statement);
    // Same names as the hand-written ones: the functions are replaced, the triggers made again.
    for (const declaration of history(true)) {
      for (const statement of historyTriggers(declaration).up) this.addSql(statement);
    }
  }

  override down(): void | Promise<void> {
    // Back to history alone (what the hand-written triggers did), and no outbox.
    for (const declaration of history(false)) {
      for (const statement of historyTriggers(declaration).up) this.addSql(statement);
    }
    for (const statement of outboxTable('registry').down) this.addSql(statement);
  }

}
