import { graphql } from '../generated/gql.ts';
import {
  formatCount,
  formatDate,
  formatMonth,
  formatVnd,
  label,
  PAYMENT_STATUS,
  thisMonth,
} from '../format.ts';
import { ErrorMessage, Loading } from '../shell/fields.tsx';
import { Link } from '../shell/router.tsx';
import { useQuery } from '../shell/use-graph.ts';
import { Countdown } from './countdown.tsx';
import { Figure, Figures } from '../shell/figures.tsx';

const COMMUNE_HOME = graphql(`
  query CommuneHome($unitCode: ID!, $month: String!) {
    unitSummary(code: $unitCode) {
      unit {
        code
        name
      }
      month
      personCount
      beneficiaryCount
      monthlyEntitlementTotal
      paidTotal
      unpaidTotal
    }
    dailyUpdateStatus {
      date
      cutOff
      lists {
        listId
        month
        updated
        updates
        lateUpdates
        lastRecordedAt
      }
    }
    paymentLists(month: $month) {
      id
      state
      controlTotals {
        lines
        heldLines
      }
    }
    lineStatuses: stats(
      input: {
        groupBy: [PAYMENT_STATUS]
        measures: [PAYMENT_LINES]
        filter: { unitCode: $unitCode, fromMonth: $month }
      }
    ) {
      rows {
        paymentStatus
        paymentLines
      }
    }
    applications(filter: { state: IN_PROGRESS, first: 200 }) {
      id
      filedOn
      person {
        fullName
      }
      category {
        name
      }
      currentStep {
        name
        dueOn
        overdue
      }
    }
    policyConflicts {
      fromMonth
    }
    stopProposals {
      stopFromMonth
    }
    duplicateWarnings {
      totalCount
    }
  }
`);

/** A commune official's day: the updates still to do before 17:30, open warnings and dossiers waiting. */
export function CommuneHome({ unitCode }: { unitCode: string }) {
  const month = thisMonth();
  const { data, error } = useQuery(COMMUNE_HOME, { unitCode, month });
  if (error && !data) return <ErrorMessage error={error} />;
  if (!data) return <Loading what="số liệu" />;
  const { unitSummary: summary, dailyUpdateStatus: daily } = data;
  // Statistics name statuses in lower case (`pending`).
  const pending = data.lineStatuses.rows.find((row) => row.paymentStatus === 'pending')?.paymentLines ?? 0;
  const todays = daily.lists.reduce((sum, list) => sum + list.updates, 0);
  const payable = data.paymentLists.filter((list) => list.state === 'APPROVED' || list.state === 'PAYING');
  const overdue = data.applications.filter((application) => application.currentStep?.overdue);
  const warnings: [string, number, string][] = [
    ['Xung đột một người một chính sách', data.policyConflicts.length, '/ho-so?tab=xung-dot'],
    ['Đề nghị thôi hưởng (chết, chuyển đi)', data.stopProposals.length, '/ho-so?tab=thoi-huong'],
    ['Cảnh báo trùng đối tượng', data.duplicateWarnings.totalCount, '/doi-tuong'],
  ];
  return (
    <>
      <h1>
        {summary.unit.name}: {formatMonth(summary.month)}
      </h1>
      <section aria-labelledby="today-title" className="panel">
        <h2 id="today-title">Cập nhật chi trả hôm nay ({formatDate(daily.date)})</h2>
        <Countdown cutOff={daily.cutOff} />
        <Figures>
          <Figure label="Dòng chưa cập nhật" testId="pending-lines">
            {formatCount(pending)}
          </Figure>
          <Figure label="Đã cập nhật hôm nay" testId="updates-today">
            {formatCount(todays)}
          </Figure>
          <Figure label="Đã chi trả trong tháng">{formatVnd(summary.paidTotal)}</Figure>
          <Figure label="Chưa chi trả">{formatVnd(summary.unpaidTotal)}</Figure>
        </Figures>
        {payable.length > 0 ? (
          <p>
            {payable.map((list) => (
              <Link key={list.id} to={`/chi-tra/${list.id}`} className="button primary">
                Cập nhật chi trả ({formatCount(list.controlTotals.lines)} dòng)
              </Link>
            ))}
          </p>
        ) : (
          <p>
            Chưa có danh sách chi trả đã phê duyệt của tháng này. <Link to="/chi-tra">Lập danh sách</Link>
          </p>
        )}
        <details>
          <summary>Số dòng theo trạng thái</summary>
          <ul>
            {data.lineStatuses.rows.map((row) => (
              <li key={row.paymentStatus ?? ''}>
                {label(PAYMENT_STATUS, row.paymentStatus?.toUpperCase())}:{' '}
                {formatCount(row.paymentLines ?? 0)}
              </li>
            ))}
          </ul>
        </details>
      </section>
      <section aria-labelledby="warnings-title" className="panel">
        <h2 id="warnings-title">Cảnh báo đang mở</h2>
        <ul className="warnings">
          {warnings.map(([text, count, to]) => (
            <li key={text} className={count > 0 ? 'open' : undefined}>
              <Link to={to}>{text}</Link>: <strong>{formatCount(count)}</strong>
            </li>
          ))}
        </ul>
      </section>
      <section aria-labelledby="dossiers-title" className="panel">
        <h2 id="dossiers-title">
          Hồ sơ đang chờ xử lý: {formatCount(data.applications.length)}
          {overdue.length > 0 && <span className="badge danger"> {formatCount(overdue.length)} quá hạn</span>}
        </h2>
        <table>
          <thead>
            <tr>
              <th scope="col">Người nộp</th>
              <th scope="col">Chế độ</th>
              <th scope="col">Bước</th>
              <th scope="col">Hạn</th>
            </tr>
          </thead>
          <tbody>
            {data.applications.slice(0, 10).map((application) => (
              <tr key={application.id} className={application.currentStep?.overdue ? 'overdue' : undefined}>
                <td>{application.person.fullName}</td>
                <td>{application.category?.name}</td>
                <td>{application.currentStep?.name}</td>
                <td>{formatDate(application.currentStep?.dueOn)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <p>
          <Link to="/ho-so">Mở hàng chờ hồ sơ</Link>
        </p>
      </section>
      <section aria-labelledby="month-title" className="panel">
        <h2 id="month-title">Trong sổ</h2>
        <Figures>
          <Figure label="Người trong sổ">{formatCount(summary.personCount)}</Figure>
          <Figure label="Đối tượng đang hưởng">{formatCount(summary.beneficiaryCount)}</Figure>
          <Figure label="Tổng trợ cấp hằng tháng">{formatVnd(summary.monthlyEntitlementTotal)}</Figure>
        </Figures>
      </section>
    </>
  );
}
