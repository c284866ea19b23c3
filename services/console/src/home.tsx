import { useEffect, useState } from 'react';
import type { Session } from './auth.ts';
import type { ConsoleConfig } from './config.ts';
import { formatCount, formatMonth, formatVnd } from './format.ts';
import { graphql } from './generated/gql.ts';
import type { UnitSummaryQuery } from './generated/graphql.ts';
import { GraphError, request } from './graphql.ts';

const UNIT_SUMMARY = graphql(`
  query UnitSummary($code: ID!) {
    unitSummary(code: $code) {
      unit {
        code
        name
      }
      month
      personCount
      beneficiaryCount
      monthlyEntitlementTotal
      paymentLineCount
      paidTotal
      unpaidTotal
    }
  }
`);

/** The figures of the official's unit this month. */
export function Home({
  config,
  session,
  unitCode,
}: {
  config: ConsoleConfig;
  session: Session;
  unitCode: string;
}) {
  const [summary, setSummary] = useState<UnitSummaryQuery['unitSummary'] | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let current = true;
    request(config, session, UNIT_SUMMARY, { code: unitCode }).then(
      (data) => current && setSummary(data.unitSummary),
      (failure: unknown) =>
        current && setError(failure instanceof GraphError ? failure.message : 'Không tải được số liệu.'),
    );
    return () => {
      current = false;
    };
  }, [config, session, unitCode]);

  if (error) return <p role="alert">{error}</p>;
  if (!summary) return <p aria-busy="true">Đang tải số liệu…</p>;
  const figures: [string, string][] = [
    ['Người trong sổ', formatCount(summary.personCount)],
    ['Đối tượng đang hưởng', formatCount(summary.beneficiaryCount)],
    ['Tổng trợ cấp hằng tháng', formatVnd(summary.monthlyEntitlementTotal)],
    ['Dòng danh sách chi trả', formatCount(summary.paymentLineCount)],
    ['Đã chi trả', formatVnd(summary.paidTotal)],
    ['Chưa chi trả', formatVnd(summary.unpaidTotal)],
  ];
  return (
    <section aria-labelledby="summary-title">
      <h2 id="summary-title">
        {summary.unit.name}: {formatMonth(summary.month)}
      </h2>
      <dl className="figures">
        {figures.map(([label, value]) => (
          <div key={label}>
            <dt>{label}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
}
