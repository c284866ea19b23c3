import { Migration } from '@mikro-orm/migrations';

/**
 * `time_ordered_uuid()` on servers below PostgreSQL 18: ids made in the same millisecond now follow
 * the order they were made in, as uuidv7() guarantees within a session on 18. The sub-millisecond
 * bits were random, so two persons imported in one millisecond were ordered at random, and with
 * them the direction of a duplicate warning between them. A counter of 26 bits (a sequence that
 * cycles) takes the place of those bits; PostgreSQL 18 keeps its own uuidv7().
 */
export class Migration20261206090000 extends Migration {

  override name = 'Migration20261206090000';

  override up(): void | Promise<void> {
    this.addSql(`do $do$ begin
  if current_setting('server_version_num')::int < 180000 then
    create sequence registry.time_ordered_uuid_counter as integer minvalue 0 maxvalue 67108863 cycle;
    grant usage on sequence registry.time_ordered_uuid_counter to ansinh_registry;
    -- Bytes 0-5 the milliseconds, 6-9 the version (7), the counter's top 12 bits, the variant (10) and its
    -- low 14 bits, 10-15 random. nextval() makes it parallel unsafe.
    create or replace function registry.time_ordered_uuid() returns uuid language sql volatile parallel unsafe as $$
      select encode(
        substring(int8send(floor(extract(epoch from clock_timestamp()) * 1000)::bigint) from 3)
        || int4send((1879048192 | ((c >> 14) << 16) | 32768 | (c & 16383))::integer)
        || substring(uuid_send(gen_random_uuid()) from 11 for 6), 'hex')::uuid
        from (select nextval('registry.time_ordered_uuid_counter') as c) counter
    $$;
  end if;
end $do$;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`do $do$ begin
  if current_setting('server_version_num')::int < 180000 then
    create or replace function registry.time_ordered_uuid() returns uuid language sql volatile parallel safe as $$
      select encode(set_bit(set_bit(overlay(uuid_send(gen_random_uuid()) placing substring(int8send(floor(extract(epoch from clock_timestamp()) * 1000)::bigint) from 3) from 1 for 6), 52, 1), 53, 1), 'hex')::uuid
    $$;
    drop sequence registry.time_ordered_uuid_counter;
  end if;
end $do$;`);
  }

}
