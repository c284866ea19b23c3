import { useState, type FormEvent } from 'react';
import { formatCount } from '../format.ts';
import { graphql } from '../generated/gql.ts';
import { asGraphError, type GraphError } from '../graphql.ts';
import { ErrorMessage, Field, TextField } from '../shell/fields.tsx';
import { JobProgress, useJob, type JobRecord } from '../shell/job.tsx';
import { Link } from '../shell/router.tsx';
import { useGraph } from '../shell/use-graph.ts';
import { Figure, Figures } from '../shell/figures.tsx';

const PERSON_IMPORT = graphql(`
  mutation PersonImport($file: Upload!, $unitCode: ID) {
    importPersons(file: $file, unitCode: $unitCode) {
      id
    }
  }
`);

type ImportResult = NonNullable<JobRecord['personImport']>;

const REPORT_FILE_NAME = 'loi-nhap-danh-sach.xlsx';
/** The API answers the first problems only; the report has them all. */
const PROBLEMS_ANSWERED = 1000;

/** Nhập danh sách đối tượng from a spreadsheet: the file goes up, its job is followed, then what it did. */
export function PersonImport() {
  const { upload } = useGraph();
  const [file, setFile] = useState<File | null>(null);
  const [unitCode, setUnitCode] = useState('');
  const [fileMissing, setFileMissing] = useState(false);
  const [refusal, setRefusal] = useState<GraphError | null>(null);
  const [sending, setSending] = useState(false);
  const [jobId, setJobId] = useState<string | null>(null);
  const { job, error } = useJob(jobId);

  const send = (event: FormEvent) => {
    event.preventDefault();
    setFileMissing(!file);
    if (!file) return;
    setSending(true);
    setRefusal(null);
    setJobId(null);
    upload(PERSON_IMPORT, { file, unitCode: unitCode.trim() || null }, 'file', file)
      .then(
        ({ importPersons }) => setJobId(importPersons.id),
        (failure: unknown) => setRefusal(asGraphError(failure)),
      )
      .finally(() => setSending(false));
  };

  return (
    <>
      <p>
        <Link to="/doi-tuong">Danh sách đối tượng</Link>
      </p>
      <h1>Nhập danh sách đối tượng</h1>
      <form className="panel" onSubmit={send}>
        <p>
          Tệp có một dòng tiêu đề, mỗi dòng sau là một đối tượng. Các cột: Họ và tên, Ngày sinh, Giới tính,
          Dân tộc, Số CCCD, Số CMND, Số điện thoại, Mã xã, Địa chỉ (và thông tin hộ, tài khoản nếu có). Dòng
          hợp lệ được lưu; dòng lỗi được liệt kê để sửa rồi nhập lại.
        </p>
        <Field label="Tệp danh sách (CSV hoặc XLSX)" error={fileMissing ? 'Hãy chọn tệp danh sách.' : null}>
          {(props) => (
            <input
              {...props}
              type="file"
              name="file"
              accept=".csv,.xlsx"
              onChange={(event) => {
                setFile(event.target.files?.[0] ?? null);
                setFileMissing(false);
              }}
            />
          )}
        </Field>
        <TextField
          label="Mã xã nhận danh sách"
          name="unitCode"
          inputMode="numeric"
          maxLength={5}
          value={unitCode}
          onChange={setUnitCode}
          hint="Không bắt buộc: để trống khi tệp có cột Mã xã, hoặc để nhập vào xã của bạn."
        />
        <p>
          <button type="submit" className="primary" disabled={sending} aria-busy={sending}>
            Nhập
          </button>
        </p>
      </form>
      <ErrorMessage error={refusal} />
      {jobId && (
        <section aria-labelledby="import-job-title" className="panel">
          <h2 id="import-job-title">Tiến độ nhập</h2>
          <JobProgress job={job} error={error} />
          {job?.personImport && <ImportOutcome result={job.personImport} />}
        </section>
      )}
    </>
  );
}

function ImportOutcome({ result }: { result: ImportResult }) {
  const figures: [string, number][] = [
    ['Số dòng đã đọc', result.rows],
    ['Thêm mới', result.created],
    ['Cập nhật', result.updated],
    ['Không thay đổi', result.unchanged],
    ['Bị từ chối', result.rejected],
    ['Cảnh báo trùng', result.duplicateWarnings],
  ];
  return (
    <>
      <h3>Kết quả nhập tệp {result.fileName}</h3>
      <Figures>
        {figures.map(([term, count]) => (
          <Figure key={term} label={term}>
            {formatCount(count)}
          </Figure>
        ))}
      </Figures>
      {result.duplicateWarnings > 0 && (
        <p>Các cảnh báo trùng hiện trên trang của từng đối tượng, để xác nhận gộp hoặc bỏ qua.</p>
      )}
      {result.ignoredColumns.length > 0 && <p>Các cột không dùng đến: {result.ignoredColumns.join(', ')}.</p>}
      {result.reportUrl && <ReportDownload url={result.reportUrl} />}
      {result.problems.length > 0 && <ImportProblems problems={result.problems} />}
    </>
  );
}

function ReportDownload({ url }: { url: string }) {
  const { download } = useGraph();
  const [failure, setFailure] = useState<GraphError | null>(null);
  const save = () => {
    setFailure(null);
    download(url, REPORT_FILE_NAME).catch((refusal: unknown) => setFailure(asGraphError(refusal)));
  };
  return (
    <>
      <p>
        <button type="button" onClick={save}>
          Tải báo cáo lỗi (XLSX)
        </button>
      </p>
      <ErrorMessage error={failure} />
    </>
  );
}

function ImportProblems({ problems }: { problems: ImportResult['problems'] }) {
  return (
    <div className="table-scroll">
      <table>
        <caption>
          Các lỗi
          {problems.length >= PROBLEMS_ANSWERED
            ? ` (${formatCount(problems.length)} lỗi đầu tiên; báo cáo lỗi có đủ)`
            : ''}
        </caption>
        <thead>
          <tr>
            <th scope="col">Dòng</th>
            <th scope="col">Cột</th>
            <th scope="col">Lỗi</th>
          </tr>
        </thead>
        <tbody>
          {problems.map((problem, index) => (
            <tr key={index}>
              <td>{problem.row}</td>
              <td>{problem.column}</td>
              <td>{problem.message}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
