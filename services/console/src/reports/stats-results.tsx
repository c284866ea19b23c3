import type { ReportStatsQuery } from '../generated/graphql.ts';
import { BarChart } from '../shell/bar-chart.tsx';
import { monthRange } from './periods.ts';
import {
  DIMENSION_LABEL,
  dimensionValue,
  formatMeasure,
  groupLabel,
  MEASURE_LABEL,
  measureValue,
  statsDimensions,
  statsMeasures,
  type StatsForm,
  type StatsLookups,
} from './stats.ts';

/** Bars beyond these are unreadable on a page; the table has every group. */
const CHART_BARS = 40;

type StatsResult = ReportStatsQuery['stats'];

/** The statistic asked for: its first measure as a chart, every measure of every group as a table. */
export function StatsResults({
  result,
  form,
  lookups,
}: {
  result: StatsResult;
  form: StatsForm;
  lookups: StatsLookups;
}) {
  const dimensions = statsDimensions(form);
  const measures = statsMeasures(form);
  const charted = measures[0];
  const byWhat = dimensions.map((dimension) => DIMENSION_LABEL[dimension].toLowerCase()).join(' và ');
  const period = monthRange(result.fromMonth, result.toMonth);
  if (result.rows.length === 0) return <p>Không có số liệu {period} cho điều kiện đã chọn.</p>;
  return (
    <>
      {!result.includesConfidential && <p className="hint">Số liệu không gồm các nhóm đối tượng bảo mật.</p>}
      {charted && (
        <section className="panel" aria-label="Biểu đồ">
          <BarChart
            title={`${MEASURE_LABEL[charted]} theo ${byWhat}, ${period}${
              result.rows.length > CHART_BARS ? ` (${CHART_BARS} nhóm đầu; bảng dưới có đủ)` : ''
            }`}
            bars={result.rows.slice(0, CHART_BARS).map((row) => ({
              label: groupLabel(row, dimensions, lookups),
              value: measureValue(row, charted) ?? 0,
            }))}
            format={(value) => formatMeasure(charted, value)}
          />
        </section>
      )}
      <div className="table-scroll">
        <table>
          <caption>
            Thống kê theo {byWhat}, {period}. Dòng tổng cộng tính mỗi người một lần.
          </caption>
          <thead>
            <tr>
              {dimensions.map((dimension) => (
                <th key={dimension} scope="col">
                  {DIMENSION_LABEL[dimension]}
                </th>
              ))}
              {measures.map((measure) => (
                <th key={measure} scope="col">
                  {MEASURE_LABEL[measure]}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {result.rows.map((row, rowIndex) => (
              <tr key={rowIndex}>
                {dimensions.map((dimension, index) =>
                  index === 0 ? (
                    <th key={dimension} scope="row">
                      {dimensionValue(row, dimension, lookups)}
                    </th>
                  ) : (
                    <td key={dimension}>{dimensionValue(row, dimension, lookups)}</td>
                  ),
                )}
                {measures.map((measure) => (
                  <td key={measure}>{formatMeasure(measure, measureValue(row, measure))}</td>
                ))}
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr>
              <th scope="row" colSpan={dimensions.length}>
                Tổng cộng
              </th>
              {measures.map((measure) => (
                <td key={measure}>{formatMeasure(measure, measureValue(result.totals, measure))}</td>
              ))}
            </tr>
          </tfoot>
        </table>
      </div>
    </>
  );
}
