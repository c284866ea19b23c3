import { todayInVietnam } from '@ansinh/common';
import { randomUUID } from 'node:crypto';
import { dueDate, workingDaysBefore, type Day } from './working-days.rule.ts';
import type { Workflow, WorkflowStep } from './workflow.rule.ts';

/** What the demo seed needs of a database client (node-postgres' `Client` or `PoolClient`), run as the owner. */
export type SqlClient = {
  query(text: string, params?: unknown[]): Promise<{ rows: Record<string, unknown>[] }>;
};

export type DemoApplicationsOptions = {
  /** The current commune (in force) that received the dossiers; its pre-reform version with the same code received the older ones. */
  communeCode?: string;
  now?: Date;
};

const REFORM_DAY = '2025-07-01';

type Planned = {
  workflow: Workflow;
  personId: string;
  unitId: string;
  districtId: string | null;
  filedOn: Day;
  /** Steps completed before the current one, with the day each was completed. */
  completed: { step: WorkflowStep; on: Day }[];
  current: WorkflowStep;
  startedOn: Day;
  state: 'in_progress' | 'returned';
  reason: string | null;
};

/**
 * Demo dossiers (issue 11, point 7) in one commune, as the owner (the demo's transaction): one at
 * every step of both eras, with the events that brought it there. Before the reform (filed in June
 * 2025 at the commune's former version): one at each of the five steps; those still open after 30
 * June 2025 can no longer be advanced (their commune and district ended; see applications.module.ts). Since
 * the reform: one at each of the two commune steps, one overdue at verification and one returned for
 * completion. Idempotent: nothing is written when the database has dossiers. Returns how many it wrote.
 */
export async function seedDemoApplications(
  client: SqlClient,
  options: DemoApplicationsOptions = {},
): Promise<number> {
  const today = todayInVietnam(options.now ?? new Date());
  const communeCode = options.communeCode ?? '18073';
  const { rows: existing } = await client.query('select 1 from approvals.applications limit 1');
  if (existing.length) return 0;

  const workflows = await demoWorkflows(client);
  const before = workflows.find((workflow) => workflow.validTo !== null && workflow.validTo < REFORM_DAY);
  const after = workflows.find((workflow) => workflow.validFrom <= today && workflow.validTo === null);
  const holidays = new Set(
    (await client.query('select day::text as day from approvals.public_holidays')).rows.map((row) =>
      String(row.day),
    ),
  );
  const { rows: units } = await client.query(
    `select u.id, u.valid_to::text as valid_to, u.parent_id
       from registry.administrative_units u
      where u.code = $1 and u.level = 'commune' and (u.valid_to is null or u.valid_to = $2::date)`,
    [communeCode, '2025-06-30'],
  );
  const current = units.find((unit) => unit.valid_to === null);
  const former = units.find((unit) => unit.valid_to !== null);
  const [category] = (
    await client.query(
      `select id from approvals.categories where program_id = 'decree-20' and code = '5.5.a'`,
    )
  ).rows;
  if (!current || !category || !after) return 0;
  const { rows: persons } = await client.query(
    `select id from registry.persons where residence_unit_id = $1 and status = 'living' order by id limit 9`,
    [current.id],
  );
  const personIds = persons.map((person) => String(person.id));
  const planned: Planned[] = [];
  const next = () => personIds.shift();

  // Since the reform: the commune verifies, its chairman decides.
  if (today >= '2025-08-01') {
    const [verification, decision] = after.steps as [WorkflowStep, WorkflowStep];
    const recent = workingDaysBefore(today, 1, holidays);
    const plan = (
      filedOn: Day,
      completed: Planned['completed'],
      step: WorkflowStep,
      startedOn: Day,
      state: Planned['state'] = 'in_progress',
      reason: string | null = null,
    ) => {
      const personId = next();
      if (personId)
        planned.push({
          workflow: after,
          personId,
          unitId: String(current.id),
          districtId: null,
          filedOn,
          completed,
          current: step,
          startedOn,
          state,
          reason,
        });
    };
    plan(recent, [], verification, recent);
    const filedEarlier = workingDaysBefore(today, 6, holidays);
    const verified = workingDaysBefore(today, 1, holidays);
    plan(filedEarlier, [{ step: verification, on: verified }], decision, verified);
    // Overdue: received 15 working days ago, still at verification (limit 7).
    const late = workingDaysBefore(today, 15, holidays);
    plan(late, [], verification, late);
    const returnedFiled = workingDaysBefore(today, 3, holidays);
    plan(
      returnedFiled,
      [],
      verification,
      returnedFiled,
      'returned',
      'Thiếu giấy xác nhận hộ nghèo của năm nay.',
    );
  }

  // Before the reform, at the commune's former version and its district: one at each step.
  if (before && former) {
    before.steps.forEach((step, index) => {
      const personId = next();
      if (!personId) return;
      const filedOn: Day = '2025-06-02';
      const completed: Planned['completed'] = [];
      let on = filedOn;
      for (const done of before.steps.slice(0, index)) {
        on = dueDate(on, 2, holidays);
        completed.push({ step: done, on });
      }
      planned.push({
        workflow: before,
        personId,
        unitId: String(former.id),
        districtId: former.parent_id ? String(former.parent_id) : null,
        filedOn,
        completed,
        current: step,
        startedOn: on,
        state: 'in_progress',
        reason: null,
      });
    });
  }

  for (const dossier of planned) await insertDossier(client, dossier, String(category.id), holidays);
  return planned.length;
}

async function demoWorkflows(client: SqlClient): Promise<Workflow[]> {
  const { rows } = await client.query(
    `select w.id, w.name, w.province_code, w.valid_from::text as valid_from, w.valid_to::text as valid_to,
            (select json_agg(json_build_object('position', s.position, 'code', s.code, 'name', s.name, 'role', s.role,
                    'unitLevel', s.unit_level, 'limitWorkingDays', s.limit_working_days, 'isDecision', s.is_decision)
                    order by s.position) from approvals.workflow_steps s where s.workflow_id = w.id) as steps
       from approvals.workflows w where w.province_code is null order by w.valid_from`,
  );
  return rows.map((row) => ({
    id: String(row.id),
    name: String(row.name),
    provinceCode: null,
    validFrom: String(row.valid_from),
    validTo: row.valid_to === null ? null : String(row.valid_to),
    steps: (row.steps as WorkflowStep[] | null) ?? [],
  }));
}

const DEMO_ACTOR = 'demo';

async function insertDossier(
  client: SqlClient,
  dossier: Planned,
  categoryId: string,
  holidays: ReadonlySet<Day>,
): Promise<void> {
  const id = randomUUID();
  const returned = dossier.state === 'returned';
  await client.query(
    `insert into approvals.applications (id, person_id, unit_id, category_id, workflow_id, filed_on, source, member_count, documents,
        state, current_step, step_started_on, step_due_on, created_by_id, created_by_name, created_at, updated_at)
     values ($1, $2, $3, $4, $5, $6::date, 'commune', 1, $7::jsonb, $8, $9, $10::date, $11::date, $12, $12, now(), now())`,
    [
      id,
      dossier.personId,
      dossier.unitId,
      categoryId,
      dossier.workflow.id,
      dossier.filedOn,
      JSON.stringify([
        {
          kind: 'declaration',
          name: 'Tờ khai đề nghị trợ giúp xã hội (Mẫu số 1a)',
          number: null,
          issuedOn: null,
        },
        { kind: 'citizen_id', name: 'Căn cước công dân', number: null, issuedOn: null },
      ]),
      dossier.state,
      dossier.current.code,
      returned ? null : dossier.startedOn,
      returned ? null : dueDate(dossier.startedOn, dossier.current.limitWorkingDays, holidays),
      DEMO_ACTOR,
    ],
  );
  const unitOf = (step: WorkflowStep) =>
    step.unitLevel === 'district' && dossier.districtId ? dossier.districtId : dossier.unitId;
  const events: [step: WorkflowStep, action: string, on: Day, reason: string | null][] = [
    [dossier.workflow.steps[0]!, 'filed', dossier.filedOn, null],
    ...dossier.completed.map(({ step, on }): [WorkflowStep, string, Day, null] => [
      step,
      'completed',
      on,
      null,
    ]),
  ];
  if (returned) events.push([dossier.current, 'returned', dossier.startedOn, dossier.reason]);
  for (const [step, action, on, reason] of events) {
    await client.query(
      `insert into approvals.application_events (id, application_id, step, action, actor_id, actor_name, unit_id, at, reason)
       values ($1, $2, $3, $4, $5, $5, $6, ($7::date + time '09:00') at time zone 'Asia/Ho_Chi_Minh', $8)`,
      [randomUUID(), id, step.code, action, DEMO_ACTOR, unitOf(step), on, reason],
    );
  }
}
