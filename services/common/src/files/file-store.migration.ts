import { SCOPE_SETTING, subgraphRole } from '../scope/row-level-security.ts';
import { qualified } from './file-content.ts';

/**
 * The statements that give a subgraph's schema its file store (for its migration's `up`):
 * `files` (metadata, one row per file) and `file_chunks` (content as ~1 MiB bytea rows, when no
 * FILE_STORE_URL puts it in a bucket), both under row-level security on the file's unit path,
 * granted to the subgraph's role; and two functions for the expiry sweep, which must see every
 * unit's files. What this returns is part of landed migrations: change the store's tables with a
 * new function and a new migration, never by editing this one.
 */
export function fileStoreTablesSql(schema: string): string[] {
  const files = qualified(schema, 'files');
  const chunks = qualified(schema, 'file_chunks');
  const role = subgraphRole(schema);
  const inScope = `unit_path <@ nullif(current_setting('${SCOPE_SETTING}', true), '')::ltree`;
  return [
    `create table ${files} (
      "id" uuid primary key,
      "file_name" text not null check (length(file_name) between 1 and 255),
      "content_type" text not null check (length(content_type) between 3 and 255),
      "bytes" bigint not null default 0 check (bytes >= 0),
      "owner_subject" text not null check (length(owner_subject) between 1 and 255),
      "unit_code" text not null check (length(unit_code) between 1 and 32),
      "unit_path" ltree not null,
      "storage" text not null check (storage in ('postgres', 's3')),
      "complete" boolean not null default false,
      "created_at" timestamptz not null default now(),
      "expires_at" timestamptz not null
    );`,
    `create index "files_expires_at_index" on ${files} ("expires_at");`,
    `create table ${chunks} (
      "file_id" uuid not null references ${files} ("id") on delete cascade,
      "seq" integer not null check (seq >= 0),
      "data" bytea not null,
      primary key ("file_id", "seq")
    );`,
    `alter table ${files} enable row level security;`,
    `create policy "unit_scope" on ${files} using (${inScope}) with check (${inScope});`,
    `alter table ${chunks} enable row level security;`,
    `create policy "file_scope" on ${chunks}
      using (exists (select 1 from ${files} f where f.id = file_id))
      with check (exists (select 1 from ${files} f where f.id = file_id));`,
    `grant select, insert, update, delete on ${files}, ${chunks} to ${role};`,
    // The sweep: expired files of every unit (or files whose writer died), oldest first.
    `create function ${qualified(schema, 'expired_files')}(at timestamptz, max integer)
      returns table (id uuid, storage text) language sql stable security definer
      set search_path = pg_catalog, ${schema} as $$
        select f.id, f.storage from ${files} f where f.expires_at <= at order by f.expires_at limit least(max, 1000)
      $$;`,
    `create function ${qualified(schema, 'remove_expired_files')}(at timestamptz, ids uuid[])
      returns integer language sql volatile security definer
      set search_path = pg_catalog, ${schema} as $$
        with removed as (delete from ${files} f where f.id = any(ids) and f.expires_at <= at returning 1)
        select count(*)::integer from removed
      $$;`,
    `revoke all on function ${qualified(schema, 'expired_files')}(timestamptz, integer) from public;`,
    `revoke all on function ${qualified(schema, 'remove_expired_files')}(timestamptz, uuid[]) from public;`,
    `grant execute on function ${qualified(schema, 'expired_files')}(timestamptz, integer) to ${role};`,
    `grant execute on function ${qualified(schema, 'remove_expired_files')}(timestamptz, uuid[]) to ${role};`,
  ];
}

/** The statements undoing fileStoreTablesSql (for the migration's `down`). */
export function dropFileStoreTablesSql(schema: string): string[] {
  return [
    `drop function if exists ${qualified(schema, 'remove_expired_files')}(timestamptz, uuid[]);`,
    `drop function if exists ${qualified(schema, 'expired_files')}(timestamptz, integer);`,
    `drop table if exists ${qualified(schema, 'file_chunks')};`,
    `drop table if exists ${qualified(schema, 'files')};`,
  ];
}
