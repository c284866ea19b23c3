import { describe, expect, it } from '@jest/globals';
import { changeHistoryTable, historyTriggers, outboxTable } from './history-triggers.ts';

const ACTOR = `coalesce(nullif(current_setting('ansinh.actor_id', true), ''), 'system'), coalesce(nullif(current_setting('ansinh.actor_name', true), ''), 'system'), nullif(current_setting('ansinh.actor_unit', true), ''), nullif(current_setting('ansinh.change_reason', true), '')`;

const persons = {
  schema: 'registry',
  table: 'persons',
  entityColumns: { person_id: 'id' },
  unitColumn: 'residence_unit_id',
  ignoreColumns: ['updated_at'],
};

describe('historyTriggers', () => {
  it('records each statement with one insert per event, who from the session settings', () => {
    const { up, down } = historyTriggers(persons);
    const [fn, ...triggers] = up;
    expect(fn).toContain(
      'create or replace function "registry"."record_persons_changes"() returns trigger language plpgsql security definer set search_path = pg_catalog, "registry" set enable_nestloop = off',
    );
    expect(fn).toContain(
      `insert into "registry"."change_history" (table_name, row_id, person_id, unit_id, action, actor_id, actor_name, actor_unit_code, reason, before, after)
    select 'persons', r."id", r."id", r."residence_unit_id", 'create', ${ACTOR}, null, to_json(r) from new_rows r;`,
    );
    expect(fn).toContain(
      `select 'persons', r."id", r."id", r."residence_unit_id", 'update', ${ACTOR}, to_json(o), to_json(r)
      from new_rows r join old_rows o on o."id" = r."id"
     where to_jsonb(o) - '{updated_at}'::text[] is distinct from to_jsonb(r) - '{updated_at}'::text[];`,
    );
    expect(fn).toContain(
      `select 'persons', r."id", r."id", r."residence_unit_id", 'delete', ${ACTOR}, to_json(r), null from old_rows r;`,
    );
    expect(fn).not.toContain('outbox');
    expect(triggers).toEqual([
      'drop trigger if exists "persons_history_insert" on "registry"."persons";',
      'create trigger "persons_history_insert" after insert on "registry"."persons" referencing new table as new_rows for each statement execute function "registry"."record_persons_changes"();',
      'drop trigger if exists "persons_history_update" on "registry"."persons";',
      'create trigger "persons_history_update" after update on "registry"."persons" referencing old table as old_rows new table as new_rows for each statement execute function "registry"."record_persons_changes"();',
      'drop trigger if exists "persons_history_delete" on "registry"."persons";',
      'create trigger "persons_history_delete" after delete on "registry"."persons" referencing old table as old_rows for each statement execute function "registry"."record_persons_changes"();',
    ]);
    expect(down).toEqual([
      'drop trigger if exists "persons_history_insert" on "registry"."persons";',
      'drop trigger if exists "persons_history_update" on "registry"."persons";',
      'drop trigger if exists "persons_history_delete" on "registry"."persons";',
      'drop function if exists "registry"."record_persons_changes"();',
    ]);
  });

  it('takes a SQL expression over the row for a unit or an entity, and compares whole rows without ignored columns', () => {
    const [fn] = historyTriggers({
      schema: 'registry',
      table: 'payment_accounts',
      entityColumns: { person_id: 'person_id' },
      unitColumn: '(select p.residence_unit_id from registry.persons p where p.id = r.person_id)',
    }).up;
    expect(fn).toContain(
      `select 'payment_accounts', r."id", r."person_id", (select p.residence_unit_id from registry.persons p where p.id = r.person_id), 'create'`,
    );
    expect(fn).toContain('where to_jsonb(o) is distinct from to_jsonb(r);');
  });

  it('writes a unit of null and no entity column when the table declares none', () => {
    const [fn] = historyTriggers({ schema: 'approvals', table: 'standard_levels' }).up;
    expect(fn).toContain(
      `insert into "approvals"."change_history" (table_name, row_id, unit_id, action, actor_id, actor_name, actor_unit_code, reason, before, after)
    select 'standard_levels', r."id", null, 'create'`,
    );
  });

  it('writes created, updated, status-changed and deleted events to the outbox when the table opts in', () => {
    const [fn] = historyTriggers({
      ...persons,
      events: { aggregateType: 'person', statusColumn: 'status', payloadColumns: ['status'] },
    }).up;
    expect(fn).toContain(
      `insert into "registry"."outbox" (aggregate_type, aggregate_id, event_type, payload, unit_id)
    select 'person', (r."id")::text, 'person.created', jsonb_build_object('before', null, 'after', jsonb_build_object('status', r."status")), r."residence_unit_id" from new_rows r;`,
    );
    expect(fn).toContain(
      `select 'person', (r."id")::text, e.event_type, jsonb_build_object('before', jsonb_build_object('status', o."status"), 'after', jsonb_build_object('status', r."status")), r."residence_unit_id"
      from new_rows r join old_rows o on o."id" = r."id"
      cross join lateral (select 'person.updated' union all select 'person.status-changed' where o."status" is distinct from r."status") e(event_type)
     where to_jsonb(o) - '{updated_at}'::text[] is distinct from to_jsonb(r) - '{updated_at}'::text[];`,
    );
    expect(fn).toContain(
      `select 'person', (r."id")::text, 'person.deleted', jsonb_build_object('before', jsonb_build_object('status', r."status"), 'after', null), r."residence_unit_id" from old_rows r;`,
    );
  });

  it('announces only `updated` without a status column', () => {
    const [fn] = historyTriggers({ ...persons, events: { aggregateType: 'household' } }).up;
    expect(fn).toContain(`cross join lateral (select 'household.updated') e(event_type)`);
    expect(fn).toContain(`jsonb_build_object('before', null, 'after', jsonb_build_object())`);
  });

  it('refuses names that are not plain identifiers, so nothing is spliced into the SQL', () => {
    expect(() => historyTriggers({ ...persons, table: 'persons; drop table x' })).toThrow(/identifier/);
    expect(() => historyTriggers({ ...persons, schema: 'Registry' })).toThrow(/identifier/);
    expect(() => historyTriggers({ ...persons, entityColumns: { 'person id': 'id' } })).toThrow(/identifier/);
    expect(() => historyTriggers({ ...persons, ignoreColumns: ["x'"] })).toThrow(/identifier/);
    expect(() => historyTriggers({ ...persons, events: { aggregateType: "p'" } })).toThrow(/aggregate type/);
    expect(() =>
      historyTriggers({ ...persons, events: { aggregateType: 'person', payloadColumns: ['a b'] } }),
    ).toThrow(/identifier/);
  });
});

describe('changeHistoryTable and outboxTable', () => {
  it('creates a history readable under row-level security and written by no one but the triggers', () => {
    const { up, down } = changeHistoryTable({
      schema: 'approvals',
      entityColumns: ['person_id', 'entitlement_id'],
      rowIdType: 'text',
      readableWhen: 'true',
    });
    expect(up[0]).toContain('create table "approvals"."change_history" (');
    expect(up[0]).toContain('"row_id" text not null, "person_id" uuid null, "entitlement_id" uuid null');
    expect(up).toContain(
      'create index "change_history_entitlement_id_id_index" on "approvals"."change_history" ("entitlement_id", "id") where "entitlement_id" is not null;',
    );
    expect(up).toContain(
      'create policy "history_scope" on "approvals"."change_history" for select using (true);',
    );
    expect(up).toContain('revoke all on "approvals"."change_history" from "ansinh_approvals";');
    expect(up).toContain('grant select on "approvals"."change_history" to "ansinh_approvals";');
    expect(down).toEqual(['drop table if exists "approvals"."change_history";']);
  });

  it('creates an outbox that the subgraph role can neither read nor write', () => {
    const { up, down } = outboxTable('payments');
    expect(up[0]).toContain('"published_at" timestamptz null');
    expect(up).toContain('revoke all on "payments"."outbox" from "ansinh_payments";');
    expect(up).toContain('alter table "payments"."outbox" enable row level security;');
    expect(down).toEqual(['drop table if exists "payments"."outbox";']);
  });
});
