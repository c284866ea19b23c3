import type { EntityManager } from '@mikro-orm/postgresql';
import { AppError, badInput, forbidden, notFound, SUBTREE_UNIT_CODES, type Session } from '@ansinh/common';
import { PaymentAccount } from '../accounts/payment-account.entity.ts';
import { Person } from '../persons/person.entity.ts';
import { holdsActiveEntitlement } from '../persons/person.repository.ts';
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

async function openWarning(em: EntityManager, session: Session, id: string): Promise<DuplicateWarning> {
  session.assert('duplicate:decide');
  const warning = await em.findOne(DuplicateWarning, { id });
  if (!warning) throw notFound('Không tìm thấy cảnh báo trùng trong phạm vi đơn vị của bạn.');
  if (warning.status !== 'open') {
    throw new AppError('CONFLICT', 'Cảnh báo này đã được xử lý.', { field: 'id' });
  }
  return warning;
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
  status: 'merged' | 'dismissed',
  note: string | null,
) {
  const principal = session.requirePrincipal();
  warning.status = status;
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
  const warning = await openWarning(em, session, id);
  decide(warning, session, 'dismissed', decisionNote);
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
  const warning = await openWarning(em, session, id);
  const [duplicate, kept] = await Promise.all([
    em.findOne(Person, { id: warning.personId }),
    em.findOne(Person, { id: warning.matchedPersonId }),
  ]);
  if (!duplicate || !kept) {
    throw forbidden(
      'Một trong hai bản ghi thuộc đơn vị khác hoặc đã bị xóa: cấp trên của cả hai đơn vị xử lý cảnh báo này.',
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
    decide(decided, session, 'merged', decisionNote);
  });
  return em.refreshOrFail(warning);
}

/** Warnings raised in the communes under a unit path, newest first. */
export async function duplicateWarningsUnder(
  em: EntityManager,
  unitPath: string,
  status: DuplicateWarning['status'],
  first: number,
): Promise<{ nodes: DuplicateWarning[]; totalCount: number }> {
  const inSubtree = `unit_code in (${SUBTREE_UNIT_CODES})`;
  const [nodes, totalCount] = await Promise.all([
    em
      .createQueryBuilder(DuplicateWarning, 'w')
      .where(inSubtree, [unitPath])
      .andWhere({ status })
      .orderBy({ createdAt: 'desc' })
      .limit(first)
      .getResultList(),
    em.createQueryBuilder(DuplicateWarning, 'w').where(inSubtree, [unitPath]).andWhere({ status }).getCount(),
  ]);
  return { nodes, totalCount };
}
