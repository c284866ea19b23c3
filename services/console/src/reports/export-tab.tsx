import { useState, type FormEvent } from 'react';
import { formatCount, thisMonth, today } from '../format.ts';
import { graphql } from '../generated/gql.ts';
import type { ExportFormat } from '../generated/graphql.ts';
import { asGraphError, type GraphError } from '../graphql.ts';
import { useOfficial } from '../shell/console-context.tsx';
import { useDraft } from '../shell/drafts.ts';
import { ErrorMessage, formErrors, SelectField, TextField } from '../shell/fields.tsx';
import { JobProgress, jobFinished, useJob, type JobRecord } from '../shell/job.tsx';
import { useGraph } from '../shell/use-graph.ts';
import { defaultComplianceFilter } from './compliance.ts';
import {
  EXPORT_FORMATS,
  EXPORT_REPORTS,
  exportInput,
  exportPeriodOf,
  type ExportForm,
  type ExportReportName,
} from './export-reports.ts';
import { UnitCodeField } from './report-parts.tsx';

const REPORT_EXPORT_FILE = graphql(`
  mutation ReportExportFile($input: ReportExportInput!) {
    exportReport(input: $input) {
      id
    }
  }
`);

/** The form's fields, as the graph's refusals name them (`input.fromDate` → `fromDate`). */
const FIELDS = ['report', 'format', 'unitCode', 'month', 'fromMonth', 'toMonth', 'fromDate', 'toDate'];

function initialExportForm(unitCode: string): ExportForm {
  const { fromMonth, toMonth, fromDate, toDate } = defaultComplianceFilter(unitCode, today());
  return {
    report: 'payment-summary',
    format: 'XLSX',
    unitCode,
    month: thisMonth(),
    fromMonth,
    toMonth,
    fromDate,
    toDate,
  };
}

/** Xuất tệp: a report written to an XLSX, CSV or PDF file by a job, then downloaded. */
export function ExportTab() {
  const official = useOfficial();
  const { run } = useGraph();
  const [form, update] = useDraft<ExportForm>('reports:export', initialExportForm(official.unitCode));
  const [failure, setFailure] = useState<GraphError | null>(null);
  const [starting, setStarting] = useState(false);
  const [jobId, setJobId] = useState<string | null>(null);
  const { job, error: jobError } = useJob(jobId);
  const errors = formErrors(failure, FIELDS);
  const running = starting || (jobId !== null && !jobError && !jobFinished(job));

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setFailure(null);
    setJobId(null);
    setStarting(true);
    try {
      const answer = await run(REPORT_EXPORT_FILE, { input: exportInput(form) });
      setJobId(answer.exportReport.id);
    } catch (caught) {
      setFailure(asGraphError(caught));
    } finally {
      setStarting(false);
    }
  };

  return (
    <section aria-labelledby="export-title">
      <h2 id="export-title">Xuất tệp</h2>
      <form className="panel" aria-label="Báo cáo cần xuất" onSubmit={(event) => void submit(event)}>
        <div className="toolbar">
          <SelectField
            label="Báo cáo"
            value={form.report}
            onChange={(report) => update({ report: report as ExportReportName })}
            options={EXPORT_REPORTS.map((report) => [report.name, report.label] as const)}
            error={errors.of('report')}
          />
          <SelectField
            label="Định dạng"
            value={form.format}
            onChange={(format) => update({ format: format as ExportFormat })}
            options={EXPORT_FORMATS}
            error={errors.of('format')}
          />
          <UnitCodeField
            value={form.unitCode}
            onChange={(unitCode) => update({ unitCode })}
            error={errors.of('unitCode')}
            required
          />
          <ExportPeriodFields form={form} update={update} errorOf={errors.of} />
        </div>
        <ErrorMessage error={errors.form} />
        <button type="submit" className="primary" disabled={running}>
          Xuất tệp
        </button>
      </form>
      {jobId && <ExportJob job={job} error={jobError} />}
    </section>
  );
}

/** The period fields of the report chosen: a month, months, days, or none. */
function ExportPeriodFields({
  form,
  update,
  errorOf,
}: {
  form: ExportForm;
  update: (change: Partial<ExportForm>) => void;
  errorOf: (field: string) => string | null;
}) {
  switch (exportPeriodOf(form.report)) {
    case 'month':
      return (
        <TextField
          type="month"
          label="Tháng"
          value={form.month}
          onChange={(month) => update({ month })}
          error={errorOf('month')}
          required
        />
      );
    case 'months':
      return (
        <>
          <TextField
            type="month"
            label="Từ tháng"
            value={form.fromMonth}
            onChange={(fromMonth) => update({ fromMonth })}
            error={errorOf('fromMonth')}
            required
          />
          <TextField
            type="month"
            label="Đến tháng"
            value={form.toMonth}
            onChange={(toMonth) => update({ toMonth })}
            error={errorOf('toMonth')}
            required
          />
        </>
      );
    case 'days':
      return (
        <>
          <TextField
            type="date"
            label="Từ ngày"
            value={form.fromDate}
            onChange={(fromDate) => update({ fromDate })}
            error={errorOf('fromDate')}
            required
          />
          <TextField
            type="date"
            label="Đến ngày"
            value={form.toDate}
            onChange={(toDate) => update({ toDate })}
            error={errorOf('toDate')}
            required
          />
        </>
      );
    case 'none':
      return null;
  }
}

/** The export's progress, then its file to download. */
function ExportJob({ job, error }: { job: JobRecord | null; error: GraphError | null }) {
  const { download } = useGraph();
  const [failure, setFailure] = useState<GraphError | null>(null);
  const result = job?.reportExport;
  const save = async (url: string, fileName: string) => {
    setFailure(null);
    try {
      await download(url, fileName);
    } catch (caught) {
      setFailure(asGraphError(caught));
    }
  };
  return (
    <div className="panel">
      <JobProgress job={job} error={error} />
      {job?.state === 'DONE' && result && (
        <>
          <p role="status">Đã ghi {formatCount(result.rows)} dòng số liệu.</p>
          <button
            type="button"
            className="primary"
            onClick={() => void save(result.file.url, result.file.fileName)}
          >
            Tải xuống {result.file.fileName}
          </button>
          <ErrorMessage error={failure} />
        </>
      )}
    </div>
  );
}
