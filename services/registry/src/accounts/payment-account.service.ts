import type { EntityManager } from '@mikro-orm/postgresql';
import { UniqueConstraintViolationException } from '@mikro-orm/core';
import { AppError, badInput, notFound, type Session } from '@ansinh/common';
import { writablePerson } from '../persons/person.service.ts';
import { PaymentAccount } from './payment-account.entity.ts';
import { validatePaymentAccount, type PaymentAccountInput } from './payment-account.rules.ts';

/** Adds an account to a person in the caller's scope; the first account, or one asked for, becomes the default. */
export async function addPaymentAccount(
  em: EntityManager,
  session: Session,
  personId: string,
  input: PaymentAccountInput & { isDefault?: boolean | null | undefined },
): Promise<PaymentAccount> {
  const person = await writablePerson(em, session, personId);
  const validated = validatePaymentAccount(input, person.fullName);
  if ('problems' in validated) {
    throw badInput(
      validated.problems[0]!.field,
      validated.problems.map((problem) => problem.message).join(' '),
    );
  }
  const { account } = validated;
  try {
    return await em.transactional(async (tx) => {
      const existing = await tx.count(PaymentAccount, { personId });
      const isDefault = existing === 0 || input.isDefault === true;
      // The one-default index holds at every statement, so the old default goes first.
      if (isDefault)
        await tx.nativeUpdate(PaymentAccount, { personId, isDefault: true }, { isDefault: false });
      const created = tx.create(PaymentAccount, {
        personId,
        kind: account.provider.kind,
        providerCode: account.provider.code,
        accountNumber: account.accountNumber,
        holderName: account.holderName,
        holderNameMatches: account.holderNameMatches,
        isDefault,
      });
      await tx.flush();
      return created;
    });
  } catch (error) {
    if (error instanceof UniqueConstraintViolationException) {
      throw new AppError('CONFLICT', 'Đối tượng đã có tài khoản này.', { field: 'accountNumber' });
    }
    throw error;
  }
}

async function writableAccount(em: EntityManager, session: Session, id: string): Promise<PaymentAccount> {
  session.assert('person:write');
  // Row-level security shows an account only with its person, so another unit's account is not found.
  const account = await em.findOne(PaymentAccount, { id });
  if (!account) throw notFound('Không tìm thấy tài khoản trong phạm vi đơn vị của bạn.');
  return account;
}

export async function setDefaultPaymentAccount(
  em: EntityManager,
  session: Session,
  id: string,
): Promise<PaymentAccount> {
  const account = await writableAccount(em, session, id);
  await em.transactional(async (tx) => {
    await tx.nativeUpdate(
      PaymentAccount,
      { personId: account.personId, isDefault: true },
      { isDefault: false },
    );
    await tx.nativeUpdate(PaymentAccount, { id }, { isDefault: true });
  });
  return em.refreshOrFail(account);
}

/** Removes an account; when it was the default, the oldest remaining account becomes the default. */
export async function removePaymentAccount(em: EntityManager, session: Session, id: string): Promise<string> {
  const account = await writableAccount(em, session, id);
  await em.transactional(async (tx) => {
    await tx.nativeDelete(PaymentAccount, { id });
    if (!account.isDefault) return;
    const [next] = await tx.find(
      PaymentAccount,
      { personId: account.personId },
      { orderBy: { createdAt: 'asc' }, limit: 1 },
    );
    if (next) await tx.nativeUpdate(PaymentAccount, { id: next.id }, { isDefault: true });
  });
  return id;
}
