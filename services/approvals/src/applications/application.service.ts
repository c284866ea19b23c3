import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import {
  AppError,
  badInput,
  checkIdentifier,
  forbidden,
  notFound,
  todayInVietnam,
  UUID_FORMAT,
  type Session,
} from '@ansinh/common';
import { randomUUID } from 'node:crypto';
import { Application, ApplicationEvent } from './application.entity.ts';
import {
  checkDocuments,
  checkExternalCode,
  checkFiledOn,
  checkMemberCount,
  checkReason,
  type DocumentInput,
} from './application-input.rule.ts';
import {
  findApplicationForUpdate,
  findByExternalCode,
  findCategoryOfApplication,
  findPersonInScope,
  loadHolidays,
  loadWorkflows,
  openApplicationOf,
  unitById,
} from './application.repository.ts';
import {
  completeTransition,
  fileTransition,
  rejectTransition,
  resubmitTransition,
  returnTransition,
  workflowInForce,
  type StepActor,
  type Transition,
} from './workflow.rule.ts';
import { grantEntitlement, type DecisionInput } from '../decisions/decision.service.ts';

export type FileApplicationInput = {
  personId: string;
  categoryId: string;
  /** Ngày tiếp nhận, `YYYY-MM-DD`. */
  filedOn: string;
  memberCount?: number | null | undefined;
  /** The provincial system's own code of the dossier: filing through the API, idempotent on it. */
  externalDossierCode?: string | null | undefined;
  documents?: readonly DocumentInput[] | null | undefined;
};

function uuid(value: string, field: string, label: string): string {
  const checked = checkIdentifier(value, UUID_FORMAT, label);
  if (!checked.ok) throw badInput(field, checked.message);
  return checked.text.toLowerCase();
}

/** Who a provincial system is: its OAuth client (the token's `azp`), the system that owns its codes. */
const sourceSystemOf = (session: Session) => {
  const principal = session.requirePrincipal();
  return principal.clientId ?? principal.username;
};

const actorOf = (session: Session) => {
  const principal = session.requirePrincipal();
  return { actorId: principal.subject, actorName: principal.username, unitId: session.scope!.unitId };
};

/**
 * Files a dossier (tiếp nhận hồ sơ) for a person in the caller's scope and a category open to new
 * dossiers in the filing month: at the commune where the person lives, by an officer of that commune,
 * or by the provincial one-stop system (role `integration`) with its own dossier code, idempotent on
 * that code (the same code again answers the dossier it filed). The era is the workflow in force on
 * the filing day in the commune's province. Writes nothing on any refusal.
 */
export async function fileApplication(
  em: EntityManager,
  session: Session,
  input: FileApplicationInput,
  now = new Date(),
): Promise<Application> {
  return (await fileDossier(em, session, input, now)).application;
}

/** Work a caller adds to the transaction that writes a dossier (the sync intake records what it received). */
export type InTransaction = (tx: EntityManager, applicationId: string) => Promise<void>;

/**
 * fileApplication, telling whether the dossier was filed now (`created`) or is the one filed before
 * under the system's code; `inTransaction` runs in the filing's transaction, only when it files.
 */
export async function fileDossier(
  em: EntityManager,
  session: Session,
  input: FileApplicationInput,
  now = new Date(),
  inTransaction?: InTransaction,
): Promise<{ application: Application; created: boolean }> {
  const principal = session.requirePrincipal();
  const external = input.externalDossierCode != null;
  if (external && !principal.roles.includes('integration')) {
    throw forbidden('Chỉ hệ thống một cửa của tỉnh (tài khoản tích hợp) mới gửi hồ sơ kèm mã hồ sơ.');
  }
  if (!external && !(principal.roles.includes('officer') && principal.unitLevel === 'commune')) {
    throw forbidden(
      principal.roles.includes('integration')
        ? 'Hệ thống một cửa phải gửi mã hồ sơ của mình (externalDossierCode).'
        : 'Hồ sơ do cán bộ xã/phường tiếp nhận.',
    );
  }
  // The role, and a unit in force: a unit that has ended files nothing.
  session.assert('application:write');
  const today = todayInVietnam(now);
  const personId = uuid(input.personId, 'personId', 'Mã đối tượng');
  const categoryId = uuid(input.categoryId, 'categoryId', 'Mã nhóm đối tượng');
  const code = external ? checkExternalCode(input.externalDossierCode!) : null;
  const sourceSystem = external ? sourceSystemOf(session) : null;

  if (code !== null) {
    const existing = await findByExternalCode(em, sourceSystem!, code);
    if (existing) return { application: sameDossier(existing, personId, categoryId), created: false };
  }

  const person = await findPersonInScope(em, personId);
  if (!person) throw notFound('Không tìm thấy đối tượng trong phạm vi đơn vị của bạn.');
  if (person.status !== 'living') {
    throw badInput('personId', 'Đối tượng đã mất hoặc đã chuyển đi: không tiếp nhận hồ sơ.');
  }
  const unit = person.unit;
  if (unit.level !== 'commune' || (unit.validTo !== null && unit.validTo < today)) {
    throw forbidden(
      'Đối tượng còn thuộc đơn vị đã chấm dứt hoạt động: hãy chuyển đối tượng về xã/phường hiện nay trước khi tiếp nhận hồ sơ.',
    );
  }
  if (!session.coversForWrite(unit.path)) {
    throw forbidden('Đối tượng không cư trú tại xã/phường của bạn: hồ sơ nộp tại UBND xã/phường nơi cư trú.');
  }

  const found = await findCategoryOfApplication(em, categoryId);
  if (!found) throw badInput('categoryId', 'Không tìm thấy nhóm đối tượng này.');
  const { category } = found;
  if (category.payment !== 'monthly') {
    throw badInput(
      'categoryId',
      'Nhóm đối tượng này được chi một lần, không qua hồ sơ trợ cấp hằng tháng: hỗ trợ mai táng được quyết định khi sổ ghi nhận đối tượng mất, hỗ trợ Nghị quyết 42 được nhập theo danh sách.',
    );
  }
  if (found.programProvinceCode !== null && found.programProvinceCode !== unit.provinceCode) {
    throw badInput('categoryId', 'Nhóm đối tượng này là chính sách riêng của tỉnh khác.');
  }
  const filedOn = checkFiledOn(input.filedOn, today, {
    categoryFrom: category.validFromMonth,
    categoryTo: category.validToMonth ?? null,
    programFrom: found.programValidFromMonth,
    programTo: found.programValidToMonth,
    unitValidFrom: unit.validFrom,
  });
  const workflow = workflowInForce(await loadWorkflows(em), unit.provinceCode, filedOn);
  if (!workflow) {
    throw badInput('filedOn', 'Không có quy trình giải quyết hồ sơ áp dụng cho ngày tiếp nhận này.');
  }
  const memberCount = checkMemberCount(input.memberCount, category.perMember);
  const documents = checkDocuments(input.documents ?? [], today);
  const open = await openApplicationOf(em, personId, categoryId);
  if (open) {
    throw new AppError('CONFLICT', 'Đối tượng đã có hồ sơ đang giải quyết cho nhóm đối tượng này.', {
      field: 'categoryId',
    });
  }

  const transition = fileTransition(workflow, filedOn, await loadHolidays(em, filedOn));
  const id = randomUUID();
  try {
    await em.transactional(async (tx) => {
      const at = new Date();
      await tx.insert(Application, {
        id,
        personId,
        unitId: unit.id,
        categoryId,
        workflowId: workflow.id,
        filedOn,
        source: external ? 'integration' : 'commune',
        sourceSystem,
        externalDossierCode: code,
        memberCount,
        documents,
        state: transition.state,
        currentStep: transition.currentStep,
        stepStartedOn: transition.stepStartedOn,
        stepDueOn: transition.stepDueOn,
        createdById: principal.subject,
        createdByName: principal.username,
        createdAt: at,
        updatedAt: at,
      });
      await recordEvent(tx, session, id, transition, at);
      await inTransaction?.(tx, id);
    });
  } catch (error) {
    // The same code filed at the same moment by a retry of the system: answer the dossier it made.
    if (code !== null && error instanceof UniqueConstraintViolationException) {
      const existing = await findByExternalCode(em.fork(), sourceSystem!, code);
      if (existing) return { application: sameDossier(existing, personId, categoryId), created: false };
      throw new AppError('CONFLICT', 'Mã hồ sơ này đã được dùng cho một hồ sơ khác.', {
        field: 'externalDossierCode',
      });
    }
    throw error;
  }
  return { application: (await em.fork().findOne(Application, { id }))!, created: true };
}

/** A code filed again: the same dossier (idempotent), or a CONFLICT when it names another. */
function sameDossier(existing: Application, personId: string, categoryId: string): Application {
  if (existing.personId !== personId || existing.categoryId !== categoryId) {
    throw new AppError(
      'CONFLICT',
      'Mã hồ sơ này đã được dùng cho hồ sơ của đối tượng hoặc nhóm đối tượng khác.',
      {
        field: 'externalDossierCode',
      },
    );
  }
  return existing;
}

async function recordEvent(
  tx: EntityManager,
  session: Session,
  applicationId: string,
  transition: Transition,
  at: Date,
): Promise<void> {
  await tx.insert(ApplicationEvent, {
    id: randomUUID(),
    applicationId,
    step: transition.event.step,
    action: transition.event.action,
    ...actorOf(session),
    at,
    reason: transition.event.reason,
  });
}

/** A dossier the caller reads, with its era and its unit; NOT_FOUND otherwise. */
async function dossier(em: EntityManager, session: Session, id: string) {
  session.requirePrincipal();
  if (!session.scope) throw forbidden('Đơn vị của tài khoản không có trong danh mục đơn vị hành chính.');
  const applicationId = uuid(id, 'id', 'Mã hồ sơ');
  const application = await findApplicationForUpdate(em, applicationId);
  if (!application) throw notFound('Không tìm thấy hồ sơ trong phạm vi đơn vị của bạn.');
  const workflow = (await loadWorkflows(em)).find((candidate) => candidate.id === application.workflowId);
  if (!workflow) throw new Error(`application ${application.id}: no workflow ${application.workflowId}`);
  const unit = await unitById(em, application.unitId);
  if (!unit)
    throw new Error(`application ${application.id}: unit ${application.unitId} is not in registry.v_units`);
  // What the workflow rule reads of the dossier: where it stands, and whether its commune is in force.
  const facts = {
    state: application.state,
    currentStep: application.currentStep ?? null,
    unitValidTo: unit.validTo,
  };
  return { application, facts, workflow, unit };
}

/** The caller as the workflow rule sees it. */
function stepActor(session: Session, unitPath: string): StepActor {
  const principal = session.requirePrincipal();
  return {
    roles: principal.roles,
    unitLevel: session.scope!.level,
    unitValidTo: session.scope!.validTo,
    coversUnit: session.coversForWrite(unitPath),
  };
}

/**
 * Writes a transition: the dossier moves only if it is still where the caller saw it (a concurrent
 * step by someone else is a CONFLICT), and the event is recorded with it, in one transaction.
 */
async function applyTransition(
  tx: EntityManager,
  session: Session,
  application: Application,
  transition: Transition,
  changes: Partial<Pick<Application, 'documents'>> = {},
): Promise<void> {
  const at = new Date();
  const moved = await tx.nativeUpdate(
    Application,
    { id: application.id, state: application.state, currentStep: application.currentStep },
    {
      state: transition.state,
      currentStep: transition.currentStep,
      stepStartedOn: transition.stepStartedOn,
      stepDueOn: transition.stepDueOn,
      updatedAt: at,
      ...changes,
    },
  );
  if (moved !== 1) {
    throw new AppError('CONFLICT', 'Hồ sơ vừa được người khác xử lý: hãy tải lại hồ sơ.', {
      field: 'expectedStep',
    });
  }
  await recordEvent(tx, session, application.id, transition, at);
}

async function reload(em: EntityManager, id: string): Promise<Application> {
  return (await em.fork().findOne(Application, { id }))!;
}

/**
 * Completes the dossier's current step (`expectedStep`: the step the caller saw). The next step
 * starts today with its own limit; the deciding step approves the dossier and records the decision
 * (`decision`), granting the entitlement in the same transaction.
 */
export async function completeApplicationStep(
  em: EntityManager,
  session: Session,
  id: string,
  expectedStep: string,
  decision: DecisionInput | null | undefined,
  overrideReason: string | null | undefined = null,
  now = new Date(),
): Promise<Application> {
  const today = todayInVietnam(now);
  const { application, facts, workflow, unit } = await dossier(em, session, id);
  const transition = completeTransition(
    facts,
    workflow,
    expectedStep,
    stepActor(session, unit.path),
    today,
    await loadHolidays(em, today),
  );
  assertWritable(session);
  if (transition.decides && !decision) {
    throw badInput('decision', 'Bước quyết định cần số, ngày, người ký và tháng hưởng của quyết định.');
  }
  if (!transition.decides && decision) {
    throw badInput('decision', 'Bước này không phải bước quyết định: không ghi quyết định.');
  }
  if (!transition.decides && overrideReason) {
    throw badInput('overrideReason', 'Lý do vẫn cấp chỉ ghi ở bước quyết định.');
  }
  await em.transactional(async (tx) => {
    await applyTransition(tx, session, application, transition);
    if (transition.decides) {
      await grantEntitlement(
        tx,
        session,
        {
          personId: application.personId,
          unitId: application.unitId,
          categoryId: application.categoryId,
          memberCount: application.memberCount,
          applicationId: application.id,
          filedOn: application.filedOn,
          decision: decision!,
          overrideReason,
        },
        now,
      );
    }
  });
  return reload(em, application.id);
}

/** A unit that has ended changes nothing (also said by the workflow rule, and by row-level security). */
function assertWritable(session: Session): void {
  if (!session.writable)
    throw forbidden('Đơn vị của tài khoản đã chấm dứt hoạt động: không được xử lý hồ sơ.');
}

/** Returns the dossier to the filer for completion, with a reason: whoever may act on its current step. */
export function returnApplication(
  em: EntityManager,
  session: Session,
  id: string,
  reason: string,
  expectedStep?: string | null,
  now = new Date(),
): Promise<Application> {
  return endStepWithReason(em, session, returnTransition, { id, reason, expectedStep, now });
}

/** Rejects the dossier at its current step, with a reason: whoever may act on that step. */
export function rejectApplication(
  em: EntityManager,
  session: Session,
  id: string,
  reason: string,
  expectedStep?: string | null,
  now = new Date(),
): Promise<Application> {
  return endStepWithReason(em, session, rejectTransition, { id, reason, expectedStep, now });
}

/** A return or a rejection: the current step's actor ends it with a reason. */
async function endStepWithReason(
  em: EntityManager,
  session: Session,
  transitionOf: typeof returnTransition | typeof rejectTransition,
  input: { id: string; reason: string; expectedStep?: string | null | undefined; now: Date },
): Promise<Application> {
  const today = todayInVietnam(input.now);
  const text = checkReason(input.reason);
  const { application, facts, workflow, unit } = await dossier(em, session, input.id);
  const transition = transitionOf(
    facts,
    workflow,
    input.expectedStep ?? undefined,
    stepActor(session, unit.path),
    today,
    text,
  );
  assertWritable(session);
  await em.transactional((tx) => applyTransition(tx, session, application, transition));
  return reload(em, application.id);
}

/**
 * The filer sends the completed dossier back, with its documents now (the list replaces the former
 * one): the commune's officer, or the provincial system that filed it. It returns to the step that
 * returned it, whose limit starts again today.
 */
export async function resubmitApplication(
  em: EntityManager,
  session: Session,
  id: string,
  documents: readonly DocumentInput[],
  now = new Date(),
  inTransaction?: InTransaction,
): Promise<Application> {
  const principal = session.requirePrincipal();
  const today = todayInVietnam(now);
  const { application, facts, workflow, unit } = await dossier(em, session, id);
  const filer =
    application.source === 'integration'
      ? principal.roles.includes('integration') && sourceSystemOf(session) === application.sourceSystem
      : principal.roles.includes('officer') && principal.unitLevel === 'commune';
  if (!filer) {
    throw forbidden(
      application.source === 'integration'
        ? 'Hồ sơ do hệ thống một cửa gửi: chỉ hệ thống đó gửi lại hồ sơ đã bổ sung.'
        : 'Hồ sơ đã bổ sung do cán bộ xã/phường nơi tiếp nhận gửi lại.',
    );
  }
  session.assert('application:write');
  const checked = checkDocuments(documents, today);
  const transition = resubmitTransition(facts, workflow, today, await loadHolidays(em, today));
  if (!session.coversForWrite(unit.path)) throw forbidden('Hồ sơ này không thuộc đơn vị của bạn.');
  await em.transactional(async (tx) => {
    await applyTransition(tx, session, application, transition, { documents: checked });
    await inTransaction?.(tx, application.id);
  });
  return reload(em, application.id);
}
