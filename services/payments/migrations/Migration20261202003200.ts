import { Migration } from '@mikro-orm/migrations';
import { changeHistoryTable, historyTriggers } from '@ansinh/common';

/** Payments' change history (payment lines), from the shared generator (services/common/src/history). */
export class Migration20261202003200 extends Migration {

  override name = 'Migration20261202003200';

  override up(): void | Promise<void> {
    // A caller reads the history of lines of units in its scope (also of a line since moved out, while it was in).
    const statements = [
      ...changeHistoryTable({
        schema: 'payments',
        entityColumns: ['payment_line_id', 'person_id'],
        readableWhen: `unit_code in (select code from registry.v_units where valid_to is null and path <@ nullif(current_setting('ansinh.scope_path', true), '')::ltree) or exists (select 1 from payments.payment_lines l where l.id = payment_line_id)`,
      }).up,
      ...historyTriggers({
        schema: 'payments',
        table: 'payment_lines',
        entityColumns: { payment_line_id: 'id', person_id: 'person_id' },
        unitColumn: 'unit_code',
      }).up,
    ];
    for (const statement of statements) this.addSql(statement);
  }

  override down(): void | Promise<void> {
    const statements = [
      ...historyTriggers({ schema: 'payments', table: 'payment_lines' }).down,
      ...changeHistoryTable({ schema: 'payments', entityColumns: [], readableWhen: 'false' }).down,
    ];
    for (const statement of statements) this.addSql(statement);
  }

}
