import { graphql } from '../generated/gql.ts';
import { formatDate, formatMonth, formatVnd } from '../format.ts';
import { ErrorMessage, Loading } from '../shell/fields.tsx';
import { Link } from '../shell/router.tsx';
import { useQuery } from '../shell/use-graph.ts';

const POLICY_CONFLICTS = graphql(`
  query PolicyConflictsOfUnit {
    policyConflicts {
      entitlement {
        id
        decisionNumber
        unit {
          name
        }
        category {
          name
        }
      }
      otherEntitlementId
      otherUnit {
        name
      }
      otherDecisionNumber
      otherDecisionDate
      sameRecord
      fromMonth
      overridden
      overrideReason
      proposedAction
    }
  }
`);

const STOP_PROPOSALS = graphql(`
  query StopProposalsOfUnit {
    stopProposals {
      personId
      person {
        fullName
      }
      reason
      eventDate
      stopFromMonth
      toUnit {
        name
      }
      funeralSupportDue
      funeralSupportAmount
      entitlement {
        decisionNumber
        category {
          name
        }
      }
    }
  }
`);

/** Xung đột một người một chính sách: live conflicts, with what to do and the reason of those granted all the same. */
export function PolicyConflicts() {
  const { data, error } = useQuery(POLICY_CONFLICTS, {});
  if (error && !data) return <ErrorMessage error={error} />;
  if (!data) return <Loading what="xung đột" />;
  if (data.policyConflicts.length === 0) return <p>Không có xung đột chính sách nào đang mở.</p>;
  return (
    <div className="table-scroll">
      <table>
        <caption>Một người chỉ hưởng một chính sách: các mức hưởng cùng chạy trong một tháng</caption>
        <thead>
          <tr>
            <th scope="col">Mức hưởng</th>
            <th scope="col">Trùng với</th>
            <th scope="col">Từ tháng</th>
            <th scope="col">Tình trạng</th>
            <th scope="col">Đề xuất xử lý</th>
          </tr>
        </thead>
        <tbody>
          {data.policyConflicts.map((conflict) => (
            <tr key={`${conflict.entitlement.id}-${conflict.otherEntitlementId}`}>
              <td>
                {conflict.entitlement.category?.name ?? '—'} ({conflict.entitlement.unit.name}, QĐ{' '}
                {conflict.entitlement.decisionNumber})
              </td>
              <td>
                {conflict.otherUnit.name}, QĐ {conflict.otherDecisionNumber} ngày{' '}
                {formatDate(conflict.otherDecisionDate)}
                {!conflict.sameRecord && ' (hồ sơ khác, cảnh báo cùng một người)'}
              </td>
              <td>{formatMonth(conflict.fromMonth)}</td>
              <td>
                {conflict.overridden ? `Vẫn cấp: ${conflict.overrideReason ?? ''}` : 'Đang tạm giữ chi trả'}
              </td>
              <td>{conflict.proposedAction}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

const STOP_REASON: Record<string, string> = {
  DEATH: 'Đã mất',
  MOVED_AWAY: 'Chuyển đi',
  RELOCATION: 'Chuyển nơi ở',
};

/** Đề nghị thôi hưởng: the stops and relocations that deaths and moves in the registry propose. */
export function StopProposals() {
  const { data, error } = useQuery(STOP_PROPOSALS, {});
  if (error && !data) return <ErrorMessage error={error} />;
  if (!data) return <Loading what="đề nghị" />;
  if (data.stopProposals.length === 0) return <p>Không có đề nghị thôi hưởng nào.</p>;
  return (
    <div className="table-scroll">
      <table>
        <caption>Đề nghị thôi hưởng từ sổ đối tượng</caption>
        <thead>
          <tr>
            <th scope="col">Đối tượng</th>
            <th scope="col">Lý do</th>
            <th scope="col">Ngày</th>
            <th scope="col">Thôi hưởng từ</th>
            <th scope="col">Mức hưởng</th>
            <th scope="col">Mai táng phí</th>
          </tr>
        </thead>
        <tbody>
          {data.stopProposals.map((proposal) => (
            <tr key={`${proposal.personId}-${proposal.entitlement.decisionNumber}`}>
              <th scope="row">
                <Link to={`/doi-tuong/${proposal.personId}`}>{proposal.person?.fullName ?? '—'}</Link>
              </th>
              <td>
                {STOP_REASON[proposal.reason] ?? proposal.reason}
                {proposal.toUnit && ` (đến ${proposal.toUnit.name})`}
              </td>
              <td>{formatDate(proposal.eventDate)}</td>
              <td>{formatMonth(proposal.stopFromMonth)}</td>
              <td>
                {proposal.entitlement.category?.name ?? '—'}, QĐ {proposal.entitlement.decisionNumber}
              </td>
              <td>{proposal.funeralSupportDue ? formatVnd(proposal.funeralSupportAmount ?? 0) : '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
