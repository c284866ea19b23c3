import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import {
  addMonths,
  AppError,
  badInput,
  cleanText,
  displayDate,
  forbidden,
  notFound,
  todayInVietnam,
  type Session,
} from '@ansinh/common';
import { Entitlement } from '../entitlements/entitlement.entity.ts';
import { provinceCodeOf } from '../entitlements/entitlement.repository.ts';
import { Category } from '../programs/program.entity.ts';
import { categoryOpenIn, findCategory } from '../programs/program.repository.ts';
import { Decision, type DecisionKind } from './decision.entity.ts';
import {
  conflictsOfPerson,
  decidingLevelOn,
  lockPersons,
  sameHumanOf,
  unitVersion,
  type ConflictRow,
  type UnitVersion,
} from './decision.repository.ts';
import {
  checkDecisionInput,
  checkLedgerStep,
  checkSigningEra,
  displayMonth,
  REASON,
  type DecisionInput,
  type FieldProblem,
} from './decision.rules.ts';

export type { DecisionInput } from './decision.rules.ts';

/** The caller may record decisions, and the decision as entered is well formed (every problem at once). */
function checkedDecision(
  session: Session,
  input: DecisionInput,
  options: Parameters<typeof checkDecisionInput>[1],
): Required<DecisionInput> {
  session.assert('decision:write');
  const checked = checkDecisionInput(input, options);
  if ('problems' in checked) refuse(checked.problems);
  return checked.value;
}

function refuse(problems: readonly FieldProblem[]): never {
  throw badInput(problems[0]!.field, problems.map((problem) => problem.message).join(' '));
}

const MAX_MEMBERS = 20;

/** The caller's own unit as the signer of a decision dated `decidedOn`, checked against that day's era. */
async function signingUnitFor(em: EntityManager, session: Session, decidedOn: string): Promise<UnitVersion> {
  const unit = await unitVersion(em, session.scope!.unitId);
  if (!unit) throw forbidden('Đơn vị của tài khoản không có trong danh mục đơn vị hành chính.');
  const problem = checkSigningEra(
    unit,
    decidedOn,
    await decidingLevelOn(em, provinceCodeOf(unit.path), decidedOn),
  );
  if (problem) refuse([problem]);
  return unit;
}

/** A commune (unit version) in force that the caller may write: where an entitlement is paid. */
async function writableCommune(em: EntityManager, session: Session, unitId: string): Promise<UnitVersion> {
  const unit = await unitVersion(em, unitId);
  const today = todayInVietnam();
  if (!unit || !session.coversForWrite(unit.path) || (unit.validTo !== null && unit.validTo < today)) {
    throw forbidden('Đơn vị chi trả không thuộc đơn vị của bạn hoặc đã chấm dứt hoạt động.');
  }
  if (unit.level !== 'commune')
    throw badInput('unitCode', 'Mức hưởng do xã/phường chi trả: hãy chọn một xã/phường.');
  return unit;
}

function memberCountOf(category: Category, memberCount: number | null | undefined): number {
  const count = memberCount ?? 1;
  if (!Number.isInteger(count) || count < 1 || count > MAX_MEMBERS) {
    throw badInput('memberCount', `Số người được tính phải từ 1 đến ${MAX_MEMBERS}.`);
  }
  if (count > 1 && !category.perMember) {
    throw badInput('memberCount', `Nhóm ${category.code} không tính theo số thành viên (chỉ một người).`);
  }
  return count;
}

function overrideReasonOf(value: string | null | undefined): string | null {
  if (value == null) return null;
  const cleaned = cleanText(value, REASON);
  if (!cleaned.ok) throw badInput('overrideReason', cleaned.message);
  return cleaned.text || null;
}

/** The CONFLICT of the one-person-one-policy rule, naming the other entitlement, its unit and its decision. */
function conflictError(session: Session, conflicts: readonly ConflictRow[]): AppError {
  const readsGroup = session.allows('entitlement:read-confidential');
  const named = conflicts.map((conflict) => {
    const group =
      readsGroup || !conflict.otherCategoryConfidential ? `nhóm ${conflict.otherCategoryCode}, ` : '';
    const whose = conflict.sameRecord ? '' : ' của một hồ sơ khác được cảnh báo trùng là cùng một người';
    return `mức hưởng ${conflict.otherEntitlementId}${whose} (${group}đơn vị ${conflict.otherUnitCode}, quyết định số ${conflict.otherDecisionNumber} ngày ${displayDate(conflict.otherDecisionDate)}) từ tháng ${displayMonth(conflict.fromMonth)}`;
  });
  return new AppError(
    'CONFLICT',
    `Một người chỉ hưởng một chính sách: đối tượng đã có ${named.join('; ')}. Hãy thôi hưởng mức hưởng kia trước, hoặc người duyệt ghi lý do vẫn cấp (overrideReason).`,
    // `overridable`: an approver may grant all the same with a reason (the console asks for it then).
    { field: 'categoryId', details: { rule: 'one-person-one-policy', overridable: true } },
  );
}

/**
 * After the new entitlement is written (inside the transaction): refuses it when it runs with another
 * of its exclusivity group in one month, for this person or a record linked as the same human, unless
 * the approver gave a reason, which the decision keeps (and `policyConflicts` reports).
 */
async function refuseConflicts(
  em: EntityManager,
  session: Session,
  personId: string,
  entitlementId: string,
  overrideReason: string | null,
): Promise<void> {
  const conflicts = (await conflictsOfPerson(em, personId)).filter(
    (row) => row.entitlementId === entitlementId,
  );
  if (conflicts.length && !overrideReason) throw conflictError(session, conflicts);
}

/** A living person that the caller reads, with where they live and since when their status holds. */
async function personFacts(
  em: EntityManager,
  personId: string,
): Promise<{ unitId: string; status: string; statusDate: string | null }> {
  const [row] = await em.execute<{ unitId: string; status: string; statusDate: string | null }[]>(
    `select unit_id as "unitId", status, to_char(status_date, 'YYYY-MM-DD') as "statusDate" from approvals.person_facts_of(?::uuid)`,
    [personId],
  );
  if (!row) throw notFound('Không tìm thấy đối tượng trong phạm vi đơn vị của bạn.');
  return row;
}

export type NewGrant = {
  personId: string;
  /** The paying commune (unit version). */
  unitId: string;
  categoryId: string;
  memberCount?: number | null | undefined;
  applicationId?: string | null | undefined;
  /** The day the application was filed: the entitlement cannot start before its month. */
  filedOn?: string | null | undefined;
  overrideReason?: string | null | undefined;
  decision: DecisionInput;
};

/**
 * Grants an entitlement by a decision (quyết định hưởng): checks the decision (number, a date not in
 * the future and of the signing unit's era, a start month not before the application's), the
 * category (exists, open that month), the person (living, in scope) and the one-person-one-policy
 * rule; writes the entitlement and its grant decision, or nothing.
 */
export async function grantEntitlement(
  em: EntityManager,
  session: Session,
  grant: NewGrant,
  today = new Date(),
): Promise<{ entitlementId: string; decisionId: string }> {
  const decision = checkedDecision(session, grant.decision, { today });
  const category = await findCategory(em, grant.categoryId);
  if (!category) throw badInput('categoryId', 'Không có nhóm đối tượng này trong danh mục chính sách.');
  if (category.payment !== 'monthly') {
    throw badInput('categoryId', `Nhóm ${category.code} không phải trợ cấp hằng tháng.`);
  }
  if (!categoryOpenIn(category, decision.effectiveMonth)) {
    throw badInput(
      'decision.effectiveMonth',
      `Nhóm ${category.code} không áp dụng cho tháng ${displayMonth(decision.effectiveMonth)}.`,
    );
  }
  if (grant.filedOn && decision.effectiveMonth < grant.filedOn.slice(0, 7)) {
    throw badInput(
      'decision.effectiveMonth',
      `Tháng bắt đầu hưởng không được trước tháng nộp hồ sơ (${displayMonth(grant.filedOn.slice(0, 7))}).`,
    );
  }
  const memberCount = memberCountOf(category, grant.memberCount);
  const overrideReason = overrideReasonOf(grant.overrideReason);
  const signing = await signingUnitFor(em, session, decision.decidedOn);
  const paying = await writableCommune(em, session, grant.unitId);
  const person = await personFacts(em, grant.personId);
  if (person.status !== 'living') {
    throw badInput('personId', 'Đối tượng đã mất hoặc đã chuyển đi, không thể quyết định hưởng.');
  }
  return em.transactional(async (tx) => {
    await lockPersons(tx, [grant.personId, ...(await sameHumanOf(tx, grant.personId))]);
    const { entitlement, decision: granted } = await openEntitlement(tx, session, signing, decision, {
      kind: 'grant',
      personId: grant.personId,
      unitId: paying.id,
      category,
      memberCount,
      overrideReason,
      applicationId: grant.applicationId ?? null,
    });
    await refuseConflicts(tx, session, grant.personId, entitlement.id, overrideReason);
    return { entitlementId: entitlement.id, decisionId: granted.id };
  });
}

function ledgerEntry(
  session: Session,
  signing: UnitVersion,
  decision: Required<DecisionInput>,
  kind: DecisionKind,
) {
  const principal = session.requirePrincipal();
  return {
    kind,
    number: decision.number,
    decidedOn: decision.decidedOn,
    signingUnitId: signing.id,
    signerName: decision.signerName,
    effectiveMonth: decision.effectiveMonth,
    reason: decision.reason,
    recordedById: principal.subject,
    recordedByName: principal.username,
  };
}

/**
 * A new entitlement from its first decision (a grant, a relocation's start, a one-off), written in the
 * caller's transaction: the entitlement first, since the decision's row-level security reads it.
 */
async function openEntitlement(
  tx: EntityManager,
  session: Session,
  signing: UnitVersion,
  decision: Required<DecisionInput>,
  opening: {
    kind: DecisionKind;
    personId: string;
    unitId: string;
    category: { id: string; code: string };
    coefficientHundredths?: number | null;
    memberCount?: number;
    relocatedFromId?: string | null;
    endMonth?: string | null;
    overrideReason?: string | null;
    applicationId?: string | null;
  },
): Promise<{ entitlement: Entitlement; decision: Decision }> {
  const terms = {
    categoryId: opening.category.id,
    coefficientHundredths: opening.coefficientHundredths ?? null,
    memberCount: opening.memberCount ?? 1,
  };
  const entitlement = tx.create(Entitlement, {
    ...terms,
    personId: opening.personId,
    unitId: opening.unitId,
    policyGroup: opening.category.code,
    relocatedFromId: opening.relocatedFromId ?? null,
    startMonth: decision.effectiveMonth,
    endMonth: opening.endMonth ?? null,
    decisionNumber: decision.number,
    decisionDate: decision.decidedOn,
    status: opening.kind === 'suspend' ? 'suspended' : 'active',
  });
  await tx.flush();
  const opened = tx.create(Decision, {
    ...ledgerEntry(session, signing, decision, opening.kind),
    ...terms,
    entitlementId: entitlement.id,
    personId: opening.personId,
    months: null,
    overrideReason: opening.overrideReason ?? null,
    applicationId: opening.applicationId ?? null,
  });
  await tx.flush();
  return { entitlement, decision: opened };
}

/** An entitlement the caller may decide on, with the latest effective month of its ledger (locked). */
async function decidableEntitlement(
  em: EntityManager,
  session: Session,
  id: string,
  options: { asNewCommune?: boolean } = {},
): Promise<{ entitlement: Entitlement; lastEffectiveMonth: string; category: Category }> {
  const entitlement = await em.findOne(Entitlement, { id }, { lockMode: LockMode.PESSIMISTIC_WRITE });
  if (!entitlement) throw notFound('Không tìm thấy mức hưởng trong phạm vi đơn vị của bạn.');
  if (!options.asNewCommune) {
    const unit = await unitVersion(em, entitlement.unitId);
    if (
      !unit ||
      !session.coversForWrite(unit.path) ||
      (unit.validTo !== null && unit.validTo < todayInVietnam())
    ) {
      throw forbidden(
        'Mức hưởng do đơn vị khác chi trả (hoặc đơn vị đã chấm dứt hoạt động): quyết định thuộc đơn vị đang chi trả.',
      );
    }
  }
  const category = await em.findOneOrFail(Category, { id: entitlement.categoryId });
  if (category.payment !== 'monthly') {
    throw badInput('entitlementId', 'Khoản hỗ trợ một lần không có điều chỉnh, tạm dừng hay thôi hưởng.');
  }
  const [last] = await em.execute<{ month: string | null }[]>(
    'select max(effective_month) as month from approvals.decisions where entitlement_id = ?',
    [id],
  );
  return { entitlement, lastEffectiveMonth: last?.month ?? entitlement.startMonth, category };
}

export type LedgerChange = {
  entitlementId: string;
  kind: 'change' | 'suspend' | 'resume' | 'stop';
  /** For a change: the new category (same programme) and members. */
  categoryId?: string | null | undefined;
  memberCount?: number | null | undefined;
  overrideReason?: string | null | undefined;
  decision: DecisionInput;
};

/**
 * Records a change of category or members, a suspension, a resumption or a stop (thôi hưởng, from
 * the month after the event: the effective month is the first month not paid). Refuses a decision
 * the entitlement's state does not allow (stopping what is stopped) or that takes effect before its
 * latest one; writes the decision and the entitlement's new state, or nothing.
 */
export async function recordDecision(
  em: EntityManager,
  session: Session,
  change: LedgerChange,
  today = new Date(),
): Promise<Decision> {
  const decision = checkedDecision(session, change.decision, {
    today,
    reasonRequired: change.kind === 'suspend' || change.kind === 'stop',
  });
  const signing = await signingUnitFor(em, session, decision.decidedOn);
  const overrideReason = overrideReasonOf(change.overrideReason);
  return em.transactional(async (tx) => {
    const { entitlement, lastEffectiveMonth, category } = await decidableEntitlement(
      tx,
      session,
      change.entitlementId,
    );
    const problem = checkLedgerStep(
      change.kind,
      { status: entitlement.status, startMonth: entitlement.startMonth, lastEffectiveMonth },
      decision.effectiveMonth,
    );
    if (problem) refuse([problem]);
    let terms = {
      categoryId: entitlement.categoryId,
      coefficientHundredths: entitlement.coefficientHundredths,
      memberCount: entitlement.memberCount,
    };
    if (change.kind === 'change') {
      const next = change.categoryId ? await findCategory(tx, change.categoryId) : category;
      if (!next || next.programId !== category.programId || next.payment !== 'monthly') {
        throw badInput('categoryId', 'Không có nhóm đối tượng này trong cùng chính sách.');
      }
      if (!categoryOpenIn(next, decision.effectiveMonth)) {
        throw badInput(
          'decision.effectiveMonth',
          `Nhóm ${next.code} không áp dụng cho tháng ${displayMonth(decision.effectiveMonth)}.`,
        );
      }
      const memberCount = memberCountOf(
        next,
        change.memberCount ?? (next.perMember ? entitlement.memberCount : 1),
      );
      if (next.id === entitlement.categoryId && memberCount === entitlement.memberCount) {
        throw badInput(
          'categoryId',
          'Quyết định điều chỉnh không thay đổi nhóm đối tượng hay số người được tính.',
        );
      }
      // A new category is paid by its bands; the coefficient fixed before the ledger goes with the old one.
      terms = {
        categoryId: next.id,
        coefficientHundredths: next.id === entitlement.categoryId ? entitlement.coefficientHundredths : null,
        memberCount,
      };
      entitlement.categoryId = next.id;
      entitlement.policyGroup = next.code;
      entitlement.coefficientHundredths = terms.coefficientHundredths;
      entitlement.memberCount = memberCount;
    } else if (change.kind === 'suspend') {
      entitlement.status = 'suspended';
    } else if (change.kind === 'resume') {
      entitlement.status = 'active';
    } else {
      entitlement.status = 'stopped';
      entitlement.endMonth = addMonths(decision.effectiveMonth, -1);
    }
    if (change.kind === 'resume') await lockPersons(tx, [entitlement.personId]);
    const recorded = tx.create(Decision, {
      ...ledgerEntry(session, signing, decision, change.kind),
      entitlementId: entitlement.id,
      personId: entitlement.personId,
      ...terms,
      months: null,
      overrideReason,
      applicationId: null,
    });
    await tx.flush();
    if (change.kind === 'change' || change.kind === 'resume') {
      await refuseConflicts(tx, session, entitlement.personId, entitlement.id, overrideReason);
    }
    return recorded;
  });
}

/**
 * Relocation (chuyển nơi cư trú): the commune where the person now lives continues the entitlement
 * from the effective month. The old commune's entitlement ends with the month before and the new one
 * starts with it, on the same terms, in one transaction: no month paid twice, none skipped.
 */
export async function relocateEntitlement(
  em: EntityManager,
  session: Session,
  input: { entitlementId: string; decision: DecisionInput },
  today = new Date(),
): Promise<Decision> {
  const decision = checkedDecision(session, input.decision, { today });
  const signing = await signingUnitFor(em, session, decision.decidedOn);
  return em.transactional(async (tx) => {
    const { entitlement, lastEffectiveMonth } = await decidableEntitlement(tx, session, input.entitlementId, {
      asNewCommune: true,
    });
    const person = await personFacts(tx, entitlement.personId);
    if (person.status !== 'living') {
      throw badInput(
        'entitlementId',
        'Đối tượng đã mất hoặc chuyển đi khỏi địa bàn: hãy thôi hưởng thay vì chuyển.',
      );
    }
    const commune = await writableCommune(tx, session, person.unitId);
    if (commune.id === entitlement.unitId) {
      throw badInput('entitlementId', 'Đối tượng đang hưởng tại chính xã/phường này; không có gì để chuyển.');
    }
    const problem = checkLedgerStep(
      'relocate-out',
      { status: entitlement.status, startMonth: entitlement.startMonth, lastEffectiveMonth },
      decision.effectiveMonth,
    );
    if (problem) refuse([problem]);
    tx.create(Decision, {
      ...ledgerEntry(session, signing, decision, 'relocate-out'),
      entitlementId: entitlement.id,
      personId: entitlement.personId,
      categoryId: entitlement.categoryId,
      coefficientHundredths: entitlement.coefficientHundredths,
      memberCount: entitlement.memberCount,
      months: null,
      overrideReason: null,
      applicationId: null,
    });
    const { decision: started } = await openEntitlement(tx, session, signing, decision, {
      // A suspended entitlement moves suspended: the new commune resumes it when the person collects again.
      kind: entitlement.status === 'suspended' ? 'suspend' : 'relocate-in',
      personId: entitlement.personId,
      unitId: commune.id,
      category: { id: entitlement.categoryId, code: entitlement.policyGroup },
      coefficientHundredths: entitlement.coefficientHundredths,
      memberCount: entitlement.memberCount,
      relocatedFromId: entitlement.id,
    });
    entitlement.status = 'stopped';
    entitlement.endMonth = addMonths(decision.effectiveMonth, -1);
    await tx.flush();
    return started;
  });
}

/**
 * Funeral support (hỗ trợ chi phí mai táng) on the death of a beneficiary: one payment, in the
 * effective month (not before the month of death), by the commune where the person lived, at the
 * category's rule (20 × the standard level of that month). Once per person.
 */
export async function grantFuneralSupport(
  em: EntityManager,
  session: Session,
  input: { personId: string; decision: DecisionInput },
  today = new Date(),
): Promise<Decision> {
  const decision = checkedDecision(session, input.decision, { today });
  const person = await personFacts(em, input.personId);
  if (person.status !== 'deceased' || !person.statusDate) {
    throw badInput(
      'personId',
      'Chỉ hỗ trợ chi phí mai táng khi sổ đối tượng đã ghi nhận đối tượng mất (có ngày mất).',
    );
  }
  if (decision.effectiveMonth < person.statusDate.slice(0, 7)) {
    throw badInput(
      'decision.effectiveMonth',
      `Tháng chi hỗ trợ mai táng không được trước tháng mất (${displayMonth(person.statusDate.slice(0, 7))}).`,
    );
  }
  const signing = await signingUnitFor(em, session, decision.decidedOn);
  const commune = await writableCommune(em, session, person.unitId);
  const category = await em.findOneOrFail(Category, { programId: 'decree-20', code: 'mai-tang' });
  return em.transactional(async (tx) => {
    await lockPersons(tx, [input.personId]);
    if (await tx.count(Entitlement, { personId: input.personId, categoryId: category.id })) {
      throw new AppError('CONFLICT', 'Đối tượng đã được quyết định hỗ trợ chi phí mai táng.', {
        field: 'personId',
      });
    }
    const { decision: granted } = await openEntitlement(tx, session, signing, decision, {
      kind: 'one-off',
      personId: input.personId,
      unitId: commune.id,
      category,
      endMonth: decision.effectiveMonth,
    });
    return granted;
  });
}
