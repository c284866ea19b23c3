import type { EntityManager } from '@mikro-orm/postgresql';
import {
  AppError,
  arrayLiteral,
  badInput,
  forbidden,
  notFound,
  UNIT_IDS_UNDER,
  type Session,
} from '@ansinh/common';
import { PaymentAccount } from '../accounts/payment-account.entity.ts';
import { Person } from '../persons/person.entity.ts';
import { holdsActiveEntitlement } from '../persons/person.repository.ts';
import { unitWritableBy } from '../persons/person.service.ts';
import { unitById } from '../units/unit.loader.ts';
import { fieldText } from '../text/field-text.ts';
import { DuplicateWarning } from './duplicate-warning.entity.ts';

const FILLED_FROM_DUPLICATE = [
  'ethnicityCode',
  'citizenId',
  'oldIdNumber',
  'phone',
  'address',
  'householdId',
  'relationToHead',
] as const;

/**
 * An open warning the caller may decide, with the unit the decision is recorded under: where its
 * newer record lives now (a warning raised before the 2025 reform follows its person to the commune
 * that took them over), else where it was raised. That unit must be one the caller may write.
 */
async function openWarning(
  em: EntityManager,
  session: Session,
  id: string,
): Promise<{ warning: DuplicateWarning; unitId: string }> {
  session.assert('duplicate:decide');
  const warning = await em.findOne(DuplicateWarning, { id });
  if (!warning) throw notFound('Không tìm thấy cảnh báo trùng trong phạm vi đơn vị của bạn.');
  if (warning.status !== 'open') {
    throw new AppError('CONFLICT', 'Cảnh báo này đã được xử lý.', { field: 'id' });
  }
  const person = await em.findOne(Person, { id: warning.personId });
  const unit = await unitById(em, person?.residenceUnitId ?? warning.unitId);
  if (!unitWritableBy(session, unit)) {
    throw forbidden(
      `Cảnh báo này thuộc ${unit.fullName} (mã ${unit.code}): tài khoản của bạn chỉ được xem, không được xử lý.`,
    );
  }
  return { warning, unitId: unit.id };
}

/** The official's note on a decision, through the text policy; an empty note is none. */
function noteOf(note: string | null | undefined): string | null {
  if (!note) return null;
  const cleaned = fieldText('note', note);
  if (typeof cleaned !== 'string') throw badInput(cleaned.field, cleaned.message);
  return cleaned || null;
}

function decide(
  warning: DuplicateWarning,
  session: Session,
  decision: { status: 'merged' | 'dismissed'; unitId: string },
  note: string | null,
) {
  const principal = session.requirePrincipal();
  warning.status = decision.status;
  warning.unitId = decision.unitId;
  warning.decidedAt = new Date();
  warning.decidedById = principal.subject;
  warning.decidedByName = principal.username;
  warning.decisionNote = note;
}

/** Different people: closes the warning with the official's note. */
export async function dismissDuplicate(
  em: EntityManager,
  session: Session,
  id: string,
  note: string | null | undefined,
): Promise<DuplicateWarning> {
  const decisionNote = noteOf(note);
  const { warning, unitId } = await openWarning(em, session, id);
  decide(warning, session, { status: 'dismissed', unitId }, decisionNote);
  await em.flush();
  return warning;
}

/**
 * Same person: the newer record (`personId`) is merged into the older one — details the older one
 * lacks, and payment accounts it does not have — and then removed; all in one transaction. Both records
 * must be in the caller's scope, and the newer one must not hold an entitlement.
 */
export async function mergeDuplicate(
  em: EntityManager,
  session: Session,
  id: string,
  note: string | null | undefined,
): Promise<DuplicateWarning> {
  const decisionNote = noteOf(note);
  const { warning, unitId } = await openWarning(em, session, id);
  const [duplicate, kept] = await Promise.all([
    em.findOne(Person, { id: warning.personId }),
    em.findOne(Person, { id: warning.matchedPersonId }),
  ]);
  if (!duplicate || !kept) {
    throw forbidden(
      'Một trong hai bản ghi thuộc đơn vị khác hoặc đã bị xóa: cấp trên của cả hai đơn vị xử lý cảnh báo này.',
    );
  }
  const keptUnit = await unitById(em, kept.residenceUnitId);
  if (!unitWritableBy(session, keptUnit)) {
    throw forbidden(
      `Bản ghi được giữ lại thuộc ${keptUnit.fullName} (mã ${keptUnit.code}): tài khoản của bạn chỉ được xem, không được gộp vào đó.`,
    );
  }
  if (await holdsActiveEntitlement(em, duplicate.id)) {
    throw badInput('id', 'Bản ghi mới đang hưởng chính sách: hãy thôi hưởng trên bản ghi đó trước khi gộp.');
  }
  await em.transactional(async (tx) => {
    const fills: Partial<Person> = {};
    for (const field of FILLED_FROM_DUPLICATE) {
      if (kept[field] === null && duplicate[field] !== null)
        (fills as Record<string, unknown>)[field] = duplicate[field];
    }
    if (!kept.birthDate && duplicate.birthDate?.startsWith(String(kept.birthYear)))
      fills.birthDate = duplicate.birthDate;
    // The CCCD moves with the record: the living-CCCD index must never see it twice.
    if (fills.citizenId) await tx.nativeUpdate(Person, { id: duplicate.id }, { citizenId: null });
    if (Object.keys(fills).length) await tx.nativeUpdate(Person, { id: kept.id }, fills);
    const keptAccounts = await tx.find(PaymentAccount, { personId: kept.id });
    const keptHasDefault = keptAccounts.some((account) => account.isDefault);
    for (const account of await tx.find(PaymentAccount, { personId: duplicate.id })) {
      const same = keptAccounts.some(
        (other) =>
          other.providerCode === account.providerCode && other.accountNumber === account.accountNumber,
      );
      if (!same) {
        await tx.nativeUpdate(
          PaymentAccount,
          { id: account.id },
          { personId: kept.id, isDefault: account.isDefault && !keptHasDefault },
        );
      }
    }
    await tx.nativeDelete(Person, { id: duplicate.id });
    const decided = await tx.findOneOrFail(DuplicateWarning, { id });
    decide(decided, session, { status: 'merged', unitId }, decisionNote);
  });
  return em.refreshOrFail(warning);
}

/** Warnings raised in the communes under the unit paths (a unit's read paths), newest first. */
export async function duplicateWarningsUnder(
  em: EntityManager,
  unitPaths: readonly string[],
  status: DuplicateWarning['status'],
  first: number,
): Promise<{ nodes: DuplicateWarning[]; totalCount: number }> {
  const inSubtree = `unit_id in (${UNIT_IDS_UNDER})`;
  const paths = arrayLiteral(unitPaths);
  const [nodes, totalCount] = await Promise.all([
    em
      .createQueryBuilder(DuplicateWarning, 'w')
      .where(inSubtree, [paths])
      .andWhere({ status })
      .orderBy({ createdAt: 'desc' })
      .limit(first)
      .getResultList(),
    em.createQueryBuilder(DuplicateWarning, 'w').where(inSubtree, [paths]).andWhere({ status }).getCount(),
  ]);
  return { nodes, totalCount };
}
