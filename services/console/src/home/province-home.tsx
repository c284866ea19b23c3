import { graphql } from '../generated/gql.ts';
import type { ProvinceHomeQuery } from '../generated/graphql.ts';
import { addMonths, formatCount, formatDate, formatMonth, formatVnd, thisMonth, today } from '../format.ts';
import { BarChart } from '../shell/bar-chart.tsx';
import { ErrorMessage, Loading } from '../shell/fields.tsx';
import { useQuery } from '../shell/use-graph.ts';
import { Countdown } from './countdown.tsx';
import { Figure, Figures } from '../shell/figures.tsx';

const PROVINCE_HOME = graphql(`
  query ProvinceHome(
    $unitCode: ID!
    $month: String!
    $fromMonth: String!
    $fromDate: String!
    $toDate: String!
  ) {
    unitSummary(code: $unitCode) {
      unit {
        code
        name
      }
      month
      personCount
      beneficiaryCount
      paidTotal
      unpaidTotal
    }
    dailyUpdateStatus(unitCode: $unitCode) {
      date
      cutOff
      communes
      updated
      notUpdated
      lists {
        unitCode
        updated
        updates
        lateUpdates
      }
    }
    missingPaymentLists(unitCode: $unitCode, fromMonth: $fromMonth, toMonth: $month) {
      rows {
        unit {
          code
          former
        }
        missingMonths
      }
    }
    lateDailyUpdates(unitCode: $unitCode, fromDate: $fromDate, toDate: $toDate) {
      rows {
        unit {
          code
        }
        status
      }
    }
    dataCompleteness(unitCode: $unitCode) {
      rows {
        unit {
          code
          name
        }
        persons
        citizenId {
          missing
        }
        gender {
          missing
        }
        ethnicity {
          missing
        }
        paymentAccount {
          missing
        }
        decisionNumber {
          missing
        }
      }
    }
    overdue: applications(filter: { unitCode: $unitCode, overdue: true, state: IN_PROGRESS, first: 500 }) {
      unitCode
    }
    byCommune: stats(
      input: {
        groupBy: [UNIT]
        measures: [PLANNED, PAID]
        unitLevel: COMMUNE
        unitEra: CURRENT
        filter: { unitCode: $unitCode, fromMonth: $month }
      }
    ) {
      rows {
        unitCode
        planned
        paid
      }
    }
  }
`);

type CommuneRow = {
  code: string;
  name: string;
  hasList: boolean;
  updatedToday: boolean;
  updatesToday: number;
  missingMonths: string[];
  lateOrMissingDays: number;
  dataGaps: number;
  overdueDossiers: number;
  planned: number;
  paid: number;
};

/** Each commune of the unit with what it is behind on; those behind first. */
export function communeRows(data: ProvinceHomeQuery): CommuneRow[] {
  const count = <T,>(items: readonly T[], code: (item: T) => string | null | undefined) => {
    const counts = new Map<string, number>();
    for (const item of items) {
      const key = code(item);
      if (key) counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    return counts;
  };
  const lateDays = count(data.lateDailyUpdates.rows, (row) => row.unit.code);
  const overdue = count(data.overdue, (application) => application.unitCode);
  const lists = new Map(data.dailyUpdateStatus.lists.map((list) => [list.unitCode, list]));
  const missing = new Map(
    data.missingPaymentLists.rows
      .filter((row) => !row.unit.former)
      .map((row) => [row.unit.code, row.missingMonths]),
  );
  const money = new Map(data.byCommune.rows.map((row) => [row.unitCode ?? '', row]));
  const rows = data.dataCompleteness.rows.map((row): CommuneRow => {
    const code = row.unit.code;
    const list = lists.get(code);
    return {
      code,
      name: row.unit.name,
      hasList: !!list,
      updatedToday: list?.updated ?? false,
      updatesToday: list?.updates ?? 0,
      missingMonths: missing.get(code) ?? [],
      lateOrMissingDays: lateDays.get(code) ?? 0,
      dataGaps:
        row.citizenId.missing +
        row.gender.missing +
        row.ethnicity.missing +
        row.paymentAccount.missing +
        row.decisionNumber.missing,
      overdueDossiers: overdue.get(code) ?? 0,
      planned: money.get(code)?.planned ?? 0,
      paid: money.get(code)?.paid ?? 0,
    };
  });
  const behind = (row: CommuneRow) =>
    (row.hasList && !row.updatedToday ? 1 : 0) +
    (row.missingMonths.length > 0 ? 1 : 0) +
    (row.lateOrMissingDays > 0 ? 1 : 0) +
    (row.overdueDossiers > 0 ? 1 : 0);
  return rows.sort((a, b) => behind(b) - behind(a) || a.name.localeCompare(b.name, 'vi'));
}

/** The province's (or a former district's) communes: which are behind, with figures and a chart per unit. */
export function ProvinceHome({ unitCode }: { unitCode: string }) {
  const month = thisMonth();
  const day = today();
  const weekAgo = new Date(Date.now() - 6 * 86_400_000);
  const { data, error } = useQuery(PROVINCE_HOME, {
    unitCode,
    month,
    fromMonth: addMonths(month, -2),
    fromDate: today(weekAgo),
    toDate: day,
  });
  if (error && !data) return <ErrorMessage error={error} />;
  if (!data) return <Loading what="số liệu" />;
  const { unitSummary: summary, dailyUpdateStatus: daily } = data;
  const rows = communeRows(data);
  return (
    <>
      <h1>
        {summary.unit.name}: {formatMonth(summary.month)}
      </h1>
      <Figures>
        <Figure label="Đối tượng đang hưởng">{formatCount(summary.beneficiaryCount)}</Figure>
        <Figure label="Đã chi trả trong tháng">{formatVnd(summary.paidTotal)}</Figure>
        <Figure label="Chưa chi trả">{formatVnd(summary.unpaidTotal)}</Figure>
        <Figure label="Xã chưa cập nhật hôm nay">
          {formatCount(daily.notUpdated)} / {formatCount(daily.communes)}
        </Figure>
      </Figures>
      <Countdown cutOff={daily.cutOff} />
      <section aria-labelledby="behind-title" className="panel">
        <h2 id="behind-title">Đơn vị chậm tiến độ</h2>
        <div className="table-scroll">
          <table>
            <caption>
              Cập nhật ngày {formatDate(daily.date)}; danh sách chi trả từ {formatMonth(addMonths(month, -2))}
              ; cập nhật trễ hoặc thiếu trong 7 ngày qua.
            </caption>
            <thead>
              <tr>
                <th scope="col">Xã, phường</th>
                <th scope="col">Cập nhật hôm nay</th>
                <th scope="col">Tháng chưa lập danh sách</th>
                <th scope="col">Ngày trễ / thiếu cập nhật</th>
                <th scope="col">Thiếu dữ liệu</th>
                <th scope="col">Hồ sơ quá hạn</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => (
                <tr key={row.code} data-unit={row.code}>
                  <th scope="row">{row.name}</th>
                  <td
                    className={row.hasList && !row.updatedToday ? 'behind' : undefined}
                    data-testid="updates-today"
                  >
                    {row.hasList
                      ? row.updatedToday
                        ? `${formatCount(row.updatesToday)} dòng`
                        : 'Chưa cập nhật'
                      : '—'}
                  </td>
                  <td className={row.missingMonths.length ? 'behind' : undefined}>
                    {row.missingMonths.map((missingMonth) => formatMonth(missingMonth)).join(', ') || '—'}
                  </td>
                  <td className={row.lateOrMissingDays ? 'behind' : undefined}>
                    {formatCount(row.lateOrMissingDays)}
                  </td>
                  <td>{formatCount(row.dataGaps)}</td>
                  <td className={row.overdueDossiers ? 'behind' : undefined}>
                    {formatCount(row.overdueDossiers)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
      <section aria-labelledby="chart-title" className="panel">
        <h2 id="chart-title">Chi trả {formatMonth(month)} theo đơn vị</h2>
        <BarChart
          title="Đã chi trả / kế hoạch chi"
          bars={rows
            .filter((row) => row.planned > 0)
            .map((row) => ({ label: row.name, value: row.paid, whole: row.planned }))}
          format={formatVnd}
        />
      </section>
    </>
  );
}
