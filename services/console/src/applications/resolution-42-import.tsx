import { useState, type FormEvent } from 'react';
import { graphql } from '../generated/gql.ts';
import { formatCount, formatDate, formatVnd } from '../format.ts';
import { asGraphError, type GraphError } from '../graphql.ts';
import { hasRole, useOfficial } from '../shell/console-context.tsx';
import { useDraft } from '../shell/drafts.ts';
import { ErrorMessage, Field, formErrors, Loading, SelectField, TextField } from '../shell/fields.tsx';
import { JobProgress, useJob } from '../shell/job.tsx';
import { useGraph, useQuery } from '../shell/use-graph.ts';

const R42_LISTS = graphql(`
  query Resolution42ListsOfUnit {
    resolution42Lists {
      id
      categoryName
      unit {
        name
      }
      decisionNumber
      decisionDate
      fileName
      people
      paid
      flagged
      amountPaid
    }
    flaggedRows: resolution42Rows(filter: { outcome: FLAGGED }, first: 500) {
      id
      listId
      rowNumber
      fullName
      citizenId
      amount
      flaggedReason
    }
  }
`);

const IMPORT_R42 = graphql(`
  mutation ImportResolution42List($input: ImportResolution42ListInput!) {
    importResolution42List(input: $input) {
      id
    }
  }
`);

/** The groups of Resolution 42 (Nghị quyết 42/NQ-CP), as the lists name them. */
const GROUPS = [
  ['r42-merit', 'Người có công với cách mạng'],
  ['r42-social-protection', 'Đối tượng bảo trợ xã hội'],
  ['r42-poor-member', 'Thành viên hộ nghèo, cận nghèo'],
  ['r42-suspended-contract', 'Người lao động tạm hoãn hợp đồng'],
  ['r42-lost-job', 'Người lao động mất việc làm'],
  ['r42-household-business', 'Hộ kinh doanh'],
] as const;

const FIELDS = ['fileId', 'categoryCode', 'unitCode', 'decisionNumber', 'decisionDate'];

/** Nhập danh sách Nghị quyết 42 from a spreadsheet, with the people paid by another group's list flagged. */
export function Resolution42Import() {
  const official = useOfficial();
  const { upload } = useGraph();
  const { data, error, reload } = useQuery(R42_LISTS, {});
  const [form, setForm] = useDraft('resolution-42-import', {
    categoryCode: 'r42-poor-member',
    unitCode: official.unitLevel === 'commune' ? official.unitCode : '',
    decisionNumber: '',
    decisionDate: '',
  });
  const [file, setFile] = useState<File | null>(null);
  const [failure, setFailure] = useState<GraphError | null>(null);
  const [jobId, setJobId] = useState<string | null>(null);
  const { job, error: jobError } = useJob(jobId);
  const errors = formErrors(failure, FIELDS);
  const result = job?.resolution42Import;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setFailure(null);
    if (!file) return;
    try {
      const answer = await upload(IMPORT_R42, { input: { ...form, fileId: '' } }, 'input.fileId', file);
      setJobId(answer.importResolution42List.id);
      reload();
    } catch (caught) {
      setFailure(asGraphError(caught));
    }
  };

  return (
    <section aria-labelledby="r42-title">
      <h2 id="r42-title">Danh sách hỗ trợ theo Nghị quyết 42</h2>
      {hasRole(official, 'officer', 'admin') && official.unitLevel !== 'district' && (
        <form className="panel" onSubmit={(event) => void submit(event)}>
          <div className="toolbar">
            <SelectField
              label="Nhóm đối tượng"
              value={form.categoryCode}
              onChange={(value) => setForm({ categoryCode: value })}
              options={GROUPS}
              error={errors.of('categoryCode')}
            />
            <TextField
              label="Mã xã"
              value={form.unitCode}
              onChange={(value) => setForm({ unitCode: value })}
              error={errors.of('unitCode')}
              inputMode="numeric"
              maxLength={5}
            />
            <TextField
              label="Số quyết định phê duyệt"
              value={form.decisionNumber}
              onChange={(value) => setForm({ decisionNumber: value })}
              error={errors.of('decisionNumber')}
            />
            <TextField
              label="Ngày quyết định"
              type="date"
              value={form.decisionDate}
              onChange={(value) => setForm({ decisionDate: value })}
              error={errors.of('decisionDate')}
            />
            <Field label="Tệp danh sách (CSV hoặc XLSX)" error={errors.of('fileId')}>
              {(props) => (
                <input
                  {...props}
                  type="file"
                  accept=".csv,.xlsx"
                  onChange={(event) => setFile(event.target.files?.[0] ?? null)}
                />
              )}
            </Field>
          </div>
          <button type="submit" className="primary" disabled={!file}>
            Nhập danh sách
          </button>
          <ErrorMessage error={errors.form} />
          {jobId && <JobProgress job={job} error={jobError} />}
          {result && (
            <div role="status">
              <p>
                {result.fileName}: {formatCount(result.rows)} dòng, {formatCount(result.accepted)} nhận,{' '}
                {formatCount(result.rejected)} lỗi, {formatCount(result.paid)} được chi,{' '}
                {formatCount(result.flagged)} bị gắn cờ (đã hưởng ở nhóm khác).
              </p>
              {result.problems.length > 0 && (
                <ul>
                  {result.problems.map((problem) => (
                    <li key={`${problem.row}-${problem.column}`}>
                      Dòng {problem.row}, cột {problem.column}: {problem.message}
                    </li>
                  ))}
                </ul>
              )}
            </div>
          )}
        </form>
      )}
      {error && !data && <ErrorMessage error={error} />}
      {!data ? (
        !error && <Loading what="danh sách" />
      ) : (
        <>
          <div className="table-scroll">
            <table>
              <caption>Các danh sách đã nhập</caption>
              <thead>
                <tr>
                  <th scope="col">Nhóm</th>
                  <th scope="col">Đơn vị</th>
                  <th scope="col">Quyết định</th>
                  <th scope="col">Số người</th>
                  <th scope="col">Được chi</th>
                  <th scope="col">Gắn cờ</th>
                  <th scope="col">Số tiền</th>
                </tr>
              </thead>
              <tbody>
                {data.resolution42Lists.map((list) => (
                  <tr key={list.id}>
                    <td>{list.categoryName}</td>
                    <td>{list.unit.name}</td>
                    <td>
                      {list.decisionNumber} ngày {formatDate(list.decisionDate)}
                    </td>
                    <td className="number">{formatCount(list.people)}</td>
                    <td className="number">{formatCount(list.paid)}</td>
                    <td className="number">{formatCount(list.flagged)}</td>
                    <td className="number">{formatVnd(list.amountPaid)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {data.flaggedRows.length > 0 && (
            <div className="table-scroll">
              <table>
                <caption>Người bị gắn cờ: đã được hỗ trợ ở nhóm khác, không chi lần nữa</caption>
                <thead>
                  <tr>
                    <th scope="col">Dòng</th>
                    <th scope="col">Họ và tên</th>
                    <th scope="col">Số CCCD</th>
                    <th scope="col">Số tiền</th>
                    <th scope="col">Lý do</th>
                  </tr>
                </thead>
                <tbody>
                  {data.flaggedRows.map((row) => (
                    <tr key={row.id}>
                      <td>{row.rowNumber}</td>
                      <td>{row.fullName ?? '—'}</td>
                      <td>{row.citizenId ?? '—'}</td>
                      <td className="number">{formatVnd(row.amount)}</td>
                      <td>{row.flaggedReason}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </>
      )}
    </section>
  );
}
