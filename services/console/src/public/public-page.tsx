import { graphql } from '../generated/gql.ts';
import { addMonths, formatCount, formatMonth, formatVnd, thisMonth } from '../format.ts';
import { BarChart } from '../shell/bar-chart.tsx';
import { useDraft } from '../shell/drafts.ts';
import { ErrorMessage, Loading, SelectField } from '../shell/fields.tsx';
import { useQuery } from '../shell/use-graph.ts';
import { CitizenCheck } from './citizen-check.tsx';

const PROVINCES = graphql(`
  query PublicProvinces {
    administrativeUnits(level: PROVINCE) {
      code
      name
    }
  }
`);

const PUBLIC_FIGURES = graphql(`
  query PublicFiguresOfProvince($provinceCode: ID!, $fromMonth: String!, $toMonth: String!) {
    publicFigures(provinceCode: $provinceCode, fromMonth: $fromMonth, toMonth: $toMonth) {
      provinceName
      minimumCount
      cells {
        unitCode
        unitName
        program
        month
        beneficiaries
        amountPaid
        suppressed
      }
    }
  }
`);

const DEFAULT_PROVINCE = '42';

/** Công khai: what each province paid, for anyone, and the citizen's check of their own payments. */
export function PublicPage() {
  const month = thisMonth();
  const [choice, setChoice] = useDraft('public-figures', { provinceCode: DEFAULT_PROVINCE, months: '6' });
  const fromMonth = addMonths(month, 1 - Number(choice.months));
  const provinces = useQuery(PROVINCES, {});
  const { data, error } = useQuery(PUBLIC_FIGURES, {
    provinceCode: choice.provinceCode,
    fromMonth,
    toMonth: month,
  });
  const figures = data?.publicFigures;
  const whole = (value: number | null | undefined, suppressed: boolean) =>
    suppressed || value == null
      ? `ẩn (dưới ${formatCount(figures?.minimumCount ?? 0)} người)`
      : formatCount(value);
  const byMonth = figures?.cells.filter((cell) => !cell.unitCode && !cell.program && cell.month) ?? [];
  const byUnit = figures?.cells.filter((cell) => cell.unitCode && !cell.program && !cell.month) ?? [];
  const total = figures?.cells.find((cell) => !cell.unitCode && !cell.program && !cell.month);
  return (
    <>
      <h1>Công khai chi trả trợ giúp xã hội</h1>
      <section aria-labelledby="figures-title" className="panel">
        <h2 id="figures-title">Số liệu chi trả {figures ? `của ${figures.provinceName}` : ''}</h2>
        <div className="toolbar">
          <SelectField
            label="Tỉnh, thành phố"
            value={choice.provinceCode}
            onChange={(value) => setChoice({ provinceCode: value })}
            options={
              provinces.data?.administrativeUnits.map((unit): [string, string] => [unit.code, unit.name]) ?? [
                [DEFAULT_PROVINCE, 'Hà Tĩnh'],
              ]
            }
          />
          <SelectField
            label="Thời gian"
            value={choice.months}
            onChange={(value) => setChoice({ months: value })}
            options={[
              ['1', 'Tháng này'],
              ['3', '3 tháng gần nhất'],
              ['6', '6 tháng gần nhất'],
              ['12', '12 tháng gần nhất'],
            ]}
          />
        </div>
        <ErrorMessage error={error} />
        {!figures ? (
          !error && <Loading what="số liệu" />
        ) : (
          <>
            <p>
              Từ {formatMonth(fromMonth)} đến {formatMonth(month)}:{' '}
              {whole(total?.beneficiaries, total?.suppressed ?? false)} lượt người được chi trả,{' '}
              {total?.amountPaid == null ? 'ẩn' : formatVnd(total.amountPaid)} đã chi trả. Số liệu về dưới{' '}
              {formatCount(figures.minimumCount)} người được ẩn để bảo vệ thông tin cá nhân.
            </p>
            <BarChart
              title="Số tiền đã chi trả theo tháng"
              bars={byMonth
                .filter((cell) => cell.amountPaid != null)
                .sort((a, b) => (a.month ?? '').localeCompare(b.month ?? ''))
                .map((cell) => ({ label: formatMonth(cell.month ?? ''), value: cell.amountPaid ?? 0 }))}
              format={formatVnd}
            />
            <div className="table-scroll">
              <table>
                <caption>Theo đơn vị chi trả, cả thời gian</caption>
                <thead>
                  <tr>
                    <th scope="col">Đơn vị</th>
                    <th scope="col">Lượt người được chi trả</th>
                    <th scope="col">Số tiền đã chi trả</th>
                  </tr>
                </thead>
                <tbody>
                  {byUnit.map((cell) => (
                    <tr key={`${cell.unitCode}-${cell.unitName}`}>
                      <th scope="row">{cell.unitName}</th>
                      <td className="number">{whole(cell.beneficiaries, cell.suppressed)}</td>
                      <td className="number">
                        {cell.amountPaid == null ? 'ẩn' : formatVnd(cell.amountPaid)}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </>
        )}
      </section>
      <CitizenCheck />
    </>
  );
}
