import { useState, type FormEvent } from 'react';
import { today } from '../format.ts';
import { graphql } from '../generated/gql.ts';
import { useOfficial } from '../shell/console-context.tsx';
import { useDraft } from '../shell/drafts.ts';
import { TextField } from '../shell/fields.tsx';
import { setSearchParams, useLocation } from '../shell/router.tsx';
import { useQuery } from '../shell/use-graph.ts';
import {
  complianceFilterOfParams,
  complianceParams,
  defaultComplianceFilter,
  type ComplianceFilter,
} from './compliance.ts';
import { DataCompletenessTable, LateUpdatesTable, MissingListsTable } from './compliance-tables.tsx';
import { Answer, fieldErrors, UnitCodeField } from './report-parts.tsx';

const REPORT_MISSING_PAYMENT_LISTS = graphql(`
  query ReportMissingPaymentLists($unitCode: ID!, $fromMonth: String!, $toMonth: String!) {
    missingPaymentLists(unitCode: $unitCode, fromMonth: $fromMonth, toMonth: $toMonth) {
      unit {
        fullName
      }
      fromMonth
      toMonth
      unitsChecked
      rows {
        province {
          name
        }
        unit {
          code
          fullName
          former
          validTo
        }
        missingMonths
      }
    }
  }
`);

const REPORT_LATE_DAILY_UPDATES = graphql(`
  query ReportLateDailyUpdates($unitCode: ID!, $fromDate: String!, $toDate: String!, $first: Int!) {
    lateDailyUpdates(unitCode: $unitCode, fromDate: $fromDate, toDate: $toDate, first: $first) {
      unit {
        fullName
      }
      fromDate
      toDate
      workingDays
      communesChecked
      communeDaysChecked
      missingDays
      lateDays
      rows {
        unit {
          code
          fullName
          former
          validTo
        }
        date
        status
        updates
        lateUpdates
        lastRecordedAt
      }
    }
  }
`);

const REPORT_DATA_COMPLETENESS = graphql(`
  query ReportDataCompleteness($unitCode: ID!) {
    dataCompleteness(unitCode: $unitCode) {
      rows {
        ...ReportCompletenessRow
      }
      total {
        ...ReportCompletenessRow
      }
    }
  }

  fragment ReportCompletenessRow on DataCompletenessRow {
    unit {
      code
      fullName
      former
      validTo
    }
    persons
    beneficiaries
    citizenId {
      missing
      percent
    }
    gender {
      missing
      percent
    }
    ethnicity {
      missing
      percent
    }
    decisionNumber {
      missing
      percent
    }
    decisionDate {
      missing
      percent
    }
    paymentAccount {
      missing
      percent
    }
  }
`);

/** The most rows the graph answers at once; beyond them the export has every one. */
const LATE_ROWS = 2000;

const FIELDS = ['unitCode', 'fromMonth', 'toMonth', 'fromDate', 'toDate'];

/** Tuân thủ: which communes under a unit have not made their payment lists, or updated their payments late. */
export function ComplianceTab() {
  const official = useOfficial();
  const [form, update] = useDraft<ComplianceFilter>(
    'reports:compliance',
    defaultComplianceFilter(official.unitCode, today()),
  );
  // Until "Xem" puts a unit and period in the address, the tables are those of the form as it opened.
  const [opened] = useState(form);
  const filter = complianceFilterOfParams(useLocation().searchParams) ?? opened;
  const { unitCode, fromMonth, toMonth, fromDate, toDate } = filter;
  const missing = useQuery(REPORT_MISSING_PAYMENT_LISTS, { unitCode, fromMonth, toMonth });
  const late = useQuery(REPORT_LATE_DAILY_UPDATES, { unitCode, fromDate, toDate, first: LATE_ROWS });
  const completeness = useQuery(REPORT_DATA_COMPLETENESS, { unitCode });
  const errorOf = fieldErrors([missing.error, late.error, completeness.error], FIELDS);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setSearchParams(complianceParams(form));
    missing.reload();
    late.reload();
    completeness.reload();
  };

  return (
    <section aria-labelledby="compliance-title">
      <h2 id="compliance-title">Tuân thủ</h2>
      <form className="panel" aria-label="Đơn vị và thời gian rà soát" onSubmit={submit}>
        <div className="toolbar">
          <UnitCodeField
            value={form.unitCode}
            onChange={(value) => update({ unitCode: value })}
            error={errorOf('unitCode')}
            required
          />
          <TextField
            type="month"
            label="Danh sách chi trả từ tháng"
            value={form.fromMonth}
            onChange={(value) => update({ fromMonth: value })}
            error={errorOf('fromMonth')}
            required
          />
          <TextField
            type="month"
            label="Đến tháng"
            value={form.toMonth}
            onChange={(value) => update({ toMonth: value })}
            error={errorOf('toMonth')}
            hint="Tối đa 60 tháng"
            required
          />
          <TextField
            type="date"
            label="Cập nhật chi trả từ ngày"
            value={form.fromDate}
            onChange={(value) => update({ fromDate: value })}
            error={errorOf('fromDate')}
            required
          />
          <TextField
            type="date"
            label="Đến ngày"
            value={form.toDate}
            onChange={(value) => update({ toDate: value })}
            error={errorOf('toDate')}
            hint="Tối đa 92 ngày"
            required
          />
        </div>
        <button type="submit" className="primary">
          Xem
        </button>
      </form>
      <section className="panel" aria-labelledby="missing-lists-title">
        <h3 id="missing-lists-title">Đơn vị chưa lập danh sách chi trả</h3>
        <Answer state={missing} fields={FIELDS} what="danh sách đơn vị">
          {(data) => <MissingListsTable report={data.missingPaymentLists} />}
        </Answer>
      </section>
      <section className="panel" aria-labelledby="late-updates-title">
        <h3 id="late-updates-title">Cập nhật chi trả thiếu hoặc trễ</h3>
        <Answer state={late} fields={FIELDS} what="tình hình cập nhật">
          {(data) => <LateUpdatesTable report={data.lateDailyUpdates} />}
        </Answer>
      </section>
      <section className="panel" aria-labelledby="completeness-title">
        <h3 id="completeness-title">Mức độ đầy đủ dữ liệu</h3>
        <Answer state={completeness} fields={FIELDS} what="mức độ đầy đủ dữ liệu">
          {(data) => <DataCompletenessTable report={data.dataCompleteness} />}
        </Answer>
      </section>
    </section>
  );
}
