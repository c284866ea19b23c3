import { useState } from 'react';
import { graphql } from '../generated/gql.ts';
import { asGraphError, type GraphError } from '../graphql.ts';
import { ErrorMessage, SelectField } from '../shell/fields.tsx';
import { JobProgress, useJob } from '../shell/job.tsx';
import { useGraph } from '../shell/use-graph.ts';

const EXPORT_LIST = graphql(`
  mutation ExportPaymentList($listId: ID!, $format: ExportFormat!) {
    exportPaymentList(listId: $listId, format: $format) {
      id
    }
  }
`);

type Format = 'XLSX' | 'CSV' | 'PDF';

/** Xuất danh sách chi trả as a file, made by a job, then downloaded. */
export function PaymentListExport({ listId }: { listId: string }) {
  const { run, download } = useGraph();
  const [format, setFormat] = useState<Format>('XLSX');
  const [jobId, setJobId] = useState<string | null>(null);
  const [failure, setFailure] = useState<GraphError | null>(null);
  const { job, error } = useJob(jobId);
  const file = job?.paymentListExport?.file;

  const start = async () => {
    setFailure(null);
    try {
      setJobId((await run(EXPORT_LIST, { listId, format })).exportPaymentList.id);
    } catch (caught) {
      setFailure(asGraphError(caught));
    }
  };

  return (
    <section aria-labelledby="export-title" className="panel">
      <h2 id="export-title">Xuất danh sách chi trả</h2>
      <div className="toolbar">
        <SelectField
          label="Định dạng"
          value={format}
          onChange={(value) => setFormat(value as Format)}
          options={[
            ['XLSX', 'Excel (XLSX)'],
            ['CSV', 'CSV'],
            ['PDF', 'PDF'],
          ]}
        />
        <button type="button" onClick={() => void start()}>
          Xuất danh sách
        </button>
      </div>
      <ErrorMessage error={failure} />
      {jobId && <JobProgress job={job} error={error} />}
      {file && (
        <button
          type="button"
          onClick={() =>
            void download(file.url, file.fileName).catch((caught: unknown) =>
              setFailure(asGraphError(caught)),
            )
          }
        >
          Tải xuống {file.fileName}
        </button>
      )}
    </section>
  );
}
