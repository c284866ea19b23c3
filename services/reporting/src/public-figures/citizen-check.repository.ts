import { arrayLiteral } from '@ansinh/common';
import type { EntityManager } from '@mikro-orm/postgresql';
import type pg from 'pg';

export type Admission = { admitted: true } | { admitted: false; retryAfterSeconds: number };

/**
 * Admits one citizen's check against each of `keys` (hex HMACs: the client, the CCCD) when none has had
 * `limit` checks within the last `windowSeconds`, and records it; counted in `reporting.citizen_check_attempts`
 * so that every instance shares the limit. Per key, checks are serialised by a transaction-level advisory
 * lock (taken in key order: two checks sharing keys cannot deadlock), so that concurrent checks cannot all
 * pass. A refused check is not recorded. Removes the rows past the window on the way.
 */
export async function admitCitizenCheck(
  em: EntityManager,
  keys: readonly string[],
  limit: number,
  windowSeconds: number,
): Promise<Admission> {
  const sortedKeys = [...new Set(keys)].sort();
  return em.transactional(async (tx) => {
    await tx.execute(
      `select pg_advisory_xact_lock(hashtextextended('citizen-check:' || k, 0))
         from (select k from unnest(?::text[]) k order by k) ordered`,
      [arrayLiteral(sortedKeys)],
    );
    await tx.execute(
      `delete from reporting.citizen_check_attempts where attempted_at < now() - make_interval(secs => ?)`,
      [windowSeconds],
    );
    const counts = await tx.execute<{ attempts: number; wait_seconds: string }[]>(
      `select count(*)::int as attempts,
              extract(epoch from min(attempted_at) + make_interval(secs => ?) - now())::text as wait_seconds
         from reporting.citizen_check_attempts
        where key_hash = any(array(select decode(k, 'hex') from unnest(?::text[]) k))
        group by key_hash
       having count(*) >= ?`,
      [windowSeconds, arrayLiteral(sortedKeys), limit],
    );
    if (counts.length > 0) {
      const wait = Math.max(...counts.map((row) => Number(row.wait_seconds)));
      return { admitted: false, retryAfterSeconds: Math.max(1, Math.ceil(wait)) };
    }
    await tx.execute(
      `insert into reporting.citizen_check_attempts (key_hash) select decode(k, 'hex') from unnest(?::text[]) k`,
      [arrayLiteral(sortedKeys)],
    );
    return { admitted: true };
  });
}

export type CitizenRecord = {
  personId: string;
  maskedName: string;
  maskedCitizenId: string;
  /** The unit the person is registered in: its path (the scope its lines are read in) and its name. */
  unitPath: string;
  communeName: string;
};

/**
 * The record matching a CCCD and a full date of birth, through the registry's
 * `person_for_citizen_check` (its owner's rights, masked fields only), with its unit; or undefined.
 */
export async function personForCitizenCheck(
  em: EntityManager,
  citizenId: string,
  birthDate: string,
): Promise<CitizenRecord | undefined> {
  const [row] = await em.execute<
    {
      person_id: string;
      masked_name: string;
      masked_citizen_id: string;
      unit_path: string;
      commune_name: string;
    }[]
  >(
    `select f.person_id, f.masked_name, f.masked_citizen_id, u.path::text as unit_path, u.full_name as commune_name
       from registry.person_for_citizen_check(?, ?::date) f
       join registry.v_units u on u.id = f.unit_id`,
    [citizenId, birthDate],
  );
  return row
    ? {
        personId: row.person_id,
        maskedName: row.masked_name,
        maskedCitizenId: row.masked_citizen_id,
        unitPath: row.unit_path,
        communeName: row.commune_name,
      }
    : undefined;
}

export type CitizenPaymentRow = {
  month: string;
  amount: number;
  status: string;
  paidOn: string | null;
  channel: string;
  programName: string | null;
  categoryName: string | null;
};

/**
 * A person's payment lines of the months, newest first, from `payments.v_payment_lines` (read in a scope
 * that holds the person), with the programme and category names unless the category is confidential
 * (`approvals.categories_of_entitlements`). No account, no receiver, no reference.
 */
export async function citizenPayments(
  client: pg.ClientBase,
  personId: string,
  fromMonth: string,
  toMonth: string,
): Promise<CitizenPaymentRow[]> {
  const { rows } = await client.query<Omit<CitizenPaymentRow, 'amount'> & { amount: string }>(
    `with lines as materialized (
       select l.line_id, l.entitlement_id, l.month::text as month, l.total, l.status, l.paid_on, l.channel
         from payments.v_payment_lines l
        where l.person_id = $1 and l.month between $2 and $3
     )
     select l.month, l.total::text as amount, l.status, to_char(l.paid_on, 'YYYY-MM-DD') as "paidOn", l.channel,
            case when c.confidential then null else p.name end as "programName",
            case when c.confidential then null else cat.name end as "categoryName"
       from lines l
       left join approvals.categories_of_entitlements(array(select entitlement_id from lines where entitlement_id is not null)) c
         on c.entitlement_id = l.entitlement_id
       left join approvals.categories cat on cat.id = c.category_id
       left join approvals.programs p on p.id = c.program_id
      order by l.month desc, l.line_id`,
    [personId, fromMonth, toMonth],
  );
  return rows.map((row) => ({ ...row, amount: Number(row.amount) }));
}
