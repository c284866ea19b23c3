import { useState, type FormEvent } from 'react';
import { graphql } from '../generated/gql.ts';
import type { ImportDisbursementResultMutation } from '../generated/graphql.ts';
import { formatCount, formatDateTime, formatVnd } from '../format.ts';
import { asGraphError, type GraphError } from '../graphql.ts';
import { useDraft } from '../shell/drafts.ts';
import { ErrorMessage, Field, formErrors, SelectField } from '../shell/fields.tsx';
import { useGraph, useQuery } from '../shell/use-graph.ts';

const DISBURSEMENT = graphql(`
  query DisbursementOfList($listId: ID!) {
    paymentProviders {
      code
      name
    }
    reconciliations(listId: $listId) {
      id
      provider
      fileName
      rows
      matchedPaid
      matchedFailed
      recordedAt
      recordedBy
      mismatches {
        row
      }
    }
  }
`);

const EXPORT_FILE = graphql(`
  mutation ExportDisbursementFile($listId: ID!, $provider: String!) {
    exportDisbursementFile(listId: $listId, provider: $provider) {
      lines
      amount
      file {
        fileName
        url
      }
    }
  }
`);

const IMPORT_RESULT = graphql(`
  mutation ImportDisbursementResult($listId: ID!, $provider: String!, $fileId: ID!) {
    importDisbursementResult(listId: $listId, provider: $provider, fileId: $fileId) {
      fileName
      rows
      matchedPaid
      matchedFailed
      mismatches {
        row
        reference
        kind
        expectedAmount
        foundAmount
        message
      }
    }
  }
`);

type Reconciliation = ImportDisbursementResultMutation['importDisbursementResult'];

/**
 * The provider's files of a list: the disbursement file to send (lines it pays, not held, not yet paid)
 * and the result file it answers, read against the list with every row that does not match reported.
 */
export function Disbursement({ listId, onImported }: { listId: string; onImported: () => void }) {
  const { data, reload } = useQuery(DISBURSEMENT, { listId });
  const { run, upload, download } = useGraph();
  const [form, setForm] = useDraft(`disbursement:${listId}`, { provider: 'POST' });
  const [file, setFile] = useState<File | null>(null);
  const [failure, setFailure] = useState<GraphError | null>(null);
  const [exported, setExported] = useState<string | null>(null);
  const [result, setResult] = useState<Reconciliation | null>(null);
  const errors = formErrors(failure, ['provider', 'fileId']);
  const providers: [string, string][] = [
    ['POST', 'Bưu điện (chi tại nhà)'],
    ...(data?.paymentProviders.map((provider): [string, string] => [provider.code, provider.name]) ?? []),
  ];

  const exportFile = async () => {
    setFailure(null);
    setExported(null);
    try {
      const { exportDisbursementFile: answer } = await run(EXPORT_FILE, { listId, provider: form.provider });
      await download(answer.file.url, answer.file.fileName);
      setExported(
        `Đã xuất ${answer.file.fileName}: ${formatCount(answer.lines)} dòng, ${formatVnd(answer.amount)}.`,
      );
    } catch (caught) {
      setFailure(asGraphError(caught));
    }
  };

  const importResult = async (event: FormEvent) => {
    event.preventDefault();
    setFailure(null);
    setResult(null);
    if (!file) return;
    try {
      const answer = await upload(
        IMPORT_RESULT,
        { listId, provider: form.provider, fileId: '' },
        'fileId',
        file,
      );
      setResult(answer.importDisbursementResult);
      reload();
      onImported();
    } catch (caught) {
      setFailure(asGraphError(caught));
    }
  };

  return (
    <section aria-labelledby="disbursement-title" className="panel">
      <h2 id="disbursement-title">Tệp chi trả qua ngân hàng, ví, bưu điện</h2>
      <form onSubmit={(event) => void importResult(event)}>
        <div className="toolbar">
          <SelectField
            label="Đơn vị chi trả"
            value={form.provider}
            onChange={(value) => setForm({ provider: value })}
            options={providers}
            error={errors.of('provider')}
          />
          <button type="button" onClick={() => void exportFile()}>
            Xuất tệp chi trả
          </button>
        </div>
        <div className="toolbar">
          <Field label="Tệp kết quả của đơn vị chi trả (CSV)" error={errors.of('fileId')}>
            {(props) => (
              <input
                {...props}
                type="file"
                accept=".csv,text/csv"
                onChange={(event) => setFile(event.target.files?.[0] ?? null)}
              />
            )}
          </Field>
          <button type="submit" disabled={!file}>
            Nhập kết quả
          </button>
        </div>
      </form>
      <ErrorMessage error={errors.form} />
      {exported && <p role="status">{exported}</p>}
      {result && <ReconciliationResult result={result} />}
      {data && data.reconciliations.length > 0 && (
        <details>
          <summary>Các tệp kết quả đã nhập ({formatCount(data.reconciliations.length)})</summary>
          <ul>
            {data.reconciliations.map((reconciliation) => (
              <li key={reconciliation.id}>
                {formatDateTime(reconciliation.recordedAt)} · {reconciliation.provider} ·{' '}
                {reconciliation.fileName}: {formatCount(reconciliation.rows)} dòng,{' '}
                {formatCount(reconciliation.matchedPaid)} đã nhận, {formatCount(reconciliation.matchedFailed)}{' '}
                không chi được, {formatCount(reconciliation.mismatches.length)} không khớp (
                {reconciliation.recordedBy})
              </li>
            ))}
          </ul>
        </details>
      )}
    </section>
  );
}

function ReconciliationResult({ result }: { result: Reconciliation }) {
  return (
    <div role="status">
      <p>
        {result.fileName}: {formatCount(result.rows)} dòng; {formatCount(result.matchedPaid)} dòng ghi đã
        nhận, {formatCount(result.matchedFailed)} dòng ghi không chi được;{' '}
        {formatCount(result.mismatches.length)} dòng không khớp (không thay đổi gì).
      </p>
      {result.mismatches.length > 0 && (
        <div className="table-scroll">
          <table>
            <caption>Dòng không khớp</caption>
            <thead>
              <tr>
                <th scope="col">Dòng tệp</th>
                <th scope="col">Mã tham chiếu</th>
                <th scope="col">Số tiền danh sách</th>
                <th scope="col">Số tiền trong tệp</th>
                <th scope="col">Lý do</th>
              </tr>
            </thead>
            <tbody>
              {result.mismatches.map((mismatch) => (
                <tr key={mismatch.row}>
                  <td>{mismatch.row}</td>
                  <td>{mismatch.reference}</td>
                  <td className="number">
                    {mismatch.expectedAmount == null ? '' : formatVnd(mismatch.expectedAmount)}
                  </td>
                  <td className="number">
                    {mismatch.foundAmount == null ? '' : formatVnd(mismatch.foundAmount)}
                  </td>
                  <td>{mismatch.message}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
