import { AppError, badInput, displayDate, forbidden } from '@ansinh/common';
import { dueDate, isOverdue, type Day } from './working-days.rule.ts';

/**
 * The workflow of a dossier (hồ sơ) as data: which steps, in which order, who acts at each (a Keycloak
 * role at a unit level) and in how many working days. Rules only: no database, no GraphQL, `today`
 * always a parameter, so that the steps of an era that has ended (the districts' steps before 1 July
 * 2025) are tested on the dates they were in force.
 */
export const STEP_ROLES = ['officer', 'approver'] as const;
export type StepRole = (typeof STEP_ROLES)[number];
export const STEP_UNIT_LEVELS = ['commune', 'district', 'province'] as const;
export type StepUnitLevel = (typeof STEP_UNIT_LEVELS)[number];
export const APPLICATION_STATES = ['in_progress', 'returned', 'approved', 'rejected'] as const;
export type ApplicationState = (typeof APPLICATION_STATES)[number];
export const APPLICATION_ACTIONS = ['filed', 'completed', 'returned', 'resubmitted', 'rejected'] as const;
export type ApplicationAction = (typeof APPLICATION_ACTIONS)[number];

export type WorkflowStep = {
  position: number;
  code: string;
  /** As officials name it (Vietnamese). */
  name: string;
  role: StepRole;
  unitLevel: StepUnitLevel;
  limitWorkingDays: number;
  /** The deciding step: completing it records the decision (and grants the entitlement). */
  isDecision: boolean;
};

export type Workflow = {
  id: string;
  name: string;
  /** Null: national; a province's own overrides the national workflow of its era. */
  provinceCode: string | null;
  validFrom: Day;
  /** Last day in force; null while in force. */
  validTo: Day | null;
  /** By position. */
  steps: readonly WorkflowStep[];
};

const inForceOn = (workflow: Workflow, day: Day) =>
  workflow.validFrom <= day && (workflow.validTo === null || workflow.validTo >= day);

/**
 * The era of a dossier: the workflow in force on the day it was filed in its province. A province's
 * own workflow of that day overrides the national one (provinces still differ); among several of one
 * kind, the one that started last.
 */
export function workflowInForce(
  workflows: readonly Workflow[],
  provinceCode: string,
  on: Day,
): Workflow | undefined {
  const candidates = workflows
    .filter((workflow) => workflow.provinceCode === null || workflow.provinceCode === provinceCode)
    .filter((workflow) => inForceOn(workflow, on) && workflow.steps.length > 0);
  return candidates.sort(
    (a, b) =>
      Number(b.provinceCode !== null) - Number(a.provinceCode !== null) ||
      b.validFrom.localeCompare(a.validFrom),
  )[0];
}

export function stepOf(workflow: Workflow, code: string | null): WorkflowStep | undefined {
  return workflow.steps.find((step) => step.code === code);
}

/** The step after `step`, none after the last. */
export function nextStep(workflow: Workflow, step: WorkflowStep): WorkflowStep | undefined {
  return workflow.steps.find((candidate) => candidate.position > step.position);
}

/** The dossier as the rules need it. */
export type ApplicationFacts = {
  state: ApplicationState;
  currentStep: string | null;
  /** Last day the receiving commune (the version that received the dossier) is in force; null while in force. */
  unitValidTo: Day | null;
};

/** Who acts, as the verified token and the registry say. */
export type StepActor = {
  roles: readonly string[];
  /** The level of the actor's unit. */
  unitLevel: StepUnitLevel;
  /** Last day the actor's unit is in force; null while in force. */
  unitValidTo: Day | null;
  /** Whether the actor's unit covers the dossier's receiving unit (its subtree). */
  coversUnit: boolean;
};

const LEVEL_NAMES: Record<StepUnitLevel, string> = {
  commune: 'cấp xã',
  district: 'cấp huyện',
  province: 'cấp tỉnh',
};
const ROLE_NAMES: Record<StepRole, string> = {
  officer: 'cán bộ chuyên môn (officer)',
  approver: 'lãnh đạo phê duyệt (approver)',
};

const inForce = (validTo: Day | null, today: Day) => validTo === null || validTo >= today;

/**
 * Refuses unless `actor` may act today on `step` of a dossier: the unit of the dossier and the
 * actor's unit are in force, the actor holds the step's role, at the step's unit level, over the
 * dossier's unit. A dossier filed before the 1 July 2025 reform and still open names a commune that
 * has ended and steps of districts, which have all ended: no one can act on it any more (see
 * applications.module.ts: the successor commune files it again).
 */
export function assertMayAct(
  application: ApplicationFacts,
  step: WorkflowStep,
  actor: StepActor,
  today: Day,
): void {
  if (!inForce(actor.unitValidTo, today)) {
    throw forbidden(
      `Đơn vị của tài khoản đã chấm dứt hoạt động từ sau ngày ${displayDate(actor.unitValidTo!)}: không được xử lý hồ sơ.`,
    );
  }
  if (!inForce(application.unitValidTo, today)) {
    throw forbidden(
      `Hồ sơ được tiếp nhận bởi đơn vị đã chấm dứt hoạt động từ sau ngày ${displayDate(application.unitValidTo!)}, theo quy trình của thời kỳ đó: không xử lý tiếp được. Xã/phường hiện nay tiếp nhận lại hồ sơ theo quy trình hiện hành.`,
    );
  }
  if (!actor.roles.includes(step.role)) {
    throw forbidden(
      `Bước "${step.name}" do ${ROLE_NAMES[step.role]} thực hiện; tài khoản của bạn không có vai trò này.`,
    );
  }
  if (actor.unitLevel !== step.unitLevel) {
    throw forbidden(
      `Bước "${step.name}" do đơn vị ${LEVEL_NAMES[step.unitLevel]} thực hiện theo quy trình của hồ sơ; đơn vị của bạn là ${LEVEL_NAMES[actor.unitLevel]}.`,
    );
  }
  if (!actor.coversUnit) throw forbidden('Hồ sơ này không thuộc đơn vị của bạn.');
}

/** What a transition leaves: the dossier's new state and step, and the event to record. */
export type Transition = {
  state: ApplicationState;
  currentStep: string | null;
  stepStartedOn: Day | null;
  stepDueOn: Day | null;
  event: { step: string; action: ApplicationAction; reason: string | null };
  /** The step completed was the deciding one: the decision must be recorded with it. */
  decides: boolean;
};

/** The step a dossier is at, refused (CONFLICT) when it is not at the one the caller saw. */
function currentStepOf(
  application: ApplicationFacts,
  workflow: Workflow,
  expectedStep: string | undefined,
  states: readonly ApplicationState[],
): WorkflowStep {
  if (!states.includes(application.state)) {
    const what: Record<ApplicationState, string> = {
      in_progress: 'đang được xử lý',
      returned: 'đã được trả lại để bổ sung',
      approved: 'đã được phê duyệt',
      rejected: 'đã bị từ chối',
    };
    throw new AppError('CONFLICT', `Hồ sơ ${what[application.state]}: không thực hiện được thao tác này.`);
  }
  const step = stepOf(workflow, application.currentStep);
  if (!step)
    throw new Error(`application at step "${application.currentStep}", not in workflow ${workflow.id}`);
  if (expectedStep !== undefined && expectedStep !== step.code) {
    throw new AppError(
      'CONFLICT',
      `Hồ sơ đang ở bước "${step.name}", không phải bước bạn đang xem: hãy tải lại hồ sơ.`,
      { field: 'expectedStep' },
    );
  }
  return step;
}

/** The first step of a new dossier, started on the day it was filed. */
export function fileTransition(workflow: Workflow, filedOn: Day, holidays: ReadonlySet<Day>): Transition {
  const first = workflow.steps[0]!;
  return {
    state: 'in_progress',
    currentStep: first.code,
    stepStartedOn: filedOn,
    stepDueOn: dueDate(filedOn, first.limitWorkingDays, holidays),
    event: { step: first.code, action: 'filed', reason: null },
    decides: false,
  };
}

/** Completes the current step: the next one starts today, or the deciding step approves the dossier. */
export function completeTransition(
  application: ApplicationFacts,
  workflow: Workflow,
  expectedStep: string,
  actor: StepActor,
  today: Day,
  holidays: ReadonlySet<Day>,
): Transition {
  const step = currentStepOf(application, workflow, expectedStep, ['in_progress']);
  assertMayAct(application, step, actor, today);
  const next = step.isDecision ? undefined : nextStep(workflow, step);
  const event = { step: step.code, action: 'completed' as const, reason: null };
  if (!next) {
    return {
      state: 'approved',
      currentStep: null,
      stepStartedOn: null,
      stepDueOn: null,
      event,
      decides: true,
    };
  }
  return {
    state: 'in_progress',
    currentStep: next.code,
    stepStartedOn: today,
    stepDueOn: dueDate(today, next.limitWorkingDays, holidays),
    event,
    decides: false,
  };
}

export const MAX_REASON_LENGTH = 1000;

/**
 * Returns the dossier to the filer for completion (trả lại để bổ sung): only whoever may act on the
 * current step, with a reason. The step's clock stops: no due date while the filer completes it.
 */
export function returnTransition(
  application: ApplicationFacts,
  workflow: Workflow,
  expectedStep: string | undefined,
  actor: StepActor,
  today: Day,
  reason: string,
): Transition {
  const step = currentStepOf(application, workflow, expectedStep, ['in_progress']);
  assertMayAct(application, step, actor, today);
  return {
    state: 'returned',
    currentStep: step.code,
    stepStartedOn: null,
    stepDueOn: null,
    event: { step: step.code, action: 'returned', reason: requiredReason(reason) },
    decides: false,
  };
}

/** Refuses (rejects) the dossier at its current step, with a reason: whoever may act on that step. */
export function rejectTransition(
  application: ApplicationFacts,
  workflow: Workflow,
  expectedStep: string | undefined,
  actor: StepActor,
  today: Day,
  reason: string,
): Transition {
  const step = currentStepOf(application, workflow, expectedStep, ['in_progress']);
  assertMayAct(application, step, actor, today);
  return {
    state: 'rejected',
    currentStep: null,
    stepStartedOn: null,
    stepDueOn: null,
    event: { step: step.code, action: 'rejected', reason: requiredReason(reason) },
    decides: false,
  };
}

/**
 * The filer sends the completed dossier back: it returns to the step that returned it, whose time
 * limit starts again today. Who may resubmit (the commune's officer, or the provincial system that
 * filed it) is the caller's check; the units must still be in force.
 */
export function resubmitTransition(
  application: ApplicationFacts,
  workflow: Workflow,
  today: Day,
  holidays: ReadonlySet<Day>,
): Transition {
  const step = currentStepOf(application, workflow, undefined, ['returned']);
  if (!inForce(application.unitValidTo, today)) {
    throw forbidden(
      `Hồ sơ được tiếp nhận bởi đơn vị đã chấm dứt hoạt động từ sau ngày ${displayDate(application.unitValidTo!)}: xã/phường hiện nay tiếp nhận lại hồ sơ theo quy trình hiện hành.`,
    );
  }
  return {
    state: 'in_progress',
    currentStep: step.code,
    stepStartedOn: today,
    stepDueOn: dueDate(today, step.limitWorkingDays, holidays),
    event: { step: step.code, action: 'resubmitted', reason: null },
    decides: false,
  };
}

/** A reason as written (already cleaned by the text policy); refused when empty. */
function requiredReason(reason: string): string {
  if (!reason.trim()) throw badInput('reason', 'Cần ghi lý do.');
  return reason;
}

/** Whether a dossier's current step is past its limit on `today` (never while returned or decided). */
export function stepOverdue(state: ApplicationState, stepDueOn: Day | null, today: Day): boolean {
  return state === 'in_progress' && stepDueOn !== null && isOverdue(stepDueOn, today);
}
