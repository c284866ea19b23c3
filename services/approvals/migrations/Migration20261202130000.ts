import { Migration } from '@mikro-orm/migrations';
import {
  historyTriggers,
  personInScopeSql,
  READABLE_UNIT_IDS,
  READS_CONFIDENTIAL_SQL,
  unitWritableSql,
  WRITABLE_UNIT_IDS,
} from '@ansinh/common';

/**
 * Programs as data and the entitlement ledger (services/approvals/README.md):
 * - programs and their categories, each with its rule (a coefficient by age band, or a fixed amount),
 *   whether it is confidential and its exclusivity group, and the pairs of categories a person may hold
 *   together; Decree 20/2021 (with funeral support) and Resolution 42/NQ-CP are rows;
 * - decisions: every grant, change, suspension, resumption, relocation, stop and one-off is a row that
 *   is never changed; an entitlement is the state its decisions leave, and the amount for any month is
 *   derived from the decision in force that month, the person's age that month and the standard level
 *   in force that month (`approvals.entitlement_amount`);
 * - the one-person-one-policy rule over every entitlement and every record linked as the same human
 *   (`approvals.policy_conflicts_of`), the published views of the month's changes, of live conflicts
 *   and of the stops that a death or a move proposes.
 */

const PROGRAMS = `insert into "approvals"."programs" (id, name, legal_basis, province_code, valid_from_month, valid_to_month) values
  ('decree-20', 'Trợ cấp xã hội hằng tháng', 'Nghị định 20/2021/NĐ-CP, sửa đổi bởi Nghị định 76/2024/NĐ-CP', null, '2021-07', null),
  ('resolution-42', 'Hỗ trợ người dân gặp khó khăn do đại dịch Covid-19', 'Nghị quyết 42/NQ-CP ngày 09/4/2020', null, '2020-04', '2020-06');`;

type CategoryRow = {
  program: string;
  code: string;
  name: string;
  payment?: 'monthly' | 'one_off';
  rule?: 'coefficient' | 'fixed';
  bands?: [number, number][];
  fixedAmount?: number;
  perMonth?: boolean;
  maxMonths?: number;
  perMember?: boolean;
  confidential?: boolean;
  group?: string | null;
  from?: string;
  to?: string | null;
};

const MONTHLY = 'decree-20-monthly';
const R42 = 'resolution-42';

/** Decree 20/2021 Art. 5 (domain guide §3): coefficient × 100 from an age (in years) on. */
const CATEGORIES: CategoryRow[] = [
  { program: 'decree-20', code: '5.1', name: 'Trẻ em dưới 16 tuổi không có nguồn nuôi dưỡng', bands: [[0, 250], [4, 150]] },
  { program: 'decree-20', code: '5.2', name: 'Người từ 16 đến 22 tuổi đang đi học, không có nguồn nuôi dưỡng', bands: [[0, 150]] },
  { program: 'decree-20', code: '5.3', name: 'Trẻ em nhiễm HIV/AIDS thuộc hộ nghèo', bands: [[0, 250], [4, 200]], confidential: true },
  { program: 'decree-20', code: '5.4', name: 'Người đơn thân nghèo đang nuôi con (mỗi con)', bands: [[0, 100]], perMember: true },
  { program: 'decree-20', code: '5.5.a', name: 'Người cao tuổi thuộc hộ nghèo, không có người phụng dưỡng', bands: [[0, 150], [80, 200]] },
  { program: 'decree-20', code: '5.5.b', name: 'Người từ 75 đến 80 tuổi thuộc hộ nghèo, cận nghèo ở vùng dân tộc thiểu số và miền núi khó khăn', bands: [[0, 100]], to: '2025-06' },
  { program: 'decree-20', code: '5.5.c', name: 'Người từ 80 tuổi trở lên không có lương hưu, trợ cấp hằng tháng', bands: [[0, 100]], to: '2025-06' },
  { program: 'decree-20', code: '5.5.d', name: 'Người cao tuổi thuộc hộ nghèo đủ điều kiện vào cơ sở, được chăm sóc tại cộng đồng', bands: [[0, 300]] },
  { program: 'decree-20', code: '5.6.a', name: 'Người khuyết tật đặc biệt nặng', bands: [[0, 250], [16, 200], [60, 250]] },
  { program: 'decree-20', code: '5.6.b', name: 'Người khuyết tật nặng', bands: [[0, 200], [16, 150], [60, 200]] },
  { program: 'decree-20', code: '5.7', name: 'Trẻ em dưới 3 tuổi thuộc hộ nghèo, cận nghèo ở vùng khó khăn', bands: [[0, 150]] },
  { program: 'decree-20', code: '5.8', name: 'Người nhiễm HIV/AIDS thuộc hộ nghèo không có nguồn thu nhập ổn định', bands: [[0, 150]], confidential: true },
  // At least 20 × the standard level (domain guide §3), one-off, to the family.
  { program: 'decree-20', code: 'mai-tang', name: 'Hỗ trợ chi phí mai táng', payment: 'one_off', bands: [[0, 2000]], group: null },
  ...(
    [
      ['r42-merit', 'Người có công với cách mạng đang hưởng trợ cấp ưu đãi hằng tháng', 500_000, 3],
      ['r42-social-protection', 'Đối tượng bảo trợ xã hội đang hưởng trợ cấp xã hội hằng tháng', 500_000, 3],
      ['r42-poor-member', 'Thành viên hộ nghèo, hộ cận nghèo', 250_000, 3],
      ['r42-suspended-contract', 'Người lao động tạm hoãn hợp đồng, nghỉ việc không lương', 1_800_000, 3],
      ['r42-lost-job', 'Người lao động bị chấm dứt hợp đồng, không đủ điều kiện hưởng trợ cấp thất nghiệp', 1_000_000, 3],
      ['r42-household-business', 'Hộ kinh doanh có doanh thu dưới 100 triệu đồng/năm tạm ngừng kinh doanh (mỗi hộ)', 1_000_000, 3],
    ] as const
  ).map(
    ([code, name, amount, months]): CategoryRow => ({
      program: 'resolution-42',
      code,
      name,
      payment: 'one_off',
      rule: 'fixed',
      fixedAmount: amount,
      perMonth: true,
      maxMonths: months,
      group: R42,
      from: '2020-04',
      to: '2020-06',
    }),
  ),
];

const literal = (value: string | number | boolean | null | undefined) =>
  value === null || value === undefined
    ? 'null'
    : typeof value === 'string'
      ? `'${value.replaceAll("'", "''")}'`
      : String(value);

const categoryInserts = CATEGORIES.map(
  (row) => `insert into "approvals"."categories" (program_id, code, name, payment, rule, fixed_amount, per_month, max_months, per_member, confidential, exclusivity_group, valid_from_month, valid_to_month)
  values (${[
    row.program,
    row.code,
    row.name,
    row.payment ?? 'monthly',
    row.rule ?? 'coefficient',
    row.fixedAmount,
    row.perMonth ?? false,
    row.maxMonths,
    row.perMember ?? false,
    row.confidential ?? false,
    row.group === undefined ? MONTHLY : row.group,
    row.from ?? '2021-07',
    row.to,
  ]
    .map(literal)
    .join(', ')});`,
);

const bandInserts = CATEGORIES.flatMap((row) =>
  (row.bands ?? []).map(
    ([fromAge, coefficient]) =>
      `insert into "approvals"."category_bands" (category_id, from_age, coefficient_hundredths) select id, ${fromAge}, ${coefficient} from "approvals"."categories" where program_id = ${literal(row.program)} and code = ${literal(row.code)};`,
  ),
);

/** Domain guide §3: a single poor parent (5.4) who is also elderly, disabled or has HIV receives both. */
const EXCEPTIONS = `insert into "approvals"."exclusivity_exceptions" (category_id, other_category_id)
  select least(a.id, b.id), greatest(a.id, b.id) from "approvals"."categories" a, "approvals"."categories" b
   where a.program_id = 'decree-20' and a.code = '5.4' and b.program_id = 'decree-20'
     and b.code in ('5.5.a', '5.5.b', '5.5.c', '5.5.d', '5.6.a', '5.6.b', '5.8');`;

/**
 * Entitlements recorded before the ledger (the demo and early imports, with a bare group and the
 * coefficient decided then): their category by code, '5.6' by the coefficient (1.5 severe, 2.5 very
 * severe, 2.0 either: the severe one of a child or elderly person), and a grant decision carrying that
 * coefficient, so that their amounts stay what they were; a stopped one gets its stop decision.
 */
const BACKFILL = [
  `update "approvals"."entitlements" e set category_id = c.id
     from "approvals"."categories" c
    where c.program_id = 'decree-20'
      and c.code = case when e.policy_group = '5.6' then case when e.coefficient_hundredths = 250 then '5.6.a' else '5.6.b' end else e.policy_group end;`,
  `update "approvals"."entitlements" e set policy_group = c.code from "approvals"."categories" c where c.id = e.category_id and e.policy_group <> c.code;`,
  `do $$ declare missing text; begin
  select string_agg(distinct policy_group, ', ') into missing from approvals.entitlements where category_id is null;
  if missing is not null then
    raise exception 'approvals: mức hưởng thuộc nhóm đối tượng không có trong danh mục (%): hãy bổ sung danh mục trước', missing;
  end if;
end $$;`,
  `insert into "approvals"."decisions" (entitlement_id, person_id, kind, number, decided_on, signing_unit_id, signer_name, effective_month, category_id, coefficient_hundredths, member_count, reason, recorded_by_id, recorded_by_name)
   select id, person_id, 'grant', decision_number, decision_date, unit_id, '', start_month, category_id, coefficient_hundredths, 1, 'ghi nhận từ dữ liệu trước sổ quyết định', 'migration', 'migration'
     from "approvals"."entitlements";`,
  `insert into "approvals"."decisions" (entitlement_id, person_id, kind, number, decided_on, signing_unit_id, signer_name, effective_month, category_id, coefficient_hundredths, member_count, reason, recorded_by_id, recorded_by_name)
   select id, person_id, 'stop', decision_number, decision_date, unit_id, '', to_char(to_date(end_month, 'YYYY-MM') + interval '1 month', 'YYYY-MM'), category_id, coefficient_hundredths, 1, 'ghi nhận từ dữ liệu trước sổ quyết định', 'migration', 'migration'
     from "approvals"."entitlements" where status = 'stopped' and end_month is not null;`,
];

/**
 * The terms of entitlements in a month, for a set of them at once: per entitlement the coefficient × 100
 * (when its rule has one), the standard level and the amount due (whole đồng), the amount null when
 * nothing is due (suspended, stopped, a one-off outside its month). The decision in force is the latest
 * taking effect by then; its coefficient (when it fixed one) or else the category's band at the person's
 * age that month (a band switches in the birthday month; January when only the year is known); the
 * standard level in force that month for the paying unit's province; × the members (5.4: per child); a
 * fixed amount × the months when per month. No row for an entitlement before its first decision, nor for
 * a text that is not a month. Set-based (one statement for a province's month: the published view asks
 * it once), run as the owner (it reads the person's birth from the registry's owner-only view); any
 * caller may ask about entitlement ids: the answer tells nothing else about the persons.
 */
const TERMS_FUNCTION = `create function "approvals"."entitlements_terms"(entitlement_ids uuid[], at_month text)
  returns table (entitlement_id uuid, coefficient_hundredths integer, standard_level bigint, amount bigint)
  language sql stable security definer set search_path = pg_catalog, approvals as $$
  with wanted as (
    select distinct w.id from unnest(entitlement_ids) w(id) where at_month ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'
  ), terms as (
    select distinct on (d.entitlement_id) d.entitlement_id, d.kind, d.effective_month, d.category_id,
           d.coefficient_hundredths, d.member_count, d.months
      from wanted join approvals.decisions d on d.entitlement_id = wanted.id
     where d.effective_month <= at_month
     order by d.entitlement_id, d.effective_month desc, d.decided_on desc, d.recorded_at desc
  ), priced as (
    select t.*, c.rule, c.fixed_amount, c.per_month, c.max_months, c.per_member, level.amount as level,
           case when c.rule = 'coefficient' then coalesce(t.coefficient_hundredths, band.coefficient_hundredths) end as coefficient
      from terms t
      join approvals.entitlements e on e.id = t.entitlement_id
      join approvals.categories c on c.id = t.category_id
      join registry.v_units u on u.id = e.unit_id
      left join registry.v_person_facts p on p.person_id = e.person_id
      left join lateral approvals.standard_level_for(split_part(public.ltree2text(public.subpath(u.path, 0, 1)), '_', 1), at_month) level(amount) on true
      left join lateral (
        select b.coefficient_hundredths from approvals.category_bands b
         where b.category_id = c.id
           and b.from_age <= coalesce(
                 substr(at_month, 1, 4)::int - p.birth_year
                   - case when substr(at_month, 6, 2)::int < coalesce(p.birth_month, 1) then 1 else 0 end,
                 0)
         order by b.from_age desc limit 1
      ) band on true
  )
  select entitlement_id, coefficient, level,
         case
           when kind in ('suspend', 'stop', 'relocate-out') then null
           when kind = 'one-off' and effective_month <> at_month then null
           when rule = 'fixed' then fixed_amount * (case when per_month then coalesce(months, max_months, 1) else 1 end) * member_count
           else approvals.monthly_amount(level, coefficient) * (case when per_member then member_count else 1 end)
         end
    from priced;
$$;`;

/** The amount due for one entitlement in a month (see entitlements_terms); null when nothing is due. */
const AMOUNT_FUNCTION = `create function "approvals"."entitlement_amount"(entitlement uuid, at_month text)
  returns bigint
  language sql stable set search_path = pg_catalog, approvals as $$
  select amount from approvals.entitlements_terms(array[entitlement], at_month);
$$;`;

/**
 * Live conflicts of the one-person-one-policy rule, for the given person (and every record linked to
 * it as the same human) or for everyone: two entitlements of one exclusivity group, not a pair of
 * the exceptions, both active in a common month from the current month on (or still open). Runs as the
 * owner so that a commune learns of a conflicting entitlement paid elsewhere (the check must see all
 * of them); callers filter what they show.
 */
const CONFLICTS_FUNCTION = `create function "approvals"."policy_conflicts_of"(person uuid)
  returns table (entitlement_id uuid, other_entitlement_id uuid, person_id uuid, other_person_id uuid, same_record boolean, from_month text, overridden boolean,
                 other_unit_id uuid, other_decision_number text, other_decision_date date, other_category_code text, other_category_confidential boolean)
  language sql stable security definer set search_path = pg_catalog, approvals as $$
  with month as (select to_char(now() at time zone 'Asia/Ho_Chi_Minh', 'YYYY-MM') as current),
  humans as (
    select person as person_id where person is not null
    union select h.other_person_id from registry.v_same_human h where h.person_id = person
  ),
  live as (
    select e.id, e.person_id, e.category_id, c.exclusivity_group, e.start_month, coalesce(e.end_month, '9999-12') as end_month,
           e.unit_id, e.decision_number, e.decision_date, c.code, c.confidential
      from approvals.entitlements e
      join approvals.categories c on c.id = e.category_id
      cross join month
     where e.status <> 'stopped' and c.exclusivity_group is not null and c.payment = 'monthly'
       and coalesce(e.end_month, '9999-12') >= month.current
       and (person is null or e.person_id in (select humans.person_id from humans))
  ),
  -- One record's own pairs, and the pairs across records linked as one human: two equi-joins, never
  -- a comparison of every entitlement with every other.
  pairs as (
    select a.id as a_id, b.id as b_id from live a
      join live b on b.person_id = a.person_id and b.exclusivity_group = a.exclusivity_group and b.id <> a.id
    union
    select a.id, b.id from live a
      join registry.v_same_human h on h.person_id = a.person_id
      join live b on b.person_id = h.other_person_id and b.exclusivity_group = a.exclusivity_group
  )
  select a.id, b.id, a.person_id, b.person_id, a.person_id = b.person_id,
         greatest(a.start_month, b.start_month),
         exists (select 1 from approvals.decisions d where d.entitlement_id in (a.id, b.id) and d.override_reason is not null),
         b.unit_id, b.decision_number::text, b.decision_date, b.code::text, b.confidential
    from pairs
    join live a on a.id = pairs.a_id
    join live b on b.id = pairs.b_id
   where a.start_month <= b.end_month and b.start_month <= a.end_month
     and not exists (
       select 1 from approvals.exclusivity_exceptions x
        where x.category_id = least(a.category_id, b.category_id) and x.other_category_id = greatest(a.category_id, b.category_id)
     );
$$;`;

/** The records linked to a person as the same human: the grant locks them all before its check. */
const SAME_HUMAN_FUNCTION = `create function "approvals"."same_human_of"(person uuid)
  returns table (other_person_id uuid)
  language sql stable security definer set search_path = pg_catalog, approvals as $$
  select h.other_person_id from registry.v_same_human h where h.person_id = person;
$$;`;

/** Where a person the caller reads lives, alive or not and since when (funeral support, relocation). */
const PERSON_FACTS_FUNCTION = `create function "approvals"."person_facts_of"(person uuid)
  returns table (unit_id uuid, status text, status_date date)
  language sql stable security definer set search_path = pg_catalog, approvals as $$
  select p.unit_id, p.status, p.status_date from registry.v_person_facts p
   where p.person_id = person and exists (select 1 from registry.v_person_units v where v.person_id = person);
$$;`;

const CATEGORY_SHOWN = (alias: string, column: string) =>
  `case when not ${alias}.confidential or ${READS_CONFIDENTIAL_SQL} then ${alias}.${column} end`;

const ENTITLEMENT_READABLE = (alias: string) =>
  `(${alias}.unit_id in (${READABLE_UNIT_IDS}) or ${personInScopeSql(`${alias}.person_id`)})`;

const FORMER_ACTIVE_ENTITLEMENTS_VIEW = `create view "approvals"."v_active_entitlements" as
      with month as (select to_char(now() at time zone 'Asia/Ho_Chi_Minh', 'YYYY-MM') as current)
      select e.id as entitlement_id, e.person_id, e.unit_id, u.code as unit_code, e.policy_group, e.coefficient_hundredths,
             e.start_month, e.end_month, e.decision_number, e.decision_date,
             approvals.monthly_amount(level.amount, e.coefficient_hundredths) as monthly_amount
      from "approvals"."entitlements" e
      cross join month
      join registry.v_units u on u.id = e.unit_id
      cross join lateral approvals.standard_level_for(split_part(ltree2text(subpath(u.path, 0, 1)), '_', 1), month.current) level(amount)
      where e.status = 'active' and e.start_month <= month.current
        and (e.end_month is null or e.end_month >= month.current)
        and ${ENTITLEMENT_READABLE('e')};`;

/**
 * v1 columns kept; a row is an entitlement with an amount due this month by its ledger (a decision
 * taking effect next month does not end this month's payment), the group masked for readers without
 * the right, and (v2) the category, programme and members.
 */
const ACTIVE_ENTITLEMENTS_VIEW = `create view "approvals"."v_active_entitlements" as
      with month as (select to_char(now() at time zone 'Asia/Ho_Chi_Minh', 'YYYY-MM') as current),
      running as (
        select e.*, c.code as category_code, c.confidential, c.program_id
          from "approvals"."entitlements" e
          cross join month
          join "approvals"."categories" c on c.id = e.category_id
         where c.payment = 'monthly' and e.start_month <= month.current
           and (e.end_month is null or e.end_month >= month.current)
           and ${ENTITLEMENT_READABLE('e')}
      )
      select e.id as entitlement_id, e.person_id, e.unit_id, u.code as unit_code,
             case when not e.confidential or ${READS_CONFIDENTIAL_SQL} then e.category_code end as policy_group,
             terms.coefficient_hundredths::smallint as coefficient_hundredths, e.start_month, e.end_month, e.decision_number, e.decision_date,
             terms.amount as monthly_amount,
             case when not e.confidential or ${READS_CONFIDENTIAL_SQL} then e.category_id end as category_id, e.program_id, e.member_count, e.confidential
        from running e
        cross join month
        join registry.v_units u on u.id = e.unit_id
        join approvals.entitlements_terms(array(select running.id from running), month.current) terms on terms.entitlement_id = e.id
       where terms.amount is not null;`;

/**
 * Biến động tăng/giảm: every decision as a change of the month it takes effect in, with the amount
 * due that month before and after it.
 */
const CHANGES_VIEW = `create view "approvals"."v_entitlement_changes" as
      select d.id as decision_id, d.entitlement_id, e.person_id, e.unit_id, u.code as unit_code, d.effective_month as month, d.kind,
             case when d.kind in ('grant', 'resume', 'relocate-in', 'one-off') then 'increase'
                  when d.kind in ('suspend', 'stop', 'relocate-out') then 'decrease' else 'change' end as direction,
             d.number as decision_number, d.decided_on as decision_date, d.reason,
             approvals.entitlement_amount(e.id, to_char(to_date(d.effective_month, 'YYYY-MM') - interval '1 month', 'YYYY-MM')) as amount_before,
             approvals.entitlement_amount(e.id, d.effective_month) as amount_after,
             ${CATEGORY_SHOWN('c', 'code')} as category_code, ${CATEGORY_SHOWN('c', 'id')} as category_id, c.confidential
        from "approvals"."decisions" d
        join "approvals"."entitlements" e on e.id = d.entitlement_id
        join "approvals"."categories" c on c.id = d.category_id
        join registry.v_units u on u.id = e.unit_id
       where ${ENTITLEMENT_READABLE('e')};`;

/** Live conflicts of entitlements the reader reads (the other one may lie outside its scope: named by unit only). */
const CONFLICTS_VIEW = `create view "approvals"."v_policy_conflicts" as
      select x.entitlement_id, x.other_entitlement_id, x.person_id, x.other_person_id, x.same_record, x.from_month, x.overridden,
             e.unit_id, x.other_unit_id, x.other_decision_number, x.other_decision_date,
             case when not x.other_category_confidential or ${READS_CONFIDENTIAL_SQL} then x.other_category_code end as other_category_code,
             (select string_agg(d.override_reason, '; ' order by d.recorded_at) from approvals.decisions d
               where d.entitlement_id in (x.entitlement_id, x.other_entitlement_id) and d.override_reason is not null) as override_reason
        from approvals.policy_conflicts_of(null) x
        join "approvals"."entitlements" e on e.id = x.entitlement_id
       where ${ENTITLEMENT_READABLE('e')};`;

/**
 * What a death, a move out of the register or a move to another commune proposes for an entitlement
 * still running: stop from the month after the event (the relocation: start in the new commune from
 * then), and for a death the funeral support, at 20 × the level of the month of death. Disappears
 * once the decision is recorded.
 */
const STOP_PROPOSALS_VIEW = `create view "approvals"."v_stop_proposals" as
      select e.id as entitlement_id, e.person_id, e.unit_id,
             case when p.status = 'deceased' then 'death' when p.status = 'moved_away' then 'moved-away' else 'relocation' end as reason,
             p.status_date as event_date,
             case when p.status_date is null then to_char(now() at time zone 'Asia/Ho_Chi_Minh', 'YYYY-MM')
                  else to_char(p.status_date + interval '1 month', 'YYYY-MM') end as stop_from_month,
             case when p.status = 'living' then p.unit_id end as to_unit_id,
             p.status = 'deceased' and not exists (
               select 1 from approvals.entitlements f join approvals.categories fc on fc.id = f.category_id
                where f.person_id = e.person_id and fc.program_id = 'decree-20' and fc.code = 'mai-tang'
             ) as funeral_support_due,
             case when p.status = 'deceased' and p.status_date is not null then (
               select approvals.monthly_amount(level.amount, b.coefficient_hundredths)
                 from approvals.categories fc
                 join approvals.category_bands b on b.category_id = fc.id
                 cross join lateral approvals.standard_level_for(split_part(ltree2text(subpath(eu.path, 0, 1)), '_', 1), to_char(p.status_date, 'YYYY-MM')) level(amount)
                where fc.program_id = 'decree-20' and fc.code = 'mai-tang'
                order by b.from_age limit 1) end as funeral_support_amount
        from "approvals"."entitlements" e
        join registry.v_units eu on eu.id = e.unit_id
        join "approvals"."categories" c on c.id = e.category_id and c.payment = 'monthly'
        join registry.v_person_facts p on p.person_id = e.person_id
        join registry.v_units pu on pu.id = p.unit_id
       where e.status <> 'stopped'
         and (p.status <> 'living'
              or (p.unit_id <> e.unit_id and (pu.valid_to is null or pu.valid_to >= (now() at time zone 'Asia/Ho_Chi_Minh')::date)
                  and (eu.valid_to is null or eu.valid_to >= (now() at time zone 'Asia/Ho_Chi_Minh')::date)))
         and ${ENTITLEMENT_READABLE('e')};`;

/**
 * Rows written straight into the table (the demo seed, fixtures, a register taken over in bulk from an
 * earlier system) name their group by code: the category follows from it ('5.6' by the coefficient,
 * as in BACKFILL).
 */
const CATEGORY_FROM_GROUP = `create function "approvals"."entitlement_category_from_group"()
  returns trigger language plpgsql set search_path = pg_catalog, approvals as $$
declare
  found_id uuid;
  found_code text;
begin
  if new.category_id is null then
    select c.id, c.code into found_id, found_code from approvals.categories c
     where c.program_id = 'decree-20'
       and c.code = case when new.policy_group = '5.6' then case when new.coefficient_hundredths = 250 then '5.6.a' else '5.6.b' end else new.policy_group end;
    if found_id is null then
      raise exception 'approvals: nhóm đối tượng % không có trong danh mục', new.policy_group using errcode = '23503';
    end if;
    new.category_id := found_id;
    new.policy_group := found_code;
  end if;
  return new;
end
$$;`;

/**
 * Every entitlement has its grant in the ledger, whatever wrote it: at commit, one without a decision
 * gets its grant from its own number, date, start month and terms, signed by its paying unit. (The
 * service writes its decisions itself, in the same transaction: then this does nothing.)
 */
const LEDGER_OF_LOADED = `create function "approvals"."record_grant_of_loaded"()
  returns trigger language plpgsql security definer set search_path = pg_catalog, approvals as $$
begin
  insert into approvals.decisions (entitlement_id, person_id, kind, number, decided_on, signing_unit_id, signer_name, effective_month, category_id, coefficient_hundredths, member_count, reason, recorded_by_id, recorded_by_name)
  select e.id, e.person_id, 'grant', e.decision_number, e.decision_date, e.unit_id, '', e.start_month, e.category_id, e.coefficient_hundredths, e.member_count,
         'nạp từ sổ theo dõi có sẵn', coalesce(nullif(current_setting('ansinh.actor_id', true), ''), 'system'), coalesce(nullif(current_setting('ansinh.actor_name', true), ''), 'system')
    from approvals.entitlements e
   where e.id = new.id and not exists (select 1 from approvals.decisions d where d.entitlement_id = e.id);
  if found and new.status <> 'active' then
    -- A row loaded stopped (or suspended) says so in the ledger too: from the month after its end.
    insert into approvals.decisions (entitlement_id, person_id, kind, number, decided_on, signing_unit_id, signer_name, effective_month, category_id, coefficient_hundredths, member_count, reason, recorded_by_id, recorded_by_name)
    select e.id, e.person_id, case when e.status = 'stopped' then 'stop' else 'suspend' end, e.decision_number, e.decision_date, e.unit_id, '',
           coalesce(to_char(to_date(e.end_month, 'YYYY-MM') + interval '1 month', 'YYYY-MM'), e.start_month),
           e.category_id, e.coefficient_hundredths, e.member_count, 'nạp từ sổ theo dõi có sẵn', 'system', 'system'
      from approvals.entitlements e where e.id = new.id;
  end if;
  return null;
end
$$;`;

const DECISION_READABLE = `exists (select 1 from approvals.entitlements e where e.id = entitlement_id)`;

export class Migration20261202130000 extends Migration {

  override name = 'Migration20261202130000';

  override up(): void | Promise<void> {
    this.addSql(`drop view if exists "approvals"."v_active_entitlements";`);

    this.addSql(`create table "approvals"."programs" (
      "id" text not null check ("id" ~ '^[a-z0-9][a-z0-9-]{0,39}$'),
      "name" text not null, "legal_basis" text not null, "province_code" varchar(2) null,
      "valid_from_month" varchar(7) not null, "valid_to_month" varchar(7) null,
      primary key ("id"));`);
    this.addSql(`create table "approvals"."categories" (
      "id" uuid not null default gen_random_uuid(), "program_id" text not null, "code" varchar(30) not null, "name" text not null,
      "payment" text not null check ("payment" in ('monthly', 'one_off')),
      "rule" text not null check ("rule" in ('coefficient', 'fixed')),
      "fixed_amount" bigint null, "per_month" boolean not null default false, "max_months" smallint null,
      "per_member" boolean not null default false, "confidential" boolean not null default false,
      "exclusivity_group" text null, "valid_from_month" varchar(7) not null, "valid_to_month" varchar(7) null,
      primary key ("id"),
      constraint "categories_fixed_amount_check" check (("rule" = 'fixed') = ("fixed_amount" is not null)));`);
    this.addSql(`alter table "approvals"."categories" add constraint "categories_program_id_code_unique" unique ("program_id", "code");`);
    this.addSql(`alter table "approvals"."categories" add constraint "categories_program_id_foreign" foreign key ("program_id") references "approvals"."programs" ("id");`);
    this.addSql(`create table "approvals"."category_bands" (
      "category_id" uuid not null, "from_age" smallint not null check ("from_age" between 0 and 150),
      "coefficient_hundredths" smallint not null check ("coefficient_hundredths" > 0),
      primary key ("category_id", "from_age"));`);
    this.addSql(`alter table "approvals"."category_bands" add constraint "category_bands_category_id_foreign" foreign key ("category_id") references "approvals"."categories" ("id") on delete cascade;`);
    this.addSql(`create table "approvals"."exclusivity_exceptions" (
      "category_id" uuid not null, "other_category_id" uuid not null,
      primary key ("category_id", "other_category_id"), check ("category_id" < "other_category_id"));`);
    this.addSql(`alter table "approvals"."exclusivity_exceptions" add constraint "exclusivity_exceptions_category_id_foreign" foreign key ("category_id") references "approvals"."categories" ("id") on delete cascade;`);
    this.addSql(`alter table "approvals"."exclusivity_exceptions" add constraint "exclusivity_exceptions_other_category_id_foreign" foreign key ("other_category_id") references "approvals"."categories" ("id") on delete cascade;`);
    this.addSql(PROGRAMS);
    for (const statement of [...categoryInserts, ...bandInserts, EXCEPTIONS]) this.addSql(statement);

    this.addSql(`alter table "approvals"."entitlements"
      add column "category_id" uuid null,
      add column "member_count" smallint not null default 1 check ("member_count" between 1 and 20),
      add column "relocated_from_id" uuid null;`);
    this.addSql(`alter table "approvals"."entitlements" alter column "coefficient_hundredths" drop not null;`);
    this.addSql(`alter table "approvals"."entitlements" alter column "policy_group" type varchar(30);`);

    this.addSql(`create table "approvals"."decisions" (
      "id" uuid not null default gen_random_uuid(), "entitlement_id" uuid not null, "person_id" uuid not null,
      "kind" text not null check ("kind" in ('grant', 'change', 'suspend', 'resume', 'relocate-out', 'relocate-in', 'stop', 'one-off')),
      "number" varchar(60) not null, "decided_on" date not null, "signing_unit_id" uuid not null, "signer_name" text not null,
      "effective_month" varchar(7) not null check ("effective_month" ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
      "category_id" uuid not null, "coefficient_hundredths" smallint null, "member_count" smallint not null default 1,
      "months" smallint null, "reason" text null, "override_reason" text null, "application_id" uuid null,
      "recorded_by_id" text not null, "recorded_by_name" text not null, "recorded_at" timestamptz not null default now(),
      primary key ("id"));`);
    this.addSql(`alter table "approvals"."decisions" add constraint "decisions_entitlement_id_foreign" foreign key ("entitlement_id") references "approvals"."entitlements" ("id") on delete cascade;`);
    this.addSql(`alter table "approvals"."decisions" add constraint "decisions_category_id_foreign" foreign key ("category_id") references "approvals"."categories" ("id");`);
    this.addSql(`create index "decisions_entitlement_id_effective_month_index" on "approvals"."decisions" ("entitlement_id", "effective_month");`);
    this.addSql(`create index "decisions_signing_unit_id_effective_month_index" on "approvals"."decisions" ("signing_unit_id", "effective_month");`);
    this.addSql(`create index "decisions_person_id_index" on "approvals"."decisions" ("person_id");`);

    for (const statement of BACKFILL) this.addSql(statement);
    this.addSql(`alter table "approvals"."entitlements" alter column "category_id" set not null;`);
    this.addSql(`alter table "approvals"."entitlements" add constraint "entitlements_category_id_foreign" foreign key ("category_id") references "approvals"."categories" ("id");`);
    this.addSql(`create index "entitlements_category_id_index" on "approvals"."entitlements" ("category_id");`);

    this.addSql(CATEGORY_FROM_GROUP);
    this.addSql(`create trigger "entitlements_category_from_group" before insert on "approvals"."entitlements" for each row execute function "approvals"."entitlement_category_from_group"();`);
    this.addSql(LEDGER_OF_LOADED);
    this.addSql(`create constraint trigger "entitlements_grant_in_ledger" after insert on "approvals"."entitlements" deferrable initially deferred for each row execute function "approvals"."record_grant_of_loaded"();`);
    this.addSql(`revoke all on function "approvals"."record_grant_of_loaded"() from public;`);

    // A decision is never changed nor removed (only with its entitlement, a record entered by mistake).
    this.addSql(`alter table "approvals"."decisions" enable row level security;`);
    this.addSql(`create policy "entitlement_scope" on "approvals"."decisions" for select using (${DECISION_READABLE});`);
    this.addSql(`create policy "signing_unit" on "approvals"."decisions" for insert with check (${unitWritableSql('signing_unit_id')} and ${DECISION_READABLE});`);
    this.addSql(`revoke update, delete on "approvals"."decisions" from ansinh_approvals;`);
    // The commune where the person lives now may record decisions on the entitlements of a person who
    // moved in (the relocation stops the one of the old commune).
    this.addSql(`create policy "relocation" on "approvals"."entitlements" for update
      using (exists (select 1 from registry.v_person_units v where v.person_id = "entitlements"."person_id" and v.unit_id in (${WRITABLE_UNIT_IDS})))
      with check (exists (select 1 from registry.v_person_units v where v.person_id = "entitlements"."person_id" and v.unit_id in (${WRITABLE_UNIT_IDS})));`);
    this.addSql(`grant select on "approvals"."programs", "approvals"."categories", "approvals"."category_bands", "approvals"."exclusivity_exceptions" to ansinh_view_reader;`);

    for (const statement of historyTriggers({
      schema: 'approvals',
      table: 'decisions',
      entityColumns: { entitlement_id: 'entitlement_id', person_id: 'person_id' },
      unitColumn: 'signing_unit_id',
      events: {
        aggregateType: 'decision',
        payloadColumns: ['entitlement_id', 'person_id', 'kind', 'effective_month', 'signing_unit_id'],
      },
    }).up)
      this.addSql(statement);
    for (const statement of historyTriggers({ schema: 'approvals', table: 'categories' }).up) this.addSql(statement);

    this.addSql(TERMS_FUNCTION);
    this.addSql(AMOUNT_FUNCTION);
    this.addSql(CONFLICTS_FUNCTION);
    this.addSql(SAME_HUMAN_FUNCTION);
    this.addSql(PERSON_FACTS_FUNCTION);
    for (const fn of ['"same_human_of"(uuid)', '"person_facts_of"(uuid)']) {
      this.addSql(`revoke all on function "approvals".${fn} from public;`);
      this.addSql(`grant execute on function "approvals".${fn} to ansinh_approvals;`);
    }
    for (const fn of ['"entitlements_terms"(uuid[], text)', '"entitlement_amount"(uuid, text)', '"policy_conflicts_of"(uuid)']) {
      this.addSql(`revoke all on function "approvals".${fn} from public;`);
      this.addSql(`grant execute on function "approvals".${fn} to ansinh_view_reader, ansinh_approvals;`);
    }
    for (const view of [ACTIVE_ENTITLEMENTS_VIEW, CHANGES_VIEW, CONFLICTS_VIEW, STOP_PROPOSALS_VIEW]) this.addSql(view);
    this.addSql(`grant select on "approvals"."v_active_entitlements", "approvals"."v_entitlement_changes", "approvals"."v_policy_conflicts", "approvals"."v_stop_proposals" to ansinh_view_reader;`);
  }

  override down(): void | Promise<void> {
    for (const view of ['v_stop_proposals', 'v_policy_conflicts', 'v_entitlement_changes', 'v_active_entitlements'])
      this.addSql(`drop view if exists "approvals"."${view}";`);
    this.addSql(`drop function if exists "approvals"."policy_conflicts_of"(uuid);`);
    this.addSql(`drop function if exists "approvals"."same_human_of"(uuid);`);
    this.addSql(`drop function if exists "approvals"."person_facts_of"(uuid);`);
    this.addSql(`drop function if exists "approvals"."entitlement_amount"(uuid, text);`);
    this.addSql(`drop function if exists "approvals"."entitlements_terms"(uuid[], text);`);
    this.addSql(`drop policy if exists "relocation" on "approvals"."entitlements";`);
    this.addSql(`drop trigger if exists "entitlements_grant_in_ledger" on "approvals"."entitlements";`);
    this.addSql(`drop trigger if exists "entitlements_category_from_group" on "approvals"."entitlements";`);
    this.addSql(`drop function if exists "approvals"."record_grant_of_loaded"();`);
    this.addSql(`drop function if exists "approvals"."entitlement_category_from_group"();`);
    for (const statement of [
      ...historyTriggers({ schema: 'approvals', table: 'categories' }).down,
      ...historyTriggers({ schema: 'approvals', table: 'decisions' }).down,
    ])
      this.addSql(statement);
    // The former shape holds one coefficient per entitlement: the one in force this month.
    this.addSql(`alter table "approvals"."entitlements" disable trigger "entitlements_history_update";`);
    this.addSql(`update "approvals"."entitlements" e set coefficient_hundredths = coalesce(e.coefficient_hundredths,
      (select b.coefficient_hundredths from approvals.category_bands b where b.category_id = e.category_id order by b.from_age limit 1), 100);`);
    this.addSql(`update "approvals"."entitlements" set policy_group = left(policy_group, 10);`);
    this.addSql(`alter table "approvals"."entitlements" enable trigger "entitlements_history_update";`);
    this.addSql(`drop table if exists "approvals"."decisions";`);
    this.addSql(`alter table "approvals"."entitlements" drop column "category_id", drop column "member_count", drop column "relocated_from_id";`);
    this.addSql(`alter table "approvals"."entitlements" alter column "coefficient_hundredths" set not null;`);
    this.addSql(`alter table "approvals"."entitlements" alter column "policy_group" type varchar(10);`);
    for (const table of ['exclusivity_exceptions', 'category_bands', 'categories', 'programs'])
      this.addSql(`drop table if exists "approvals"."${table}";`);
    this.addSql(FORMER_ACTIVE_ENTITLEMENTS_VIEW);
    this.addSql(`grant select on "approvals"."v_active_entitlements" to ansinh_view_reader;`);
  }

}
