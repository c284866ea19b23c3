import { useState } from 'react';
import { graphql } from '../generated/gql.ts';
import { addMonths, formatCount, formatMonth, formatVnd, label, LIST_STATE, thisMonth } from '../format.ts';
import { asGraphError, type GraphError } from '../graphql.ts';
import { hasRole, useOfficial } from '../shell/console-context.tsx';
import { ErrorMessage, Loading, SelectField } from '../shell/fields.tsx';
import { JobProgress, jobFinished, useJob } from '../shell/job.tsx';
import { Link, setSearchParams, useLocation } from '../shell/router.tsx';
import { useGraph, useQuery } from '../shell/use-graph.ts';

const PAYMENT_LISTS = graphql(`
  query PaymentListsOfMonth($month: String!) {
    paymentLists(month: $month) {
      id
      unitCode
      unit {
        name
      }
      state
      controlTotals {
        lines
        persons
        amount
        heldLines
      }
    }
  }
`);

const GENERATE = graphql(`
  mutation GeneratePaymentList($unitCode: ID!, $month: String!) {
    generatePaymentList(unitCode: $unitCode, month: $month) {
      id
    }
  }
`);

/** The months an official picks a list from: the year behind and next month (the furthest a list is made ahead). */
function monthOptions(current: string): [string, string][] {
  return Array.from({ length: 14 }, (_, index) => {
    const month = addMonths(current, 1 - index);
    return [month, formatMonth(month)];
  });
}

/** Danh sách chi trả of a month under the official's unit; a commune officer makes (or makes again) the drafts. */
export function PaymentLists() {
  const official = useOfficial();
  const location = useLocation();
  const month = location.searchParams.get('thang') ?? thisMonth();
  const { data, error, reload } = useQuery(PAYMENT_LISTS, { month });
  const { run } = useGraph();
  const [jobId, setJobId] = useState<string | null>(null);
  const [failure, setFailure] = useState<GraphError | null>(null);
  const { job, error: jobError } = useJob(jobId);
  const canGenerate = hasRole(official, 'officer', 'admin') && official.unitLevel !== 'district';

  const generate = async () => {
    setFailure(null);
    try {
      const answer = await run(GENERATE, { unitCode: official.unitCode, month });
      setJobId(answer.generatePaymentList.id);
    } catch (caught) {
      setFailure(asGraphError(caught));
    }
  };
  const generation = job?.paymentListGeneration;

  return (
    <>
      <h1>Danh sách chi trả</h1>
      <div className="toolbar">
        <SelectField
          label="Tháng"
          value={month}
          onChange={(value) => setSearchParams({ thang: value })}
          options={monthOptions(thisMonth())}
        />
        {canGenerate && (
          <button type="button" className="primary" onClick={() => void generate()}>
            Lập danh sách {formatMonth(month)}
          </button>
        )}
      </div>
      <ErrorMessage error={failure} />
      {jobId && (
        <div className="panel">
          <JobProgress job={job} error={jobError} />
          {generation && (
            <p role="status">
              Đã lập {formatCount(generation.lists)} danh sách, {formatCount(generation.lines)} dòng,{' '}
              {formatVnd(generation.amount)}
              {generation.heldLines > 0 && `; ${formatCount(generation.heldLines)} dòng tạm giữ`}
              {generation.lockedLists > 0 &&
                `; ${formatCount(generation.lockedLists)} danh sách đã khoá không lập lại`}
              .
            </p>
          )}
          {jobFinished(job) && (
            <button type="button" onClick={() => (setJobId(null), reload())}>
              Xem danh sách
            </button>
          )}
        </div>
      )}
      {error && !data && <ErrorMessage error={error} />}
      {!data ? (
        !error && <Loading what="danh sách" />
      ) : data.paymentLists.length === 0 ? (
        <p>Chưa có danh sách chi trả {formatMonth(month)}.</p>
      ) : (
        <div className="table-scroll">
          <table>
            <caption>Danh sách chi trả {formatMonth(month)}</caption>
            <thead>
              <tr>
                <th scope="col">Xã, phường</th>
                <th scope="col">Trạng thái</th>
                <th scope="col">Số dòng</th>
                <th scope="col">Số người</th>
                <th scope="col">Tổng tiền</th>
                <th scope="col">Tạm giữ</th>
              </tr>
            </thead>
            <tbody>
              {data.paymentLists.map((list) => (
                <tr key={list.id}>
                  <th scope="row">
                    <Link to={`/chi-tra/${list.id}`}>{list.unit.name}</Link>
                  </th>
                  <td>{label(LIST_STATE, list.state)}</td>
                  <td>{formatCount(list.controlTotals.lines)}</td>
                  <td>{formatCount(list.controlTotals.persons)}</td>
                  <td>{formatVnd(list.controlTotals.amount)}</td>
                  <td>{formatCount(list.controlTotals.heldLines)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
