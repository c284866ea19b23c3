import { arrayLiteral, badInput, preparedRows, preparedStatement } from '@ansinh/common';
import type { EntityManager } from '@mikro-orm/postgresql';
import DataLoader from 'dataloader';
import { Entitlement } from '../entitlements/entitlement.entity.ts';
import { Decision } from './decision.entity.ts';
import type { SigningUnit } from './decision.rules.ts';

/** A unit version with what the era checks need. */
export type UnitVersion = SigningUnit & { id: string; path: string };

export async function unitVersion(em: EntityManager, id: string): Promise<UnitVersion | null> {
  const [row] = await em.execute<
    {
      id: string;
      code: string;
      level: string;
      path: string;
      validFrom: string | null;
      validTo: string | null;
    }[]
  >(
    `select id, code, level, path::text as path, to_char(valid_from, 'YYYY-MM-DD') as "validFrom", to_char(valid_to, 'YYYY-MM-DD') as "validTo"
       from registry.v_units where id = ?`,
    [id],
  );
  return row ?? null;
}

/**
 * The level of the unit whose chairman decides on `day` in the province: the deciding step of the
 * workflow in force that day (the province's own before the national one). Null when no workflow
 * covers the day.
 */
export async function decidingLevelOn(
  em: EntityManager,
  provinceCode: string,
  day: string,
): Promise<string | null> {
  const [row] = await em.execute<{ level: string }[]>(
    `select s.unit_level as level
       from approvals.workflows w
       join approvals.workflow_steps s on s.workflow_id = w.id and s.is_decision
      where w.valid_from <= ?::date and (w.valid_to is null or w.valid_to >= ?::date)
        and (w.province_code is null or w.province_code = ?)
      order by w.province_code nulls last, s.position desc
      limit 1`,
    [day, day, provinceCode],
  );
  return row?.level ?? null;
}

/** The ledger of an entitlement, oldest first (batched per request). */
export function createDecisionsByEntitlementLoader(em: EntityManager) {
  return new DataLoader<string, Decision[]>(async (ids) => {
    const rows = await em.find(
      Decision,
      { entitlementId: { $in: [...ids] } },
      { orderBy: { effectiveMonth: 'asc', decidedOn: 'asc', recordedAt: 'asc' } },
    );
    return ids.map((id) => rows.filter((row) => row.entitlementId === id));
  });
}

/** Decisions by id (the caller's scope: row-level security), batched per request. */
export function createDecisionLoader(em: EntityManager) {
  return new DataLoader<string, Decision | undefined>(async (ids) => {
    const rows = await em.find(Decision, { id: { $in: [...ids] } });
    const byId = new Map(rows.map((row) => [row.id, row]));
    return ids.map((id) => byId.get(id));
  });
}

/** One row of `approvals.policy_conflicts_of`: an entitlement and another it may not run with. */
export type ConflictRow = {
  entitlementId: string;
  otherEntitlementId: string;
  personId: string;
  otherPersonId: string;
  sameRecord: boolean;
  fromMonth: string;
  overridden: boolean;
  otherUnitId: string;
  otherUnitCode: string;
  otherDecisionNumber: string;
  otherDecisionDate: string;
  otherCategoryCode: string;
  otherCategoryConfidential: boolean;
};

const CONFLICT_COLUMNS = `x.entitlement_id as "entitlementId", x.other_entitlement_id as "otherEntitlementId",
  x.person_id as "personId", x.other_person_id as "otherPersonId", x.same_record as "sameRecord",
  x.from_month as "fromMonth", x.overridden, x.other_unit_id as "otherUnitId", u.code as "otherUnitCode",
  x.other_decision_number as "otherDecisionNumber", to_char(x.other_decision_date, 'YYYY-MM-DD') as "otherDecisionDate",
  x.other_category_code as "otherCategoryCode", x.other_category_confidential as "otherCategoryConfidential"`;

/**
 * The live conflicts of one person's entitlements, with every record linked to them as the same
 * human, whoever pays them (the rule must see all of them; what is shown is the caller's to filter).
 */
export async function conflictsOfPerson(em: EntityManager, personId: string): Promise<ConflictRow[]> {
  return em.execute<ConflictRow[]>(
    `select ${CONFLICT_COLUMNS} from approvals.policy_conflicts_of(?::uuid) x join registry.v_units u on u.id = x.other_unit_id`,
    [personId],
  );
}

/**
 * Serialises the decisions on one human: the persons (and the records linked to them) are locked to
 * the end of the transaction, in a fixed order, so two grants at once cannot both pass the check.
 */
export async function lockPersons(em: EntityManager, personIds: readonly string[]): Promise<void> {
  await em.execute(
    `select pg_advisory_xact_lock(hashtextextended('approvals.person:' || id, 0))
       from unnest(?::uuid[]) id order by id`,
    [arrayLiteral([...new Set(personIds)])],
  );
}

/** The records linked to a person as the same human (open or merged duplicate warnings). */
export async function sameHumanOf(em: EntityManager, personId: string): Promise<string[]> {
  const rows = await em.execute<{ id: string }[]>(
    'select other_person_id as id from approvals.same_human_of(?::uuid)',
    [personId],
  );
  return rows.map((row) => row.id);
}

/** A row of `approvals.v_entitlement_changes` (biến động): a decision taking effect in its month. */
export type EntitlementChangeRow = {
  decisionId: string;
  entitlementId: string;
  personId: string;
  direction: 'increase' | 'decrease' | 'change';
  amountBefore: number | null;
  amountAfter: number | null;
};

/** A row of `approvals.v_policy_conflicts`. */
export type PolicyConflictRow = {
  entitlementId: string;
  otherEntitlementId: string;
  otherUnitId: string;
  otherDecisionNumber: string;
  otherDecisionDate: string;
  sameRecord: boolean;
  fromMonth: string;
  overridden: boolean;
  overrideReason: string | null;
};

/** A row of `approvals.v_stop_proposals`. */
export type StopProposalRow = {
  entitlementId: string;
  personId: string;
  reason: 'death' | 'moved-away' | 'relocation';
  eventDate: string | null;
  stopFromMonth: string;
  toUnitId: string | null;
  funeralSupportDue: boolean;
  funeralSupportAmount: number | null;
  unitId: string;
};

/** The most rows one of these lists answers; a larger unit is asked commune by commune. */
export const MAX_LEDGER_ROWS = 10_000;

const UNDER = `unit_id in (select id from registry.v_units where path <@ any(?::ltree[]))`;

async function bounded<T>(em: EntityManager, sql: string, parameters: unknown[]): Promise<T[]> {
  const rows = await em.execute<T[]>(`${sql} limit ${MAX_LEDGER_ROWS + 1}`, parameters);
  if (rows.length > MAX_LEDGER_ROWS) {
    throw badInput(
      'unitCode',
      `Có hơn ${MAX_LEDGER_ROWS.toLocaleString('vi-VN')} dòng; hãy xem theo từng xã/phường.`,
    );
  }
  return rows;
}

const toNumber = (value: string | number | null) => (value === null ? null : Number(value));

export async function findChanges(
  em: EntityManager,
  paths: readonly string[],
  month: string,
): Promise<EntitlementChangeRow[]> {
  const rows = await bounded<
    EntitlementChangeRow & { amountBefore: string | null; amountAfter: string | null }
  >(
    em,
    `select decision_id as "decisionId", entitlement_id as "entitlementId", person_id as "personId", direction,
            amount_before as "amountBefore", amount_after as "amountAfter"
       from approvals.v_entitlement_changes where month = ? and ${UNDER}
      order by unit_id, direction, decision_id`,
    [month, arrayLiteral(paths)],
  );
  return rows.map((row) => ({
    ...row,
    amountBefore: toNumber(row.amountBefore),
    amountAfter: toNumber(row.amountAfter),
  }));
}

export function findConflicts(em: EntityManager, paths: readonly string[]): Promise<PolicyConflictRow[]> {
  return bounded<PolicyConflictRow>(
    em,
    `select entitlement_id as "entitlementId", other_entitlement_id as "otherEntitlementId", other_unit_id as "otherUnitId",
            other_decision_number as "otherDecisionNumber", to_char(other_decision_date, 'YYYY-MM-DD') as "otherDecisionDate",
            same_record as "sameRecord", from_month as "fromMonth", overridden, override_reason as "overrideReason"
       from approvals.v_policy_conflicts where ${UNDER}
      order by unit_id, entitlement_id, other_entitlement_id`,
    [arrayLiteral(paths)],
  );
}

export async function findStopProposals(
  em: EntityManager,
  paths: readonly string[],
): Promise<StopProposalRow[]> {
  const rows = await bounded<StopProposalRow & { funeralSupportAmount: string | null }>(
    em,
    `select entitlement_id as "entitlementId", person_id as "personId", reason, to_char(event_date, 'YYYY-MM-DD') as "eventDate",
            stop_from_month as "stopFromMonth", to_unit_id as "toUnitId", funeral_support_due as "funeralSupportDue",
            case when funeral_support_due then funeral_support_amount end as "funeralSupportAmount", unit_id as "unitId"
       from approvals.v_stop_proposals
      -- A relocation is proposed to the commune the person moved to as well as to the one that pays.
      where ${UNDER} or to_unit_id in (select id from registry.v_units where path <@ any(?::ltree[]))
      order by unit_id, entitlement_id`,
    [arrayLiteral(paths), arrayLiteral(paths)],
  );
  return rows.map((row) => ({ ...row, funeralSupportAmount: toNumber(row.funeralSupportAmount) }));
}

/** Entitlements by id in the caller's scope (row-level security), batched per request. */
export function createEntitlementLoader(em: EntityManager) {
  return new DataLoader<string, Entitlement | undefined>(async (ids) => {
    const rows = await em.find(Entitlement, { id: { $in: [...ids] } });
    const byId = new Map(rows.map((row) => [row.id, row]));
    return ids.map((id) => byId.get(id));
  });
}

/** What the ledger says of an entitlement in a month (`approvals.entitlements_terms`). */
export type Terms = {
  coefficientHundredths: number | null;
  standardLevel: number | null;
  amount: number | null;
};
export type TermsKey = { entitlementId: string; month: string };

const TERMS_IN_MONTH = preparedStatement<{
  id: string;
  coefficient: number | null;
  level: string | null;
  amount: string | null;
}>(
  `select entitlement_id as id, coefficient_hundredths as coefficient, standard_level as level, amount
     from approvals.entitlements_terms($1::uuid[], $2)`,
);

/** The terms of entitlements in months, batched per request: one statement per month asked for. */
export function createTermsLoader(em: EntityManager) {
  return new DataLoader<TermsKey, Terms | undefined, string>(
    async (keys) => {
      const byMonth = new Map<string, string[]>();
      for (const key of keys) byMonth.set(key.month, [...(byMonth.get(key.month) ?? []), key.entitlementId]);
      const found = new Map<string, Terms>();
      for (const [month, ids] of byMonth) {
        const rows = await preparedRows(em, TERMS_IN_MONTH, [ids, month]);
        for (const row of rows) {
          found.set(`${row.id}|${month}`, {
            coefficientHundredths: row.coefficient,
            standardLevel: toNumber(row.level),
            amount: toNumber(row.amount),
          });
        }
      }
      return keys.map((key) => found.get(`${key.entitlementId}|${key.month}`));
    },
    { cacheKeyFn: (key) => `${key.entitlementId}|${key.month}`, maxBatchSize: 1000 },
  );
}

/** Whether the caller reads each person now (`registry.v_person_units` is filtered by scope), batched per request. */
export function createPersonInScopeLoader(em: EntityManager) {
  return new DataLoader<string, boolean>(async (ids) => {
    const rows = await em.execute<{ id: string }[]>(
      'select person_id as id from registry.v_person_units where person_id = any(?::uuid[])',
      [arrayLiteral(ids)],
    );
    const readable = new Set(rows.map((row) => row.id));
    return ids.map((id) => readable.has(id));
  });
}
