import type { EntityManager } from '@mikro-orm/postgresql';
import {
  arrayLiteral,
  badInput,
  CHANGE_REASON_SETTING,
  notFound,
  UUID_FORMAT,
  unitInScope,
  type Session,
  type UnitsByCode,
} from '@ansinh/common';
import { addressFilterProblem, assignedReason, assignmentProblem, type UnitLabel } from './reform.rules.ts';
import {
  addressContainsSql,
  REVIEW_COLUMNS,
  reviewOf,
  reviewsById,
  type ReformReviewRow,
} from './reform-review.repository.ts';

/** At most this many entries named by id in one request. */
export const MAX_REVIEW_IDS = 1000;

export type AssignReformReviewsRequest = {
  reviewIds?: readonly string[] | null | undefined;
  addressContains?: string | null | undefined;
  fromUnitCode?: string | null | undefined;
  unitCode: string;
};

export type ReformAssignmentResult = {
  assigned: number;
  personsMoved: number;
  householdsMoved: number;
  reviews: ReformReviewRow[];
};

type Selection = { ids: string[] } | { fromUnitCode: string; addressContains: string };

/** What the request names: ids, or the address text within one split unit; refused when it is neither or both. */
function selectionOf(request: AssignReformReviewsRequest): Selection {
  const byIds = request.reviewIds !== null && request.reviewIds !== undefined;
  const byAddress = request.addressContains !== null && request.addressContains !== undefined;
  if (byIds === byAddress) {
    throw badInput(
      'reviewIds',
      'Hãy chọn đối tượng cần phân: hoặc danh sách mã trong hàng chờ, hoặc địa chỉ cùng mã đơn vị cũ (không dùng cả hai).',
    );
  }
  if (byIds) {
    const ids = [...new Set(request.reviewIds)];
    if (ids.length === 0) throw badInput('reviewIds', 'Danh sách đối tượng cần phân đang trống.');
    if (ids.length > MAX_REVIEW_IDS) {
      throw badInput(
        'reviewIds',
        `Mỗi lần phân được tối đa ${MAX_REVIEW_IDS.toLocaleString('vi-VN')} đối tượng.`,
      );
    }
    if (ids.some((id) => !UUID_FORMAT.test(id)))
      throw badInput('reviewIds', 'Mã trong hàng chờ không hợp lệ.');
    return { ids: ids.map((id) => id.toLowerCase()) };
  }
  const problem = addressFilterProblem(request.addressContains!);
  if (problem) throw badInput('addressContains', problem);
  if (!request.fromUnitCode) {
    throw badInput('fromUnitCode', 'Phân theo địa chỉ cần mã đơn vị cũ bị chia tách (fromUnitCode).');
  }
  return { fromUnitCode: request.fromUnitCode, addressContains: request.addressContains! };
}

type UnitNameRow = { id: string; code: string; name: string };

async function unitLabels(em: EntityManager, ids: readonly string[]): Promise<Map<string, UnitLabel>> {
  if (!ids.length) return new Map();
  const rows = await em.execute<UnitNameRow[]>(
    'select id, code, name from registry.v_units where id = any(?::uuid[])',
    [arrayLiteral(ids)],
  );
  return new Map(rows.map((row) => [row.id, { code: row.code, name: row.name }]));
}

/**
 * Assigns entries of the review queue to `unitCode`, all or nothing, in one transaction: the entries are
 * marked (under the queue's row-level security: only someone who may write the unit), and the persons
 * move from the old unit to it with their households still on the old unit (registry.apply_reform_assignments),
 * the change history giving the reason `reform <date> assigned`.
 *
 * Refused, with nothing written: a caller whose unit has ended (FORBIDDEN), an unknown unit or one that has
 * ended (BAD_USER_INPUT), a unit the caller may not write (FORBIDDEN: a commune assigns only to itself), a
 * unit that is not one of the old unit's successors (BAD_USER_INPUT), an entry already assigned elsewhere.
 */
export async function assignReformReviews(
  em: EntityManager,
  session: Session,
  units: UnitsByCode,
  request: AssignReformReviewsRequest,
): Promise<ReformAssignmentResult> {
  session.assert('reform:assign');
  const selection = selectionOf(request);
  const target = await unitInScope(session, 'reform:assign', request.unitCode, units, {
    field: 'unitCode',
    level: 'commune',
  });
  const assignedBy = session.requirePrincipal().username;

  return em.transactional(async (tx) => {
    let reviews: ReformReviewRow[];
    if ('ids' in selection) {
      reviews = (
        await tx.execute<Parameters<typeof reviewOf>[0][]>(
          `select ${REVIEW_COLUMNS} from registry.reform_reviews r where r.id = any(?::uuid[]) order by r.id for update of r`,
          [arrayLiteral(selection.ids)],
        )
      ).map(reviewOf);
      if (reviews.length !== selection.ids.length) {
        throw notFound('Không tìm thấy đối tượng này trong hàng chờ phân của đơn vị bạn.');
      }
    } else {
      const [split] = await tx.execute<{ id: string }[]>(
        'select id from registry.v_units where code = ? and cardinality(successor_ids) > 1 order by valid_to desc limit 1',
        [selection.fromUnitCode],
      );
      if (!split) {
        throw badInput('fromUnitCode', `Không có đơn vị bị chia tách nào có mã "${selection.fromUnitCode}".`);
      }
      const address = addressContainsSql(selection.addressContains);
      reviews = (
        await tx.execute<Parameters<typeof reviewOf>[0][]>(
          `select ${REVIEW_COLUMNS} from registry.reform_reviews r
            where r.from_unit_id = ? and r.assigned_unit_id is null and ${address.sql}
            order by r.id for update of r`,
          [split.id, ...address.values],
        )
      ).map(reviewOf);
      if (!reviews.length) {
        throw badInput(
          'addressContains',
          `Không có đối tượng nào đang chờ phân của đơn vị ${selection.fromUnitCode} có địa chỉ chứa "${selection.addressContains.trim()}".`,
        );
      }
    }

    const labels = await unitLabels(tx, [
      ...new Set([
        target.id,
        ...reviews.flatMap((review) => [review.fromUnitId, ...review.candidateUnitIds]),
        ...reviews.flatMap((review) => (review.assignedUnitId ? [review.assignedUnitId] : [])),
      ]),
    ]);
    const label = (id: string): UnitLabel => labels.get(id) ?? { code: '?', name: '?' };
    const problem = assignmentProblem(
      reviews.map((review) => ({
        id: review.id,
        fromUnit: label(review.fromUnitId),
        candidateUnitIds: review.candidateUnitIds,
        candidates: review.candidateUnitIds.map(label),
        assignedUnitId: review.assignedUnitId,
        assignedUnit: review.assignedUnitId ? label(review.assignedUnitId) : null,
      })),
      { id: target.id, ...label(target.id) },
    );
    if (problem) throw badInput('unitCode', problem);

    const waiting = reviews.filter((review) => review.assignedUnitId === null).map((review) => review.id);
    let moved = { persons: 0, households: 0 };
    if (waiting.length) {
      await tx.execute('select set_config(?, ?, true)', [
        CHANGE_REASON_SETTING,
        assignedReason(reviews[0]!.reformDate),
      ]);
      await tx.execute(
        'update registry.reform_reviews set assigned_unit_id = ?, assigned_by = ?, assigned_at = now() where id = any(?::uuid[])',
        [target.id, assignedBy, arrayLiteral(waiting)],
      );
      const [result] = await tx.execute<{ persons: number; households: number }[]>(
        'select persons, households from registry.apply_reform_assignments(?::uuid[])',
        [arrayLiteral(waiting)],
      );
      moved = result ?? moved;
      await tx.execute('select set_config(?, ?, true)', [CHANGE_REASON_SETTING, '']);
    }
    return {
      assigned: reviews.length,
      personsMoved: moved.persons,
      householdsMoved: moved.households,
      reviews: await reviewsById(
        tx,
        reviews.map((review) => review.id),
      ),
    };
  });
}
