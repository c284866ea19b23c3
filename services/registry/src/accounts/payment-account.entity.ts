import { unitWritableSql } from '@ansinh/common';
import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';

export const PAYMENT_ACCOUNT_KIND_VALUES = ['bank', 'e_wallet', 'mobile_money'] as const;
export type PaymentAccountKind = (typeof PAYMENT_ACCOUNT_KIND_VALUES)[number];

/**
 * Where a person's allowance can be paid: a bank account, an e-wallet or mobile money. At most one
 * is the default. Visible exactly when its person is (row-level security through `persons`).
 */
/** SQL: the account's person lives in a unit the scope may write. */
const WRITABLE_PERSON = `exists (select 1 from registry.persons p where p.id = person_id and ${unitWritableSql('p.residence_unit_id')})`;

export const PaymentAccount = defineEntity({
  name: 'PaymentAccount',
  tableName: 'payment_accounts',
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => randomUUID()),
    personId: p.uuid(),
    kind: p.enum(PAYMENT_ACCOUNT_KIND_VALUES),
    /** Bank code (NAPAS/VietQR) or wallet / mobile-money provider code. */
    providerCode: p.string().length(20),
    /** Bank account number, or the wallet / mobile-money id (usually a phone number). */
    accountNumber: p.string().length(30),
    holderName: p.text(),
    /** Whether the holder name matches the person's name, compared without accents. */
    holderNameMatches: p.boolean(),
    isDefault: p.boolean().default(false),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p
      .datetime()
      .onCreate(() => new Date())
      .onUpdate(() => new Date()),
  },
  uniques: [
    { properties: ['personId', 'providerCode', 'accountNumber'] },
    { name: 'payment_accounts_one_default', properties: ['personId'], where: 'is_default' },
  ],
  // An account is read with its person, and written only where the person's commune is writable (a unit
  // that has ended reads its persons' accounts but changes none).
  policies: [
    {
      name: 'person_scope',
      using: () => 'exists (select 1 from registry.persons p where p.id = person_id)',
      check: () => WRITABLE_PERSON,
    },
    { name: 'unit_scope_delete', command: 'delete', type: 'restrictive', using: () => WRITABLE_PERSON },
  ],
});

export type PaymentAccount = InferEntity<typeof PaymentAccount>;
