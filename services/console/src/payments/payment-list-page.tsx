import { useState } from 'react';
import { graphql } from '../generated/gql.ts';
import {
  formatCount,
  formatDateTime,
  formatMonth,
  formatVnd,
  label,
  LIST_STATE,
  PAYMENT_CHANNEL,
  PAYMENT_STATUS,
} from '../format.ts';
import { asGraphError, type GraphError } from '../graphql.ts';
import { hasRole, useOfficial } from '../shell/console-context.tsx';
import { ErrorMessage, Loading } from '../shell/fields.tsx';
import { Link } from '../shell/router.tsx';
import { useGraph, useQuery } from '../shell/use-graph.ts';
import { DailyUpdate } from './daily-update.tsx';
import { Disbursement } from './disbursement.tsx';
import { PaymentListExport } from './payment-list-export.tsx';
import type { PaymentListLine } from './payment-updates.ts';
import { Figure, Figures } from '../shell/figures.tsx';

const PAYMENT_LIST = graphql(`
  query PaymentListPage($id: ID!) {
    paymentList(id: $id) {
      id
      unitCode
      unit {
        name
      }
      month
      state
      controlTotals {
        lines
        persons
        amount
        heldLines
        heldAmount
        byChannel {
          channel
          lines
          amount
        }
      }
      generatedAt
      generatedBy
      approvedAt
      approvedBy
      closedAt
      closedBy
      lines(first: 5000) {
        id
        lineCode
        person {
          id
          fullName
        }
        total
        channel
        status
        holdReason
        paidAt
        receiver
        receiverName
        reference
        late
        version
      }
    }
  }
`);

const APPROVE = graphql(`
  mutation ApprovePaymentList($id: ID!) {
    approvePaymentList(id: $id) {
      id
      state
    }
  }
`);

const CLOSE = graphql(`
  mutation ClosePaymentList($id: ID!) {
    closePaymentList(id: $id) {
      id
      state
    }
  }
`);

/** One commune's list of a month: its control totals, approval and closing, the daily updates and the provider's files. */
export function PaymentListPage({ listId }: { listId: string }) {
  const official = useOfficial();
  const { data, error, reload } = useQuery(PAYMENT_LIST, { id: listId });
  const { run } = useGraph();
  const [failure, setFailure] = useState<GraphError | null>(null);
  const [done, setDone] = useState<string | null>(null);

  if (error && !data) return <ErrorMessage error={error} />;
  if (!data) return <Loading what="danh sách chi trả" />;
  const list = data.paymentList;
  if (!list) return <ErrorMessage error="Không tìm thấy danh sách chi trả này trong đơn vị của bạn." />;

  const act = async (action: 'approve' | 'close') => {
    setFailure(null);
    setDone(null);
    try {
      if (action === 'approve') await run(APPROVE, { id: list.id });
      else await run(CLOSE, { id: list.id });
      setDone(action === 'approve' ? 'Đã phê duyệt danh sách.' : 'Đã đóng danh sách.');
      reload();
    } catch (caught) {
      setFailure(asGraphError(caught));
    }
  };
  const totals = list.controlTotals;
  const paying = list.state === 'APPROVED' || list.state === 'PAYING';
  return (
    <>
      <p>
        <Link to={`/chi-tra?thang=${list.month}`}>← Danh sách chi trả {formatMonth(list.month)}</Link>
      </p>
      <h1>
        Danh sách chi trả {list.unit.name}, {formatMonth(list.month)}
      </h1>
      <p>
        Trạng thái: <strong data-testid="list-state">{label(LIST_STATE, list.state)}</strong>
        {list.generatedAt && ` · lập ${formatDateTime(list.generatedAt)} (${list.generatedBy ?? ''})`}
        {list.approvedAt && ` · phê duyệt ${formatDateTime(list.approvedAt)} (${list.approvedBy ?? ''})`}
        {list.closedAt && ` · đóng ${formatDateTime(list.closedAt)} (${list.closedBy ?? ''})`}
      </p>
      <Figures>
        <Figure label="Số dòng">{formatCount(totals.lines)}</Figure>
        <Figure label="Số người">{formatCount(totals.persons)}</Figure>
        <Figure label="Tổng tiền">{formatVnd(totals.amount)}</Figure>
        <Figure label="Tạm giữ">
          {formatCount(totals.heldLines)} dòng, {formatVnd(totals.heldAmount)}
        </Figure>
      </Figures>
      <p>
        Theo kênh:{' '}
        {totals.byChannel
          .map(
            (channel) =>
              `${label(PAYMENT_CHANNEL, channel.channel)} ${formatCount(channel.lines)} dòng, ${formatVnd(channel.amount)}`,
          )
          .join('; ')}
      </p>
      <div className="toolbar">
        {list.state === 'DRAFT' && hasRole(official, 'approver', 'admin') && (
          <button type="button" className="primary" onClick={() => void act('approve')}>
            Phê duyệt danh sách
          </button>
        )}
        {list.state === 'PAYING' && hasRole(official, 'officer', 'admin') && (
          <button type="button" onClick={() => void act('close')}>
            Đóng danh sách
          </button>
        )}
      </div>
      <ErrorMessage error={failure} />
      {done && <p role="status">{done}</p>}
      {paying && hasRole(official, 'payer', 'admin') && (
        <>
          <DailyUpdate listId={list.id} lines={list.lines} onRecorded={reload} />
          <Disbursement listId={list.id} onImported={reload} />
        </>
      )}
      {!(paying && hasRole(official, 'payer', 'admin')) && <LinesTable lines={list.lines} />}
      {hasRole(official, 'officer', 'approver', 'payer', 'analyst', 'auditor', 'admin') && (
        <PaymentListExport listId={list.id} />
      )}
    </>
  );
}

/** The lines as they are, for whoever reads the list without recording payments. */
function LinesTable({ lines }: { lines: readonly PaymentListLine[] }) {
  return (
    <div className="table-scroll">
      <table>
        <caption>Các dòng chi trả</caption>
        <thead>
          <tr>
            <th scope="col">Mã dòng</th>
            <th scope="col">Họ và tên</th>
            <th scope="col">Số tiền</th>
            <th scope="col">Kênh</th>
            <th scope="col">Trạng thái</th>
            <th scope="col">Ngày nhận</th>
          </tr>
        </thead>
        <tbody>
          {lines.map((line) => (
            <tr key={line.id}>
              <td>{line.lineCode}</td>
              <td>{line.person.fullName ?? '—'}</td>
              <td className="number">{formatVnd(line.total)}</td>
              <td>{label(PAYMENT_CHANNEL, line.channel)}</td>
              <td>{label(PAYMENT_STATUS, line.status)}</td>
              <td>{formatDateTime(line.paidAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
