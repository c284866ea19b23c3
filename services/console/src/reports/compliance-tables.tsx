import { formatCount, formatDate, formatDateTime } from '../format.ts';
import type {
  ReportDataCompletenessQuery,
  ReportLateDailyUpdatesQuery,
  ReportMissingPaymentListsQuery,
} from '../generated/graphql.ts';
import {
  COMPLETENESS_FIELDS,
  complianceUnitKey,
  complianceUnitName,
  DAILY_ISSUE_LABEL,
  gapText,
} from './compliance.ts';
import { dateRange, monthRange, shortMonth } from './periods.ts';

import { Figure } from '../shell/figures.tsx';

type ComplianceUnit = { code: string; fullName: string; former: boolean; validTo?: string | null };

/** A unit's name; a former one marked so in words, not by colour. */
function UnitName({ unit }: { unit: ComplianceUnit }) {
  return (
    <>
      {complianceUnitName(unit)}
      {unit.former && (
        <>
          {' '}
          <span className="badge">đơn vị cũ</span>
        </>
      )}
    </>
  );
}

type MissingLists = ReportMissingPaymentListsQuery['missingPaymentLists'];

export function MissingListsTable({ report }: { report: MissingLists }) {
  const period = monthRange(report.fromMonth, report.toMonth);
  return (
    <>
      <dl className="figures">
        <Figure label="Đơn vị chi trả đã rà soát">{formatCount(report.unitsChecked)}</Figure>
        <Figure label="Đơn vị còn tháng chưa lập danh sách">{formatCount(report.rows.length)}</Figure>
      </dl>
      {report.rows.length === 0 ? (
        <p>
          Mọi đơn vị thuộc {report.unit.fullName} đã lập danh sách chi trả {period}.
        </p>
      ) : (
        <div className="table-scroll">
          <table>
            <caption>
              Đơn vị thuộc {report.unit.fullName} chưa lập danh sách chi trả, {period}
            </caption>
            <thead>
              <tr>
                <th scope="col">Đơn vị</th>
                <th scope="col">Tỉnh</th>
                <th scope="col">Số tháng</th>
                <th scope="col">Các tháng chưa lập danh sách</th>
              </tr>
            </thead>
            <tbody>
              {report.rows.map((row) => (
                <tr key={complianceUnitKey(row.unit)}>
                  <th scope="row">
                    <UnitName unit={row.unit} />
                  </th>
                  <td>{row.province.name}</td>
                  <td>{formatCount(row.missingMonths.length)}</td>
                  <td>{row.missingMonths.map(shortMonth).join(', ')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}

type LateUpdates = ReportLateDailyUpdatesQuery['lateDailyUpdates'];

export function LateUpdatesTable({ report }: { report: LateUpdates }) {
  const period = dateRange(report.fromDate, report.toDate);
  const issues = report.missingDays + report.lateDays;
  return (
    <>
      <dl className="figures">
        <Figure label="Ngày làm việc">{formatCount(report.workingDays)}</Figure>
        <Figure label="Xã có danh sách đang chi trả">{formatCount(report.communesChecked)}</Figure>
        <Figure label="Lượt xã × ngày rà soát">{formatCount(report.communeDaysChecked)}</Figure>
        <Figure label="Không cập nhật">{formatCount(report.missingDays)}</Figure>
        <Figure label="Cập nhật trễ (sau 17:30)">{formatCount(report.lateDays)}</Figure>
      </dl>
      {issues === 0 ? (
        <p>
          Các xã thuộc {report.unit.fullName} đều cập nhật chi trả đúng hạn {period}.
        </p>
      ) : (
        <>
          {report.rows.length < issues && (
            <p className="hint">
              Hiển thị {formatCount(report.rows.length)} trên {formatCount(issues)} dòng; xuất tệp để có đủ.
            </p>
          )}
          <div className="table-scroll">
            <table>
              <caption>
                Xã thuộc {report.unit.fullName} không cập nhật hoặc cập nhật chi trả trễ, {period}
              </caption>
              <thead>
                <tr>
                  <th scope="col">Đơn vị</th>
                  <th scope="col">Ngày</th>
                  <th scope="col">Tình trạng</th>
                  <th scope="col">Số lượt cập nhật</th>
                  <th scope="col">Số lượt sau 17:30</th>
                  <th scope="col">Lần ghi nhận cuối</th>
                </tr>
              </thead>
              <tbody>
                {report.rows.map((row) => (
                  <tr key={`${complianceUnitKey(row.unit)}:${row.date}`}>
                    <th scope="row">
                      <UnitName unit={row.unit} />
                    </th>
                    <td>{formatDate(row.date)}</td>
                    <td>
                      <span className="badge">{DAILY_ISSUE_LABEL[row.status]}</span>
                    </td>
                    <td>{formatCount(row.updates)}</td>
                    <td>{formatCount(row.lateUpdates)}</td>
                    <td>{formatDateTime(row.lastRecordedAt) || '—'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </>
  );
}

type DataCompleteness = ReportDataCompletenessQuery['dataCompleteness'];
type CompletenessRow = DataCompleteness['total'];

function CompletenessCells({ row }: { row: CompletenessRow }) {
  return (
    <>
      <td>{formatCount(row.persons)}</td>
      <td>{formatCount(row.beneficiaries)}</td>
      {COMPLETENESS_FIELDS.map(([field]) => (
        <td key={field}>{gapText(row[field])}</td>
      ))}
    </>
  );
}

export function DataCompletenessTable({ report }: { report: DataCompleteness }) {
  return (
    <div className="table-scroll">
      <table>
        <caption>
          Mức độ đầy đủ dữ liệu theo xã, phường: {report.total.unit.fullName} (số thiếu và tỷ lệ)
        </caption>
        <thead>
          <tr>
            <th scope="col">Đơn vị</th>
            <th scope="col">Số người (còn sống)</th>
            <th scope="col">Đối tượng đang hưởng</th>
            {COMPLETENESS_FIELDS.map(([field, heading]) => (
              <th key={field} scope="col">
                {heading}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {report.rows.map((row) => (
            <tr key={complianceUnitKey(row.unit)}>
              <th scope="row">
                <UnitName unit={row.unit} />
              </th>
              <CompletenessCells row={row} />
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr>
            <th scope="row">Tổng cộng</th>
            <CompletenessCells row={report.total} />
          </tr>
        </tfoot>
      </table>
    </div>
  );
}
