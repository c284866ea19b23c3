import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';

/** A programme of support (Decree 20/2021 monthly allowance, Resolution 42/NQ-CP, a province's own). */
export const Program = defineEntity({
  name: 'Program',
  tableName: 'programs',
  properties: {
    id: p.text().primary(),
    name: p.text(),
    legalBasis: p.text(),
    /** A province's own programme; null for a national one. */
    provinceCode: p.string().length(2).nullable(),
    validFromMonth: p.string().length(7),
    validToMonth: p.string().length(7).nullable(),
  },
});
export type Program = InferEntity<typeof Program>;

export const CATEGORY_PAYMENT_VALUES = ['monthly', 'one_off'] as const;
export const CATEGORY_RULE_VALUES = ['coefficient', 'fixed'] as const;

/** Nhóm đối tượng: a category of a programme with its rule of amount, confidentiality and exclusivity group. */
export const Category = defineEntity({
  name: 'Category',
  tableName: 'categories',
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => randomUUID()),
    programId: p.text(),
    code: p.string().length(30),
    name: p.text(),
    payment: p.enum(CATEGORY_PAYMENT_VALUES),
    rule: p.enum(CATEGORY_RULE_VALUES),
    /** The fixed amount (whole đồng), per person, × the months when `perMonth`. */
    fixedAmount: p.bigint('number').nullable(),
    perMonth: p.boolean().default(false),
    maxMonths: p.smallint().nullable(),
    /** The amount is per member (5.4: per child raised). */
    perMember: p.boolean().default(false),
    /** Reveals HIV status (5.3, 5.8): shown only to roles with entitlement:read-confidential. */
    confidential: p.boolean().default(false),
    /** Two active entitlements of one group are one person's conflict (one person, one policy). */
    exclusivityGroup: p.text().nullable(),
    validFromMonth: p.string().length(7),
    validToMonth: p.string().length(7).nullable(),
  },
  uniques: [{ properties: ['programId', 'code'] }],
});
export type Category = InferEntity<typeof Category>;

/** Hệ số by age: from `fromAge` (years, switching in the birthday month) the coefficient × 100. */
export const CategoryBand = defineEntity({
  name: 'CategoryBand',
  tableName: 'category_bands',
  properties: {
    categoryId: p.uuid().primary(),
    fromAge: p.smallint().primary(),
    coefficientHundredths: p.smallint(),
  },
});
export type CategoryBand = InferEntity<typeof CategoryBand>;

/** Two categories of one exclusivity group that a person may hold together (5.4 with 5.5, 5.6 or 5.8). */
export const ExclusivityException = defineEntity({
  name: 'ExclusivityException',
  tableName: 'exclusivity_exceptions',
  properties: {
    categoryId: p.uuid().primary(),
    otherCategoryId: p.uuid().primary(),
  },
});
export type ExclusivityException = InferEntity<typeof ExclusivityException>;
