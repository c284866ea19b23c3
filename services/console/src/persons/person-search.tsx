import { useState, type FormEvent } from 'react';
import { formatCount, formatDate, label, PERSON_STATUS } from '../format.ts';
import { graphql } from '../generated/gql.ts';
import type { ExportFormat, PersonFilter, PersonSearchQuery } from '../generated/graphql.ts';
import { asGraphError, type GraphError } from '../graphql.ts';
import { hasRole, useOfficial } from '../shell/console-context.tsx';
import { ErrorMessage, Loading, SelectField, TextField } from '../shell/fields.tsx';
import { JobProgress, useJob } from '../shell/job.tsx';
import { Link, setSearchParams, useLocation } from '../shell/router.tsx';
import { useGraph, useQuery } from '../shell/use-graph.ts';
import { personFilterOf } from './person-input.ts';

const PERSON_SEARCH = graphql(`
  query PersonSearch($filter: PersonFilter, $after: String) {
    persons(filter: $filter, first: 50, after: $after) {
      totalCount
      totalCountIsExact
      pageInfo {
        hasNextPage
        endCursor
      }
      edges {
        node {
          id
          fullName
          birthDate
          citizenId
          status
          residenceUnit {
            code
            fullName
          }
        }
      }
    }
  }
`);

const PERSON_EXPORT = graphql(`
  mutation PersonExport($filter: PersonFilter, $format: ExportFormat!) {
    exportPersons(filter: $filter, format: $format) {
      id
    }
  }
`);

type PersonPage = PersonSearchQuery['persons'];

const WRITER_ROLES = ['officer', 'admin'];
const EXPORTER_ROLES = ['officer', 'approver', 'payer', 'analyst', 'auditor', 'admin'];

const STATUS_OPTIONS = [['', 'Tất cả'], ...Object.entries(PERSON_STATUS)] as const;

const EXPORT_FORMATS: readonly (readonly [ExportFormat, string])[] = [
  ['XLSX', 'Excel (XLSX)'],
  ['CSV', 'CSV'],
  ['PDF', 'PDF'],
];

/** Tìm đối tượng: by name (with or without accents) or CCCD/CMND; the search is kept in the address. */
export function PersonSearch() {
  const official = useOfficial();
  const params = useLocation().searchParams;
  const query = params.get('q') ?? '';
  const status = params.get('trang-thai') ?? '';
  const filter = personFilterOf(query, status);
  return (
    <>
      <h1>Đối tượng</h1>
      {hasRole(official, ...WRITER_ROLES) && (
        <p className="toolbar">
          <Link to="/doi-tuong/moi" className="button primary">
            Thêm đối tượng
          </Link>
          <Link to="/doi-tuong/nhap" className="button">
            Nhập từ bảng tính
          </Link>
        </p>
      )}
      {/* Keyed by the address's text, so that a link to a new search resets the box. */}
      <SearchForm key={query} query={query} status={status} />
      <SearchResults key={JSON.stringify(filter)} filter={filter} />
      {hasRole(official, ...EXPORTER_ROLES) && <PersonExport filter={filter} />}
    </>
  );
}

function SearchForm({ query, status }: { query: string; status: string }) {
  const [text, setText] = useState(query);
  const search = (event: FormEvent) => {
    event.preventDefault();
    setSearchParams({ q: text.trim() });
  };
  return (
    <form role="search" className="toolbar" onSubmit={search}>
      <TextField
        label="Tìm theo họ tên hoặc số CCCD"
        type="search"
        name="q"
        value={text}
        onChange={setText}
        hint="Gõ có dấu hoặc không dấu; số CCCD 12 chữ số hoặc CMND 9 chữ số."
      />
      <SelectField
        label="Tình trạng"
        name="trang-thai"
        value={status}
        onChange={(value) => setSearchParams({ 'trang-thai': value })}
        options={STATUS_OPTIONS}
      />
      <button type="submit">Tìm</button>
    </form>
  );
}

/** The first page of the search, and the next pages as the official asks for them. */
function SearchResults({ filter }: { filter: PersonFilter }) {
  const { run } = useGraph();
  const { data, error } = useQuery(PERSON_SEARCH, { filter, after: null });
  const [nextPages, setNextPages] = useState<PersonPage[]>([]);
  const [moreError, setMoreError] = useState<GraphError | null>(null);
  const [loadingMore, setLoadingMore] = useState(false);
  if (error && !data) return <ErrorMessage error={error} />;
  if (!data) return <Loading what="danh sách đối tượng" />;

  const { totalCount, totalCountIsExact } = data.persons;
  const found = totalCountIsExact ? formatCount(totalCount) : `hơn ${formatCount(totalCount)}`;
  const pages = [data.persons, ...nextPages];
  const lastPage = pages[pages.length - 1]!;
  const persons = pages.flatMap((page) => page.edges.map((edge) => edge.node));
  const loadMore = () => {
    setLoadingMore(true);
    setMoreError(null);
    run(PERSON_SEARCH, { filter, after: lastPage.pageInfo.endCursor ?? null })
      .then(
        ({ persons: page }) => setNextPages((previous) => [...previous, page]),
        (failure: unknown) => setMoreError(asGraphError(failure)),
      )
      .finally(() => setLoadingMore(false));
  };

  return (
    <section aria-labelledby="results-title" className="panel">
      <h2 id="results-title">Kết quả</h2>
      <p role="status">
        Tìm thấy {found} đối tượng
        {persons.length < totalCount ? `, đang hiện ${formatCount(persons.length)}` : ''}.
        {totalCountIsExact ? '' : ' Hãy thu hẹp tìm kiếm.'}
      </p>
      {persons.length > 0 && (
        <div className="table-scroll">
          <table>
            <thead>
              <tr>
                <th scope="col">Họ và tên</th>
                <th scope="col">Ngày sinh</th>
                <th scope="col">Số CCCD</th>
                <th scope="col">Xã, phường nơi cư trú</th>
                <th scope="col">Tình trạng</th>
              </tr>
            </thead>
            <tbody>
              {persons.map((person) => (
                <tr key={person.id}>
                  <th scope="row">
                    <Link to={`/doi-tuong/${person.id}`}>
                      {person.fullName ?? 'Xem đối tượng (ẩn họ tên)'}
                    </Link>
                  </th>
                  <td>{formatDate(person.birthDate) || '—'}</td>
                  <td>{person.citizenId ?? '—'}</td>
                  <td>{person.residenceUnit.fullName}</td>
                  <td>{label(PERSON_STATUS, person.status)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <ErrorMessage error={moreError} />
      {lastPage.pageInfo.hasNextPage && (
        <p>
          <button type="button" onClick={loadMore} disabled={loadingMore} aria-busy={loadingMore}>
            Xem thêm
          </button>
        </p>
      )}
    </section>
  );
}

/** Xuất danh sách: the persons the search finds, as a file made by a job, then downloaded. */
function PersonExport({ filter }: { filter: PersonFilter }) {
  const { run, download } = useGraph();
  const [format, setFormat] = useState<ExportFormat>('XLSX');
  const [jobId, setJobId] = useState<string | null>(null);
  const [failure, setFailure] = useState<GraphError | null>(null);
  const [starting, setStarting] = useState(false);
  const { job, error } = useJob(jobId);
  const file = job?.personExport?.file ?? null;

  const start = (event: FormEvent) => {
    event.preventDefault();
    setStarting(true);
    setFailure(null);
    setJobId(null);
    run(PERSON_EXPORT, { filter, format })
      .then(
        ({ exportPersons }) => setJobId(exportPersons.id),
        (refusal: unknown) => setFailure(asGraphError(refusal)),
      )
      .finally(() => setStarting(false));
  };
  const save = (url: string, fileName: string) =>
    download(url, fileName).catch((refusal: unknown) => setFailure(asGraphError(refusal)));

  return (
    <section aria-labelledby="export-title" className="panel">
      <h2 id="export-title">Xuất danh sách</h2>
      <p>Xuất mọi đối tượng tìm được theo điều kiện đang chọn ra tệp.</p>
      <form className="toolbar" onSubmit={start}>
        <SelectField
          label="Định dạng tệp"
          value={format}
          onChange={(value) => setFormat(EXPORT_FORMATS.find(([code]) => code === value)?.[0] ?? 'XLSX')}
          options={EXPORT_FORMATS}
        />
        <button type="submit" disabled={starting}>
          Xuất danh sách
        </button>
      </form>
      <ErrorMessage error={failure} />
      {jobId && <JobProgress job={job} error={error} />}
      {file && (
        <p>
          <button type="button" className="primary" onClick={() => void save(file.url, file.fileName)}>
            Tải tệp {file.fileName}
          </button>
        </p>
      )}
    </section>
  );
}
