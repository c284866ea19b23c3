import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { reformReviewPolicy } from './reform-queue.policy.ts';

/**
 * Hàng chờ phân về đơn vị mới: a living person of a unit that a re-organisation split over several
 * units (`candidateUnitIds`). The person stays on the old unit (`fromUnitId`) until the province or a
 * receiving commune assigns them (`assignedUnitId`, one of the candidates). One entry per person and
 * old unit: a second carry-over adds nothing.
 */
export const ReformReview = defineEntity({
  name: 'ReformReview',
  tableName: 'reform_reviews',
  properties: {
    id: p.uuid().primary().defaultRaw('gen_random_uuid()'),
    personId: p.uuid(),
    /** The person's household when they were queued (moves with the first member assigned while still on the old unit). */
    householdId: p.uuid().nullable(),
    fromUnitId: p.uuid(),
    candidateUnitIds: p.array().columnType('uuid[]'),
    /** The first day of the new units (`2025-07-01`). */
    reformDate: p.string().columnType('date'),
    /** The person's address (else their household's) when queued: what officials assign by. */
    address: p.text().nullable(),
    assignedUnitId: p.uuid().nullable(),
    /** Login of the official who assigned. */
    assignedBy: p.text().nullable(),
    assignedAt: p.datetime().nullable(),
    createdAt: p.datetime().defaultRaw('now()'),
  },
  uniques: [{ properties: ['personId', 'fromUnitId'] }],
  indexes: [
    {
      name: 'reform_reviews_waiting_from_unit_index',
      expression:
        'create index "reform_reviews_waiting_from_unit_index" on "registry"."reform_reviews" ("from_unit_id", "id") where "assigned_unit_id" is null',
    },
    { name: 'reform_reviews_candidate_unit_ids_gin', properties: ['candidateUnitIds'], type: 'gin' },
  ],
  checks: [
    {
      name: 'reform_reviews_assigned_unit_check',
      expression: '"assigned_unit_id" is null or "assigned_unit_id" = any("candidate_unit_ids")',
    },
    { name: 'reform_reviews_candidates_check', expression: 'cardinality("candidate_unit_ids") >= 2' },
  ],
  policies: [reformReviewPolicy],
});

export type ReformReview = InferEntity<typeof ReformReview>;
