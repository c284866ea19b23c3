import { Migration } from '@mikro-orm/migrations';

/**
 * The platform schema `jobs`: Ansinh's record of every background job (owner, kind, state, progress,
 * result), shared by the subgraphs as pg-boss's own schema `pgboss` is, because `job(id)`, `jobs` and
 * `cancelJob` answer for the kinds of every subgraph. Applied by `npm run migrate` before the
 * subgraphs' migrations (services/common/src/jobs/job-schema.ts); pg-boss's schema is installed first.
 */
export class Migration20261201090000 extends Migration {

  override name = 'Migration20261201090000';

  override up(): void | Promise<void> {
    this.addSql(`create extension if not exists ltree with schema public;`);
    this.addSql(`create schema if not exists "jobs";`);
    this.addSql(`create table "jobs"."jobs" (
      "id" uuid not null primary key,
      "kind" text not null check ("kind" ~ '^[a-z][a-z0-9-]{0,62}$'),
      "service" text not null check ("service" ~ '^[a-z][a-z0-9_]{0,30}$'),
      "owner_subject" text not null,
      "owner_name" text not null,
      "unit_code" varchar(5) not null,
      "unit_path" public.ltree not null,
      "state" text not null default 'queued' check ("state" in ('queued', 'running', 'done', 'failed', 'cancelled')),
      "phase" text null,
      "done" bigint not null default 0,
      "total" bigint null,
      "rate_per_second" double precision null,
      "seconds_left" integer null,
      "payload" jsonb not null default '{}',
      "result" jsonb null,
      "error" text null,
      "attempts" integer not null default 0,
      "created_at" timestamptz not null default now(),
      "started_at" timestamptz null,
      "finished_at" timestamptz null,
      "updated_at" timestamptz not null default now());`);
    this.addSql(`create index "jobs_owner_created_index" on "jobs"."jobs" ("owner_subject", "created_at" desc);`);
    this.addSql(`create index "jobs_unit_path_gist" on "jobs"."jobs" using gist ("unit_path");`);
    this.addSql(`create index "jobs_unfinished_index" on "jobs"."jobs" ("created_at") where "state" in ('queued', 'running');`);

    // A job is its owner's: the subgraph roles see and change it only with its owner as the actor and its
    // unit inside the scope (the request's, or the owner's for the worker that runs it).
    this.addSql(`alter table "jobs"."jobs" enable row level security;`);
    this.addSql(`create policy "owner_in_scope" on "jobs"."jobs"
      using ("unit_path" <@ nullif(current_setting('ansinh.scope_path', true), '')::public.ltree
             and "owner_subject" = nullif(current_setting('ansinh.actor_id', true), ''))
      with check ("unit_path" <@ nullif(current_setting('ansinh.scope_path', true), '')::public.ltree
             and "owner_subject" = nullif(current_setting('ansinh.actor_id', true), ''));`);

    // The rights of a subgraph that runs jobs, given to its role by `npm run migrate` (grantJobRunner).
    // Roles are cluster-wide: created once, never dropped here. No delete: a job's record stays.
    this.addSql(`do $$ begin if not exists (select from pg_roles where rolname = 'ansinh_job_runner') then create role ansinh_job_runner nologin; end if; end $$;`);
    this.addSql(`grant usage on schema "jobs" to ansinh_job_runner;`);
    this.addSql(`grant select, insert, update on "jobs"."jobs" to ansinh_job_runner;`);

    // A job left unfinished by a process that died: its transaction rolled back (nothing written) and its
    // advisory lock went with its connection. Row-level security hides other owners' jobs from every
    // worker, so this one function (run by each worker's sweep) looks across them, and only settles
    // jobs whose lock is free: a job still running anywhere holds it. A job whose pg-boss attempt was
    // failed by the heartbeat monitor goes back to queued while a retry remains, and failed after the last.
    this.addSql(`create function "jobs"."settle_abandoned"(grace_seconds integer) returns integer
      language plpgsql security definer set search_path = pg_catalog, public as $$
      declare
        settled integer;
      begin
        with candidates as (
          select j.id, q.state::text as queue_state, q.output
            from jobs.jobs j
            left join lateral (
              select b.state, b.output from pgboss.job b where b.name = j.service || '.' || j.kind and b.id = j.id
               limit 1) q on true
           where j.state in ('queued', 'running')
             and coalesce(j.started_at, j.created_at) < now() - make_interval(secs => grace_seconds)
             and (q.state is null or q.state::text in ('completed', 'cancelled', 'failed')
                  or (j.state = 'running' and q.state::text in ('created', 'retry')))
           limit 1000),
        free as (
          select * from candidates where pg_try_advisory_xact_lock(hashtextextended('ansinh.job:' || id::text, 0))),
        changed as (
          update jobs.jobs j
             set state = case when f.queue_state in ('created', 'retry') then 'queued' else 'failed' end,
                 error = case
                   when f.queue_state in ('created', 'retry') then
                     'Lần chạy thứ ' || j.attempts || ' bị dừng giữa chừng (tiến trình xử lý mất tín hiệu); không có dữ liệu nào được ghi. Công việc sẽ được chạy lại.'
                   when f.output::text like '%heartbeat%' then
                     'Tiến trình xử lý bị dừng giữa chừng ' || greatest(j.attempts, 1) || ' lần (mất tín hiệu); không có dữ liệu nào được ghi. Hãy chạy lại công việc.'
                   when f.output::text like '%timed out%' then
                     'Công việc chạy quá thời gian cho phép và đã bị dừng; không có dữ liệu nào được ghi. Hãy chia nhỏ tệp hoặc chạy lại.'
                   when f.queue_state is null then
                     'Tiến trình xử lý bị dừng giữa chừng (máy chủ khởi động lại); không có dữ liệu nào được ghi. Hãy chạy lại công việc.'
                   else 'Công việc dừng mà không ghi kết quả; không có dữ liệu nào được ghi. Hãy chạy lại công việc.'
                 end,
                 finished_at = case when f.queue_state in ('created', 'retry') then null else now() end,
                 rate_per_second = null, seconds_left = null, updated_at = now()
            from free f
           where j.id = f.id and j.state in ('queued', 'running')
          returning j.id)
        select count(*) into settled from changed;
        return settled;
      end $$;`);
    this.addSql(`revoke all on function "jobs"."settle_abandoned"(integer) from public;`);
    this.addSql(`grant execute on function "jobs"."settle_abandoned"(integer) to ansinh_job_runner;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop function if exists "jobs"."settle_abandoned"(integer);`);
    this.addSql(`drop table if exists "jobs"."jobs" cascade;`);
    this.addSql(`revoke all on schema "jobs" from ansinh_job_runner;`);
    this.addSql(`drop schema if exists "jobs";`);
  }

}
