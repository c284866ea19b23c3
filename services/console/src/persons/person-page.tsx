import type { ReactNode } from 'react';
import {
  APPLICATION_STATE,
  ENTITLEMENT_STATUS,
  formatDate,
  formatDateTime,
  formatMonth,
  formatVnd,
  GENDER,
  label,
  PAYMENT_CHANNEL,
  PAYMENT_STATUS,
  PERSON_STATUS,
} from '../format.ts';
import { FileApplication } from '../applications/file-application.tsx';
import { graphql } from '../generated/gql.ts';
import type { PersonPageQuery } from '../generated/graphql.ts';
import { hasRole, useOfficial } from '../shell/console-context.tsx';
import { ErrorMessage, Loading } from '../shell/fields.tsx';
import { Link } from '../shell/router.tsx';
import { useQuery } from '../shell/use-graph.ts';

const PERSON_PAGE = graphql(`
  query PersonPage($id: ID!) {
    person(id: $id) {
      id
      fullName
      birthDate
      gender
      ethnicity {
        code
        name
      }
      citizenId
      oldIdNumber
      phone
      residenceUnit {
        code
        fullName
      }
      address
      status
      statusDate
      relationToHead
      household {
        id
        code
        head {
          id
          fullName
        }
        members {
          id
          fullName
          birthDate
          relationToHead
        }
      }
      paymentAccounts {
        id
        kind
        provider {
          code
          name
        }
        accountNumber
        holderName
        holderNameMatches
        isDefault
      }
      entitlements {
        id
        category {
          code
          name
        }
        coefficient
        monthlyAmount
        startMonth
        endMonth
        decisionNumber
        decisionDate
        status
      }
      applications {
        id
        filedOn
        category {
          name
        }
        state
        currentStep {
          name
          dueOn
          overdue
        }
      }
      payments {
        id
        month
        total
        channel
        status
        paidOn
      }
      duplicateWarnings {
        id
        reason
        createdAt
        person {
          id
          fullName
        }
        matchedPerson {
          id
          fullName
        }
      }
      history {
        id
        entity
        action
        changedAt
        changedBy
        reason
      }
    }
  }
`);

type PersonRecord = NonNullable<PersonPageQuery['person']>;

const DASH = '—';

const RELATION_TO_HEAD: Record<string, string> = {
  HEAD: 'Chủ hộ',
  SPOUSE: 'Vợ/chồng',
  CHILD: 'Con',
  PARENT: 'Cha/mẹ',
  GRANDCHILD: 'Cháu',
  SIBLING: 'Anh/chị/em',
  OTHER: 'Khác',
};

const DUPLICATE_REASON: Record<string, string> = {
  CITIZEN_ID: 'cùng số CCCD',
  NAME_AND_BIRTH: 'cùng họ tên và ngày sinh trong huyện',
};

const CHANGE_ACTION: Record<string, string> = { CREATE: 'Thêm mới', UPDATE: 'Sửa', DELETE: 'Xoá' };

const CHANGED_RECORD: Record<string, string> = {
  persons: 'Thông tin cá nhân',
  households: 'Hộ gia đình',
  payment_accounts: 'Tài khoản nhận trợ cấp',
  entitlements: 'Mức hưởng',
  payment_lines: 'Chi trả',
};

const STATUS_DATE: Record<string, string> = { DECEASED: 'ngày mất', MOVED_AWAY: 'ngày chuyển đi' };

const COEFFICIENT = new Intl.NumberFormat('vi-VN', { maximumFractionDigits: 2 });

/** Hồ sơ đối tượng: who the person is, their household, accounts, entitlements, dossiers, payments and history. */
export function PersonPage({ personId }: { personId: string }) {
  const official = useOfficial();
  const { data, error, reload } = useQuery(PERSON_PAGE, { id: personId });
  if (error && !data) return <ErrorMessage error={error} />;
  if (!data) return <Loading what="thông tin đối tượng" />;
  const person = data.person;
  if (!person)
    return (
      <p>
        Không tìm thấy đối tượng này trong đơn vị của bạn. <Link to="/doi-tuong">Về danh sách đối tượng</Link>
      </p>
    );
  return (
    <>
      <p>
        <Link to="/doi-tuong">Danh sách đối tượng</Link>
      </p>
      <h1>{person.fullName ?? 'Đối tượng (ẩn họ tên)'}</h1>
      {hasRole(official, 'officer', 'admin') && (
        <p className="toolbar">
          <Link to={`/doi-tuong/${person.id}/sua`} className="button primary">
            Sửa thông tin
          </Link>
        </p>
      )}
      <DuplicateWarnings person={person} />
      <Details person={person} />
      <HouseholdSection household={person.household} />
      <PaymentAccounts accounts={person.paymentAccounts} />
      <Entitlements entitlements={person.entitlements} />
      <Applications applications={person.applications} />
      {hasRole(official, 'officer', 'admin') &&
        official.unitLevel === 'commune' &&
        person.status === 'LIVING' && <FileApplication personId={person.id} onFiled={reload} />}
      <Payments payments={person.payments} />
      <History changes={person.history} />
    </>
  );
}

function Section({ id, title, children }: { id: string; title: string; children: ReactNode }) {
  return (
    <section aria-labelledby={id} className="panel">
      <h2 id={id}>{title}</h2>
      {children}
    </section>
  );
}

function DuplicateWarnings({ person }: { person: PersonRecord }) {
  if (person.duplicateWarnings.length === 0) return null;
  return (
    <section aria-labelledby="duplicates-title" className="panel alert">
      <h2 id="duplicates-title">Cảnh báo trùng đối tượng</h2>
      <ul>
        {person.duplicateWarnings.map((warning) => {
          const other = warning.person?.id === person.id ? warning.matchedPerson : warning.person;
          return (
            <li key={warning.id}>
              Có thể trùng với{' '}
              {other ? (
                <Link to={`/doi-tuong/${other.id}`}>{other.fullName ?? 'một đối tượng khác'}</Link>
              ) : (
                'một đối tượng khác'
              )}{' '}
              ({label(DUPLICATE_REASON, warning.reason)}), phát hiện ngày {formatDate(warning.createdAt)}.
            </li>
          );
        })}
      </ul>
    </section>
  );
}

function Details({ person }: { person: PersonRecord }) {
  const statusDate = person.statusDate
    ? `, ${label(STATUS_DATE, person.status)} ${formatDate(person.statusDate)}`
    : '';
  const rows: [string, string][] = [
    ['Ngày sinh', formatDate(person.birthDate) || DASH],
    ['Giới tính', label(GENDER, person.gender)],
    ['Dân tộc', person.ethnicity?.name ?? DASH],
    ['Số CCCD', person.citizenId ?? DASH],
    ['Số CMND cũ', person.oldIdNumber ?? DASH],
    ['Số điện thoại', person.phone ?? DASH],
    ['Xã, phường nơi cư trú', `${person.residenceUnit.fullName} (${person.residenceUnit.code})`],
    ['Địa chỉ', person.address ?? DASH],
    ['Tình trạng', label(PERSON_STATUS, person.status) + statusDate],
  ];
  return (
    <Section id="details-title" title="Thông tin cá nhân">
      <dl className="details-grid">
        {rows.map(([term, value]) => (
          <div key={term}>
            <dt>{term}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
    </Section>
  );
}

function HouseholdSection({ household }: { household: PersonRecord['household'] }) {
  return (
    <Section id="household-title" title="Hộ gia đình">
      {household ? (
        <>
          <dl className="details-grid">
            <div>
              <dt>Mã hộ</dt>
              <dd>{household.code}</dd>
            </div>
            <div>
              <dt>Chủ hộ</dt>
              <dd>
                {household.head ? (
                  <Link to={`/doi-tuong/${household.head.id}`}>
                    {household.head.fullName ?? 'Xem chủ hộ'}
                  </Link>
                ) : (
                  DASH
                )}
              </dd>
            </div>
          </dl>
          <div className="table-scroll">
            <table>
              <caption>Thành viên</caption>
              <thead>
                <tr>
                  <th scope="col">Họ và tên</th>
                  <th scope="col">Ngày sinh</th>
                  <th scope="col">Quan hệ với chủ hộ</th>
                </tr>
              </thead>
              <tbody>
                {household.members.map((member) => (
                  <tr key={member.id}>
                    <th scope="row">
                      <Link to={`/doi-tuong/${member.id}`}>{member.fullName ?? 'Xem thành viên'}</Link>
                    </th>
                    <td>{formatDate(member.birthDate) || DASH}</td>
                    <td>{label(RELATION_TO_HEAD, member.relationToHead) || DASH}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      ) : (
        <p>Chưa gắn với hộ gia đình nào.</p>
      )}
    </Section>
  );
}

function PaymentAccounts({ accounts }: { accounts: PersonRecord['paymentAccounts'] }) {
  return (
    <Section id="accounts-title" title="Tài khoản nhận trợ cấp">
      {accounts.length === 0 ? (
        <p>Chưa có tài khoản ngân hàng, ví điện tử hay Mobile Money: nhận tiền mặt.</p>
      ) : (
        <div className="table-scroll">
          <table>
            <thead>
              <tr>
                <th scope="col">Loại</th>
                <th scope="col">Nhà cung cấp</th>
                <th scope="col">Số tài khoản</th>
                <th scope="col">Chủ tài khoản</th>
                <th scope="col">Mặc định</th>
              </tr>
            </thead>
            <tbody>
              {accounts.map((account) => (
                <tr key={account.id}>
                  <td>{label(PAYMENT_CHANNEL, account.kind)}</td>
                  <td>{account.provider.name}</td>
                  <td>{account.accountNumber ?? DASH}</td>
                  <td>
                    {account.holderName ?? DASH}
                    {!account.holderNameMatches && <span className="badge"> Khác tên đối tượng</span>}
                  </td>
                  <td>{account.isDefault ? 'Mặc định' : ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Section>
  );
}

function Entitlements({ entitlements }: { entitlements: PersonRecord['entitlements'] }) {
  return (
    <Section id="entitlements-title" title="Mức hưởng">
      {entitlements.length === 0 ? (
        <p>Chưa hưởng trợ cấp nào.</p>
      ) : (
        <div className="table-scroll">
          <table>
            <thead>
              <tr>
                <th scope="col">Nhóm đối tượng</th>
                <th scope="col">Hệ số</th>
                <th scope="col">Mức hưởng tháng này</th>
                <th scope="col">Từ</th>
                <th scope="col">Đến</th>
                <th scope="col">Quyết định</th>
                <th scope="col">Trạng thái</th>
              </tr>
            </thead>
            <tbody>
              {entitlements.map((entitlement) => (
                <tr key={entitlement.id}>
                  <td>
                    {entitlement.category
                      ? `${entitlement.category.code} ${entitlement.category.name}`
                      : DASH}
                  </td>
                  <td>{COEFFICIENT.format(entitlement.coefficient)}</td>
                  <td>{formatVnd(entitlement.monthlyAmount)}</td>
                  <td>{formatMonth(entitlement.startMonth)}</td>
                  <td>{entitlement.endMonth ? formatMonth(entitlement.endMonth) : DASH}</td>
                  <td>
                    Số {entitlement.decisionNumber} ngày {formatDate(entitlement.decisionDate)}
                  </td>
                  <td>{label(ENTITLEMENT_STATUS, entitlement.status)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Section>
  );
}

function Applications({ applications }: { applications: PersonRecord['applications'] }) {
  return (
    <Section id="applications-title" title="Hồ sơ">
      {applications.length === 0 ? (
        <p>Chưa có hồ sơ nào.</p>
      ) : (
        <div className="table-scroll">
          <table>
            <thead>
              <tr>
                <th scope="col">Ngày tiếp nhận</th>
                <th scope="col">Nhóm đối tượng</th>
                <th scope="col">Trạng thái</th>
                <th scope="col">Bước hiện tại</th>
              </tr>
            </thead>
            <tbody>
              {applications.map((application) => (
                <tr key={application.id}>
                  <td>{formatDate(application.filedOn)}</td>
                  <td>{application.category?.name ?? DASH}</td>
                  <td>{label(APPLICATION_STATE, application.state)}</td>
                  <td>
                    {application.currentStep ? (
                      <>
                        {application.currentStep.name}
                        {application.currentStep.dueOn &&
                          `, hạn ${formatDate(application.currentStep.dueOn)}`}
                        {application.currentStep.overdue && <span className="badge danger"> Quá hạn</span>}
                      </>
                    ) : (
                      DASH
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Section>
  );
}

function Payments({ payments }: { payments: PersonRecord['payments'] }) {
  return (
    <Section id="payments-title" title="Chi trả">
      {payments.length === 0 ? (
        <p>Chưa có lần chi trả nào.</p>
      ) : (
        <div className="table-scroll">
          <table>
            <thead>
              <tr>
                <th scope="col">Tháng</th>
                <th scope="col">Số tiền</th>
                <th scope="col">Hình thức</th>
                <th scope="col">Trạng thái</th>
                <th scope="col">Ngày nhận</th>
              </tr>
            </thead>
            <tbody>
              {payments.map((payment) => (
                <tr key={payment.id}>
                  <td>{formatMonth(payment.month)}</td>
                  <td>{formatVnd(payment.total)}</td>
                  <td>{label(PAYMENT_CHANNEL, payment.channel)}</td>
                  <td>{label(PAYMENT_STATUS, payment.status)}</td>
                  <td>{formatDate(payment.paidOn) || DASH}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Section>
  );
}

function History({ changes }: { changes: PersonRecord['history'] }) {
  return (
    <Section id="history-title" title="Lịch sử thay đổi">
      {changes.length === 0 ? (
        <p>Chưa có thay đổi nào.</p>
      ) : (
        <div className="table-scroll">
          <table>
            <thead>
              <tr>
                <th scope="col">Thời điểm</th>
                <th scope="col">Người thay đổi</th>
                <th scope="col">Nội dung</th>
                <th scope="col">Thao tác</th>
                <th scope="col">Lý do</th>
              </tr>
            </thead>
            <tbody>
              {changes.map((change) => (
                <tr key={change.id}>
                  <td>{formatDateTime(change.changedAt)}</td>
                  <td>{change.changedBy}</td>
                  <td>{label(CHANGED_RECORD, change.entity)}</td>
                  <td>{label(CHANGE_ACTION, change.action)}</td>
                  <td>{change.reason || DASH}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Section>
  );
}
