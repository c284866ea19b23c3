import { arrayLiteral, TODAY_IN_VIETNAM_SQL, UNIT_IDS_UNDER, type UnitLevel } from '@ansinh/common';
import type { EntityManager } from '@mikro-orm/postgresql';
import DataLoader from 'dataloader';
import { unitVersion } from '../decisions/decision.repository.ts';
import { provinceCodeOf } from '../entitlements/entitlement.repository.ts';
import { Program, type Category } from '../programs/program.entity.ts';
import { findCategory } from '../programs/program.repository.ts';
import { Application, ApplicationEvent } from './application.entity.ts';
import type { ApplicationState, Workflow, WorkflowStep } from './workflow.rule.ts';

/** Every workflow with its steps (a handful of rows: read whole, once per request at most). */
export async function loadWorkflows(em: EntityManager): Promise<Workflow[]> {
  const rows = await em.execute<
    {
      id: string;
      name: string;
      province_code: string | null;
      valid_from: string;
      valid_to: string | null;
      steps: WorkflowStep[] | null;
    }[]
  >(
    `select w.id, w.name, w.province_code, w.valid_from::text as valid_from, w.valid_to::text as valid_to,
            (select json_agg(json_build_object('position', s.position, 'code', s.code, 'name', s.name, 'role', s.role,
                    'unitLevel', s.unit_level, 'limitWorkingDays', s.limit_working_days, 'isDecision', s.is_decision)
                    order by s.position)
               from approvals.workflow_steps s where s.workflow_id = w.id) as steps
       from approvals.workflows w order by w.valid_from, w.id`,
  );
  return rows.map((row) => ({
    id: row.id,
    name: row.name,
    provinceCode: row.province_code,
    validFrom: row.valid_from,
    validTo: row.valid_to,
    steps: row.steps ?? [],
  }));
}

/** The public holidays from `from` on (a step's limit never reaches back): a few dozen days. */
export async function loadHolidays(em: EntityManager, from: string): Promise<Set<string>> {
  const rows = await em.execute<{ day: string }[]>(
    'select day::text as day from approvals.public_holidays where day >= ?::date',
    [from],
  );
  return new Set(rows.map((row) => row.day));
}

/** A registry unit version as the workflow needs it (registry.v_units). */
export type WorkflowUnit = {
  id: string;
  code: string;
  level: UnitLevel;
  path: string;
  validFrom: string | null;
  validTo: string | null;
  /** GSO code of its province (the root of its path, without the era suffix). */
  provinceCode: string;
};

type UnitRow = {
  id: string;
  code: string;
  level: UnitLevel;
  path: string;
  valid_from: string | null;
  valid_to: string | null;
};

const unitOf = (row: UnitRow): WorkflowUnit => ({
  id: row.id,
  code: row.code,
  level: row.level,
  path: row.path,
  validFrom: row.valid_from,
  validTo: row.valid_to,
  provinceCode: provinceCodeOf(row.path),
});

/** A person the caller reads now (registry.v_person_units is filtered by the caller's scope), with the commune they live in. */
export type PersonInScope = { personId: string; status: string; unit: WorkflowUnit };

export async function findPersonInScope(
  em: EntityManager,
  personId: string,
): Promise<PersonInScope | undefined> {
  const [row] = await em.execute<(UnitRow & { person_id: string; status: string })[]>(
    `select v.person_id, v.status, u.id, u.code, u.level, u.path::text as path,
            u.valid_from::text as valid_from, u.valid_to::text as valid_to
       from registry.v_person_units v join registry.v_units u on u.id = v.unit_id
      where v.person_id = ?`,
    [personId],
  );
  return row && { personId: row.person_id, status: row.status, unit: unitOf(row) };
}

/** What filing needs of a category: the category (src/programs) and its programme's validity. */
export type CategoryOfApplication = {
  category: Category;
  programValidFromMonth: string;
  programValidToMonth: string | null;
  programProvinceCode: string | null;
};

export async function findCategoryOfApplication(
  em: EntityManager,
  id: string,
): Promise<CategoryOfApplication | undefined> {
  const category = await findCategory(em, id);
  if (!category) return undefined;
  const program = await em.findOneOrFail(Program, { id: category.programId });
  return {
    category,
    programValidFromMonth: program.validFromMonth,
    programValidToMonth: program.validToMonth ?? null,
    programProvinceCode: program.provinceCode ?? null,
  };
}

/**
 * An open dossier of the person for the category at a unit still in force (a second one would be
 * decided twice). A pre-reform dossier left open at a unit that has ended does not count: its
 * successor files the dossier again (applications.module.ts).
 */
export async function openApplicationOf(
  em: EntityManager,
  personId: string,
  categoryId: string,
): Promise<string | undefined> {
  const [row] = await em.execute<{ id: string }[]>(
    `select a.id from approvals.applications a join registry.v_units u on u.id = a.unit_id
      where a.person_id = ? and a.category_id = ? and a.state in ('in_progress', 'returned')
        and (u.valid_to is null or u.valid_to >= ${TODAY_IN_VIETNAM_SQL})
      limit 1`,
    [personId, categoryId],
  );
  return row?.id;
}

/** A dossier a provincial system filed under its own code (idempotent filing), if the caller reads it. */
export async function findByExternalCode(
  em: EntityManager,
  sourceSystem: string,
  code: string,
): Promise<Application | null> {
  return em.findOne(Application, { sourceSystem, externalDossierCode: code });
}

export const MAX_APPLICATIONS_PER_QUEUE = 500;

export type QueueFilter = {
  unitPaths: readonly string[];
  step?: string | undefined;
  state?: ApplicationState | undefined;
  /** true: only steps past their limit; false: only those within it. */
  overdue?: boolean | undefined;
  first: number;
};

/**
 * A work queue: dossiers received by units under the paths (and row-level security), the most
 * urgent first (the earliest due date, then the oldest).
 */
export async function findApplications(em: EntityManager, filter: QueueFilter): Promise<Application[]> {
  const query = em
    .createQueryBuilder(Application, 'a')
    .where(`a.unit_id in (${UNIT_IDS_UNDER})`, [arrayLiteral(filter.unitPaths)]);
  if (filter.state) query.andWhere({ state: filter.state });
  if (filter.step) query.andWhere({ currentStep: filter.step });
  if (filter.overdue === true) {
    query.andWhere(`a.state = 'in_progress' and a.step_due_on < ${TODAY_IN_VIETNAM_SQL}`);
  } else if (filter.overdue === false) {
    query.andWhere(`not (a.state = 'in_progress' and a.step_due_on < ${TODAY_IN_VIETNAM_SQL})`);
  }
  return query
    .orderBy({ stepDueOn: 'asc nulls last', filedOn: 'asc', id: 'asc' })
    .limit(filter.first)
    .getResultList();
}

/** The dossiers of persons (`Person.applications`), batched per request; row-level security scopes them. */
export function createApplicationsByPersonLoader(em: EntityManager) {
  return new DataLoader<string, Application[]>(async (personIds) => {
    const rows = await em.find(
      Application,
      { personId: { $in: [...personIds] } },
      { orderBy: { filedOn: 'asc', id: 'asc' } },
    );
    return personIds.map((id) => rows.filter((row) => row.personId === id));
  });
}

/** The events of dossiers, oldest first, batched per request. */
export function createApplicationEventsLoader(em: EntityManager) {
  return new DataLoader<string, ApplicationEvent[]>(async (applicationIds) => {
    const rows = await em.find(
      ApplicationEvent,
      { applicationId: { $in: [...applicationIds] } },
      { orderBy: { at: 'asc', id: 'asc' } },
    );
    return applicationIds.map((id) => rows.filter((row) => row.applicationId === id));
  });
}

/** Dossiers by id (`_entities`), batched per request; row-level security hides those out of scope. */
export function createApplicationLoader(em: EntityManager) {
  return new DataLoader<string, Application | undefined>(async (ids) => {
    const rows = await em.find(Application, { id: { $in: [...ids] } });
    const byId = new Map(rows.map((row) => [row.id, row]));
    return ids.map((id) => byId.get(id));
  });
}

/** One unit version by id, with its province. */
export async function unitById(em: EntityManager, id: string): Promise<WorkflowUnit | undefined> {
  const unit = await unitVersion(em, id);
  return unit
    ? { ...unit, level: unit.level as UnitLevel, provinceCode: provinceCodeOf(unit.path) }
    : undefined;
}

/** A dossier the caller reads (row-level security hides the others), read afresh for a change. */
export async function findApplicationForUpdate(em: EntityManager, id: string): Promise<Application | null> {
  return em.fork().findOne(Application, { id });
}
