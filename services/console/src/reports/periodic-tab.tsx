import { useState, type FormEvent } from 'react';
import { thisMonth } from '../format.ts';
import { graphql } from '../generated/gql.ts';
import { useOfficial } from '../shell/console-context.tsx';
import { useDraft } from '../shell/drafts.ts';
import { TextField } from '../shell/fields.tsx';
import { setSearchParams, useLocation } from '../shell/router.tsx';
import { useQuery } from '../shell/use-graph.ts';
import { periodicFilterOfParams, periodicParams, type PeriodicFilter } from './periodic.ts';
import { EntitlementChangeTables, PaymentSummaryTable, Resolution42Table } from './periodic-tables.tsx';
import { Answer, fieldErrors, UnitCodeField } from './report-parts.tsx';

const REPORT_PAYMENT_SUMMARY = graphql(`
  query ReportPaymentSummary($unitCode: ID!, $month: String!) {
    paymentSummary(unitCode: $unitCode, month: $month) {
      unitName
      month
      communes {
        unit {
          id
        }
        unitName
        districtCode
        listState
        figures {
          lines
          persons
          plannedAmount
          paidLines
          paidAmount
          unpaidLines
          unpaidAmount
          heldLines
          heldAmount
          paidLateLines
          paidLateAmount
        }
      }
      districts {
        unitCode
        unitName
        communes
        figures {
          lines
          persons
          plannedAmount
          paidLines
          paidAmount
          unpaidLines
          unpaidAmount
          heldLines
          heldAmount
          paidLateLines
          paidLateAmount
        }
      }
      total {
        lines
        persons
        plannedAmount
        paidLines
        paidAmount
        unpaidLines
        unpaidAmount
        heldLines
        heldAmount
        paidLateLines
        paidLateAmount
      }
    }
  }
`);

const REPORT_ENTITLEMENT_CHANGES = graphql(`
  query ReportEntitlementChangeSummary($unitCode: ID!, $month: String!) {
    entitlementChangeSummary(unitCode: $unitCode, month: $month) {
      unitName
      month
      directions {
        direction
        directionName
        decisions
        persons
        amountBefore
        amountAfter
        amountChange
      }
      reasons {
        direction
        reasonCode
        reasonName
        decisions
        persons
        amountBefore
        amountAfter
        amountChange
      }
      rows {
        direction
        reasonCode
        categoryCode
        categoryName
        decisions
        persons
        amountBefore
        amountAfter
        amountChange
      }
    }
  }
`);

const REPORT_RESOLUTION_42 = graphql(`
  query ReportResolution42Support($unitCode: ID!) {
    resolution42SupportSummary(unitCode: $unitCode) {
      unitName
      fromMonth
      toMonth
      groups {
        categoryCode
        categoryName
        lists
        people
        paid
        flagged
        amountListed
        amountPaid
      }
      people
      paid
      flagged
      amountListed
      amountPaid
      severalGroups {
        people
        paidOnce
        paidMoreThanOnce
        paidElsewhere
        flaggedRows
      }
    }
  }
`);

const FIELDS = ['unitCode', 'month'];

/** Báo cáo định kỳ: the regulation reports of a unit for a month. */
export function PeriodicTab() {
  const official = useOfficial();
  const [form, update] = useDraft<PeriodicFilter>('reports:periodic', {
    unitCode: official.unitCode,
    month: thisMonth(),
  });
  // Until "Xem" puts a unit and month in the address, the reports are those of the form as it opened.
  const [opened] = useState(form);
  const filter = periodicFilterOfParams(useLocation().searchParams) ?? opened;
  const payments = useQuery(REPORT_PAYMENT_SUMMARY, filter);
  const changes = useQuery(REPORT_ENTITLEMENT_CHANGES, filter);
  const resolution42 = useQuery(REPORT_RESOLUTION_42, { unitCode: filter.unitCode });
  const errorOf = fieldErrors([payments.error, changes.error, resolution42.error], FIELDS);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setSearchParams(periodicParams(form));
    payments.reload();
    changes.reload();
    resolution42.reload();
  };

  return (
    <section aria-labelledby="periodic-title">
      <h2 id="periodic-title">Báo cáo định kỳ</h2>
      <form className="panel toolbar" aria-label="Đơn vị và tháng báo cáo" onSubmit={submit}>
        <UnitCodeField
          value={form.unitCode}
          onChange={(unitCode) => update({ unitCode })}
          error={errorOf('unitCode')}
          required
        />
        <TextField
          type="month"
          label="Tháng báo cáo"
          value={form.month}
          onChange={(month) => update({ month })}
          error={errorOf('month')}
          required
        />
        <button type="submit" className="primary">
          Xem
        </button>
      </form>
      <section className="panel" aria-labelledby="payment-summary-title">
        <h3 id="payment-summary-title">Tổng hợp chi trả</h3>
        <Answer state={payments} fields={FIELDS} what="tổng hợp chi trả">
          {(data) => <PaymentSummaryTable summary={data.paymentSummary} />}
        </Answer>
      </section>
      <section className="panel" aria-labelledby="changes-title">
        <h3 id="changes-title">Biến động tăng/giảm đối tượng</h3>
        <Answer state={changes} fields={FIELDS} what="biến động tăng/giảm">
          {(data) => <EntitlementChangeTables summary={data.entitlementChangeSummary} />}
        </Answer>
      </section>
      <section className="panel" aria-labelledby="resolution-42-title">
        <h3 id="resolution-42-title">Hỗ trợ theo Nghị quyết 42</h3>
        <Answer state={resolution42} fields={FIELDS} what="tổng hợp Nghị quyết 42">
          {(data) => <Resolution42Table summary={data.resolution42SupportSummary} />}
        </Answer>
      </section>
    </section>
  );
}
