import type { PolicyDef } from '@mikro-orm/core';
import { READABLE_UNIT_IDS, WRITABLE_UNIT_IDS } from '@ansinh/common';

/**
 * Row-level security of the review queue: readable by whoever reads the old unit (the province, across
 * eras) or may write one of the candidate units (a receiving commune); written only by those who may
 * write a candidate, and assigned only to a unit they may write.
 */
export const reformReviewPolicy: PolicyDef<{
  fromUnitId: string;
  candidateUnitIds: string;
  assignedUnitId: string;
}> = {
  name: 'reform_scope',
  using: (columns) => {
    const { fromUnitId, candidateUnitIds } = columns as Record<string, string>;
    return `${fromUnitId} in (${READABLE_UNIT_IDS}) or ${candidateUnitIds} && array(${WRITABLE_UNIT_IDS})`;
  },
  check: (columns) => {
    const { candidateUnitIds, assignedUnitId } = columns as Record<string, string>;
    return `${candidateUnitIds} && array(${WRITABLE_UNIT_IDS}) and (${assignedUnitId} is null or ${assignedUnitId} in (${WRITABLE_UNIT_IDS}))`;
  },
};

/**
 * A second, permissive, read-only policy of persons (Person entity): a receiving commune reads the
 * persons waiting in its queue, who still live on the old unit it does not read.
 */
export const reformQueuePersonPolicy: PolicyDef<{ id: string }> = {
  name: 'reform_queue',
  command: 'select',
  using: (columns) =>
    `${(columns as Record<string, string>).id} in (select r.person_id from registry.reform_reviews r where r.assigned_unit_id is null and r.candidate_unit_ids && array(${WRITABLE_UNIT_IDS}))`,
};
