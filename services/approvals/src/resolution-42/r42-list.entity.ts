import { unitScopePolicy } from '@ansinh/common';
import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';

export const R42_OUTCOME_VALUES = ['paid', 'flagged'] as const;
export type R42Outcome = (typeof R42_OUTCOME_VALUES)[number];

/**
 * The approved list of one Resolution 42 group (a category of program `resolution-42`) of a unit, by
 * its decision: one per category, unit and decision number (importing it again replaces its rows, or
 * changes nothing when they are the same). Written by Migration20261202150000.
 */
export const R42List = defineEntity({
  name: 'R42List',
  tableName: 'r42_lists',
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => randomUUID()),
    categoryId: p.uuid(),
    /** The unit (version) that approved the list. */
    unitId: p.uuid(),
    decisionNumber: p.string().length(60),
    decisionDate: p.string().columnType('date'),
    /** The uploaded spreadsheet it was read from (the file store's id; the file itself expires). */
    fileId: p.uuid().nullable(),
    fileName: p.string().length(255).nullable(),
    importedById: p.text(),
    importedByName: p.text(),
    importedAt: p.datetime().onCreate(() => new Date()),
  },
  indexes: [{ properties: ['unitId'] }],
  uniques: [{ properties: ['categoryId', 'unitId', 'decisionNumber'] }],
  policies: [unitScopePolicy<{ unitId: string }>('unitId')],
});
export type R42List = InferEntity<typeof R42List>;

/** One person of a list, with the amount its category gives and whether it is paid (one support per human). */
export const R42ListRow = defineEntity({
  name: 'R42ListRow',
  tableName: 'r42_list_rows',
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => randomUUID()),
    listId: p.uuid(),
    /** The row number the official sees in the spreadsheet. */
    rowNumber: p.integer(),
    fullName: p.string().length(100),
    nameFolded: p.string().length(100),
    citizenId: p.string().length(12).nullable(),
    birthDate: p.string().columnType('date').nullable(),
    birthYear: p.smallint(),
    /** The person's commune (unit version). */
    unitId: p.uuid(),
    months: p.smallint().nullable(),
    amount: p.bigint('number'),
    /** Folded name | birth | commune id: the match of rows without CCCD. */
    nameKey: p.text(),
    /** The human the row belongs to across lists (`id:<CCCD>` or `nb:<name key>`). */
    humanKey: p.text(),
    outcome: p.enum(R42_OUTCOME_VALUES).default('paid'),
    flaggedReason: p.text().nullable(),
    /** For a flagged row, the list and row that pay the person. */
    paidListId: p.uuid().nullable(),
    paidRowId: p.uuid().nullable(),
  },
  indexes: [
    { properties: ['humanKey'] },
    { properties: ['nameKey'] },
    { properties: ['unitId'] },
    { properties: ['paidRowId'] },
  ],
  uniques: [{ properties: ['listId', 'rowNumber'] }],
  policies: [unitScopePolicy<{ unitId: string }>('unitId')],
});
export type R42ListRow = InferEntity<typeof R42ListRow>;

/** The order in which a person's groups are paid when configured (rank 1 first); default: the highest amount. */
export const R42Priority = defineEntity({
  name: 'R42Priority',
  tableName: 'r42_priority',
  properties: {
    categoryId: p.uuid().primary(),
    rank: p.smallint(),
  },
});
export type R42Priority = InferEntity<typeof R42Priority>;
