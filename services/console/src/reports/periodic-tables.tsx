import { formatCount, formatMonth, formatVnd, label, LIST_STATE } from '../format.ts';
import type {
  ReportEntitlementChangeSummaryQuery,
  ReportPaymentSummaryQuery,
  ReportResolution42SupportQuery,
} from '../generated/graphql.ts';
import { changesByReason, paymentSummaryLines } from './periodic.ts';
import { monthRange } from './periods.ts';

import { Figure } from '../shell/figures.tsx';

type PaymentSummary = ReportPaymentSummaryQuery['paymentSummary'];
type PaymentFigures = PaymentSummary['total'];

/** An amount with the lines it is made of. */
function AmountCell({ amount, lines }: { amount: number; lines: number }) {
  return (
    <td>
      {formatVnd(amount)}
      <br />
      <small>{formatCount(lines)} dòng</small>
    </td>
  );
}

function PaymentFigureCells({ figures }: { figures: PaymentFigures }) {
  return (
    <>
      <td>{formatCount(figures.lines)}</td>
      <td>{formatCount(figures.persons)}</td>
      <td>{formatVnd(figures.plannedAmount)}</td>
      <AmountCell amount={figures.paidAmount} lines={figures.paidLines} />
      <AmountCell amount={figures.unpaidAmount} lines={figures.unpaidLines} />
      <AmountCell amount={figures.heldAmount} lines={figures.heldLines} />
      <AmountCell amount={figures.paidLateAmount} lines={figures.paidLateLines} />
    </>
  );
}

/** Tổng hợp chi trả: each paying unit's list of the month (with former districts' subtotals) and the total. */
export function PaymentSummaryTable({ summary }: { summary: PaymentSummary }) {
  const period = formatMonth(summary.month);
  if (summary.communes.length === 0)
    return (
      <p>
        {summary.unitName} chưa có danh sách chi trả {period}.
      </p>
    );
  return (
    <div className="table-scroll">
      <table>
        <caption>
          Tổng hợp chi trả trợ cấp xã hội {period}: {summary.unitName}
        </caption>
        <thead>
          <tr>
            <th scope="col">Đơn vị chi trả</th>
            <th scope="col">Danh sách</th>
            <th scope="col">Số dòng</th>
            <th scope="col">Số người</th>
            <th scope="col">Kế hoạch chi</th>
            <th scope="col">Đã chi trả</th>
            <th scope="col">Chưa chi trả</th>
            <th scope="col">Tạm giữ</th>
            <th scope="col">Chi trả trễ (sau 17:30)</th>
          </tr>
        </thead>
        <tbody>
          {paymentSummaryLines(summary.communes, summary.districts).map((line) =>
            line.kind === 'commune' ? (
              <tr key={line.key}>
                <th scope="row">{line.name}</th>
                <td>{label(LIST_STATE, line.listState)}</td>
                <PaymentFigureCells figures={line.figures} />
              </tr>
            ) : (
              <tr key={line.key}>
                <th scope="row">
                  <strong>Cộng {line.name}</strong>
                </th>
                <td>{formatCount(line.communes)} xã</td>
                <PaymentFigureCells figures={line.figures} />
              </tr>
            ),
          )}
        </tbody>
        <tfoot>
          <tr>
            <th scope="row" colSpan={2}>
              Tổng cộng
            </th>
            <PaymentFigureCells figures={summary.total} />
          </tr>
        </tfoot>
      </table>
    </div>
  );
}

type ChangeSummary = ReportEntitlementChangeSummaryQuery['entitlementChangeSummary'];
type ChangeFigures = Pick<
  ChangeSummary['directions'][number],
  'decisions' | 'persons' | 'amountBefore' | 'amountAfter' | 'amountChange'
>;

function ChangeFigureCells({ figures }: { figures: ChangeFigures }) {
  return (
    <>
      <td>{formatCount(figures.decisions)}</td>
      <td>{formatCount(figures.persons)}</td>
      <td>{formatVnd(figures.amountBefore)}</td>
      <td>{formatVnd(figures.amountAfter)}</td>
      <td>{formatVnd(figures.amountChange)}</td>
    </>
  );
}

function ChangeFigureHeadings() {
  return (
    <>
      <th scope="col">Số quyết định</th>
      <th scope="col">Số người</th>
      <th scope="col">Mức hưởng tháng trước</th>
      <th scope="col">Mức hưởng trong tháng</th>
      <th scope="col">Chênh lệch</th>
    </>
  );
}

/** Biến động tăng/giảm đối tượng: by direction, then by reason with each category's rows. */
export function EntitlementChangeTables({ summary }: { summary: ChangeSummary }) {
  const period = formatMonth(summary.month);
  const directionName = new Map(summary.directions.map((each) => [each.direction, each.directionName]));
  return (
    <>
      <div className="table-scroll">
        <table>
          <caption>
            Biến động tăng, giảm đối tượng hưởng trợ cấp {period}: {summary.unitName}
          </caption>
          <thead>
            <tr>
              <th scope="col">Biến động</th>
              <ChangeFigureHeadings />
            </tr>
          </thead>
          <tbody>
            {summary.directions.map((direction) => (
              <tr key={direction.direction}>
                <th scope="row">{direction.directionName}</th>
                <ChangeFigureCells figures={direction} />
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {summary.reasons.length === 0 ? (
        <p>Không có quyết định nào có hiệu lực {period}.</p>
      ) : (
        <div className="table-scroll">
          <table>
            <caption>Theo lý do và nhóm đối tượng, {period}</caption>
            <thead>
              <tr>
                <th scope="col">Nhóm đối tượng</th>
                <ChangeFigureHeadings />
              </tr>
            </thead>
            {changesByReason(summary.reasons, summary.rows).map(({ reason, rows }) => (
              <tbody key={`${reason.direction}-${reason.reasonCode}`}>
                <tr>
                  <th scope="rowgroup" colSpan={6}>
                    {directionName.get(reason.direction) ?? reason.direction}: {reason.reasonName}
                  </th>
                </tr>
                {rows.map((row) => (
                  <tr key={row.categoryCode ?? row.categoryName}>
                    <th scope="row">
                      {row.categoryCode ? `${row.categoryCode} ${row.categoryName}` : row.categoryName}
                    </th>
                    <ChangeFigureCells figures={row} />
                  </tr>
                ))}
                <tr>
                  <th scope="row">
                    <strong>Cộng: {reason.reasonName}</strong>
                  </th>
                  <ChangeFigureCells figures={reason} />
                </tr>
              </tbody>
            ))}
          </table>
        </div>
      )}
    </>
  );
}

type Resolution42Summary = ReportResolution42SupportQuery['resolution42SupportSummary'];

/** Hỗ trợ theo Nghị quyết 42: people and amounts per group, and the people found in several groups. */
export function Resolution42Table({ summary }: { summary: Resolution42Summary }) {
  const several = summary.severalGroups;
  return (
    <>
      <div className="table-scroll">
        <table>
          <caption>
            Hỗ trợ theo Nghị quyết 42/NQ-CP {monthRange(summary.fromMonth, summary.toMonth)}:{' '}
            {summary.unitName}
          </caption>
          <thead>
            <tr>
              <th scope="col">Nhóm đối tượng</th>
              <th scope="col">Số danh sách</th>
              <th scope="col">Số người</th>
              <th scope="col">Đã chi trả (dòng)</th>
              <th scope="col">Không chi do hưởng nhóm khác (dòng)</th>
              <th scope="col">Số tiền theo danh sách</th>
              <th scope="col">Số tiền đã hỗ trợ</th>
            </tr>
          </thead>
          <tbody>
            {summary.groups.map((group) => (
              <tr key={group.categoryCode ?? group.categoryName}>
                <th scope="row">{group.categoryName}</th>
                <td>{formatCount(group.lists)}</td>
                <td>{formatCount(group.people)}</td>
                <td>{formatCount(group.paid)}</td>
                <td>{formatCount(group.flagged)}</td>
                <td>{formatVnd(group.amountListed)}</td>
                <td>{formatVnd(group.amountPaid)}</td>
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr>
              <th scope="row">Tổng cộng</th>
              <td>{formatCount(summary.groups.reduce((sum, group) => sum + group.lists, 0))}</td>
              <td>{formatCount(summary.people)} (mỗi người tính một lần)</td>
              <td>{formatCount(summary.paid)}</td>
              <td>{formatCount(summary.flagged)}</td>
              <td>{formatVnd(summary.amountListed)}</td>
              <td>{formatVnd(summary.amountPaid)}</td>
            </tr>
          </tfoot>
        </table>
      </div>
      <h4>Người có tên trong nhiều nhóm</h4>
      <dl className="figures">
        <Figure label="Số người">{formatCount(several.people)}</Figure>
        <Figure label="Hỗ trợ một lần">{formatCount(several.paidOnce)}</Figure>
        <Figure label="Chi trùng, phải thu hồi">{formatCount(several.paidMoreThanOnce)}</Figure>
        <Figure label="Hỗ trợ ở đơn vị khác">{formatCount(several.paidElsewhere)}</Figure>
        <Figure label="Dòng không chi">{formatCount(several.flaggedRows)}</Figure>
      </dl>
    </>
  );
}
