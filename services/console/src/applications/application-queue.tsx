import { graphql } from '../generated/gql.ts';
import { formatCount, formatDate, label, APPLICATION_STATE } from '../format.ts';
import { hasRole, useOfficial } from '../shell/console-context.tsx';
import { ErrorMessage, Loading, SelectField } from '../shell/fields.tsx';
import { Link, setSearchParams, useLocation } from '../shell/router.tsx';
import { useQuery } from '../shell/use-graph.ts';
import { ApplicationActions } from './application-actions.tsx';
import { PolicyConflicts, StopProposals } from './conflicts.tsx';
import { Resolution42Import } from './resolution-42-import.tsx';

const APPLICATIONS = graphql(`
  query ApplicationQueue($filter: ApplicationFilter) {
    applications(filter: $filter) {
      id
      filedOn
      source
      externalDossierCode
      state
      person {
        id
        fullName
      }
      unit {
        name
        isCurrent
      }
      category {
        name
      }
      currentStep {
        code
        name
        role
        isDecision
        dueOn
        overdue
      }
    }
  }
`);

const TABS = [
  ['hang-cho', 'Hàng chờ hồ sơ'],
  ['xung-dot', 'Xung đột chính sách'],
  ['thoi-huong', 'Đề nghị thôi hưởng'],
  ['nq42', 'Danh sách Nghị quyết 42'],
] as const;

/** Hồ sơ: the work queues by step, the one-policy conflicts, the stops to decide and the Resolution 42 lists. */
export function ApplicationQueue() {
  const location = useLocation();
  const tab = location.searchParams.get('tab') ?? 'hang-cho';
  return (
    <>
      <h1>Hồ sơ và quyết định</h1>
      <div className="tabs" role="group" aria-label="Phần">
        {TABS.map(([value, text]) => (
          <button
            key={value}
            type="button"
            aria-pressed={tab === value}
            onClick={() =>
              setSearchParams({ tab: value === 'hang-cho' ? null : value, buoc: null, ho: null })
            }
          >
            {text}
          </button>
        ))}
      </div>
      {tab === 'xung-dot' ? (
        <PolicyConflicts />
      ) : tab === 'thoi-huong' ? (
        <StopProposals />
      ) : tab === 'nq42' ? (
        <Resolution42Import />
      ) : (
        <Queue />
      )}
    </>
  );
}

function Queue() {
  const official = useOfficial();
  const location = useLocation();
  const state = location.searchParams.get('trang-thai') ?? 'IN_PROGRESS';
  const overdue = location.searchParams.get('qua-han');
  const step = location.searchParams.get('buoc') ?? '';
  const open = location.searchParams.get('ho');
  const { data, error, reload } = useQuery(APPLICATIONS, {
    filter: {
      state: state as 'IN_PROGRESS',
      ...(overdue ? { overdue: overdue === '1' } : {}),
      ...(step ? { step } : {}),
      first: 500,
    },
  });
  const steps = new Map<string, string>();
  for (const application of data?.applications ?? [])
    if (application.currentStep) steps.set(application.currentStep.code, application.currentStep.name);
  const opened = data?.applications.find((application) => application.id === open);
  return (
    <section aria-labelledby="queue-title">
      <h2 id="queue-title">Hàng chờ</h2>
      <div className="toolbar">
        <SelectField
          label="Trạng thái"
          value={state}
          onChange={(value) => setSearchParams({ 'trang-thai': value, ho: null })}
          options={Object.entries(APPLICATION_STATE)}
        />
        <SelectField
          label="Bước"
          value={step}
          onChange={(value) => setSearchParams({ buoc: value, ho: null })}
          options={[['', 'Mọi bước'], ...steps.entries()]}
        />
        <SelectField
          label="Hạn xử lý"
          value={overdue ?? ''}
          onChange={(value) => setSearchParams({ 'qua-han': value, ho: null })}
          options={[
            ['', 'Tất cả'],
            ['1', 'Quá hạn'],
            ['0', 'Trong hạn'],
          ]}
        />
      </div>
      {error && !data && <ErrorMessage error={error} />}
      {!data ? (
        !error && <Loading what="hồ sơ" />
      ) : (
        <div className="table-scroll">
          <table>
            <caption>{formatCount(data.applications.length)} hồ sơ, hạn sớm nhất trước</caption>
            <thead>
              <tr>
                <th scope="col">Người nộp</th>
                <th scope="col">Chế độ</th>
                <th scope="col">Xã, phường</th>
                <th scope="col">Ngày nộp</th>
                <th scope="col">Bước</th>
                <th scope="col">Hạn</th>
                <th scope="col">Xử lý</th>
              </tr>
            </thead>
            <tbody>
              {data.applications.map((application) => (
                <tr key={application.id} className={application.currentStep?.overdue ? 'overdue' : undefined}>
                  <th scope="row">
                    <Link to={`/doi-tuong/${application.person.id}`}>
                      {application.person.fullName ?? '—'}
                    </Link>
                    {application.externalDossierCode && (
                      <small> (một cửa: {application.externalDossierCode})</small>
                    )}
                  </th>
                  <td>{application.category?.name ?? '—'}</td>
                  <td>
                    {application.unit.name}
                    {!application.unit.isCurrent && <small> (đơn vị cũ)</small>}
                  </td>
                  <td>{formatDate(application.filedOn)}</td>
                  <td>{application.currentStep?.name ?? label(APPLICATION_STATE, application.state)}</td>
                  <td>
                    {formatDate(application.currentStep?.dueOn)}
                    {application.currentStep?.overdue && <span className="badge danger"> quá hạn</span>}
                  </td>
                  <td>
                    {/* A dossier of a unit that has ended is read, never advanced (its era's rule). */}
                    {application.currentStep &&
                      application.unit.isCurrent &&
                      official.unitLevel !== 'district' && (
                        <button
                          type="button"
                          aria-expanded={open === application.id}
                          onClick={() =>
                            setSearchParams({ ho: open === application.id ? null : application.id })
                          }
                        >
                          {open === application.id ? 'Đóng' : 'Xử lý'}
                        </button>
                      )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {opened?.currentStep && (
        <ApplicationActions
          application={{ id: opened.id, personName: opened.person.fullName ?? '', step: opened.currentStep }}
          canAct={
            opened.currentStep.role === 'APPROVER'
              ? hasRole(official, 'approver', 'admin')
              : hasRole(official, 'officer', 'admin')
          }
          onDone={() => {
            setSearchParams({ ho: null });
            reload();
          }}
        />
      )}
    </section>
  );
}
