import {
  cursorRows,
  notFound,
  reportExportJob,
  type ExportTable,
  type ReportExportPayload,
} from '@ansinh/common';
import type pg from 'pg';
import type { PaymentListStateValue } from './payment-list.entity.ts';
import {
  paymentListExportColumns,
  paymentListExportRow,
  paymentListExportSubtitle,
  type PaymentListExportRecord,
  type PaymentListExportRights,
} from './payment-list-export.rules.ts';

export const PAYMENT_LIST_EXPORT = 'payment-list-export';

export type PaymentListExportPayload = ReportExportPayload & {
  listId: string;
  /** For the file name; the title reads the list again in the job. */
  unitCode: string;
  month: string;
  rights: PaymentListExportRights;
};

export const LIST_NOT_FOUND = 'Không tìm thấy danh sách chi trả này trong phạm vi đơn vị của bạn.';

/**
 * The category of a line: that of its entitlement's latest decision in force by the list's month (the
 * first one, for a line paid before its decision's month), from approvals' published view, whose code
 * and id are masked unless the job reads confidential categories; its name from the public rules.
 */
const CATEGORY = `(select c.name from approvals.categories c where c.id = (
    select d.category_id from approvals.v_entitlement_changes d
     where d.entitlement_id = l.entitlement_id
     order by (d.month <= $2) desc, case when d.month <= $2 then d.month end desc, d.month
     limit 1))`;

/**
 * The table of a list's export, read in the job's transaction (scoped as the owner): the list's unit,
 * month and state for the subtitle, then its lines in line-code order through a cursor, each with the
 * columns the owner may read.
 */
export async function paymentListExportTable(
  client: pg.ClientBase,
  payload: PaymentListExportPayload,
  signal: AbortSignal,
): Promise<ExportTable> {
  const { rows: lists } = await client.query<{
    unit_code: string;
    unit_name: string;
    month: string;
    state: PaymentListStateValue;
    lines: number;
  }>(
    `select u.code as unit_code, u.full_name as unit_name, p.month, p.state,
            (select count(*)::int from payments.payment_lines l where l.list_id = p.id) as lines
       from payments.payment_lists p join registry.v_units u on u.id = p.unit_id
      where p.id = $1`,
    [payload.listId],
  );
  const list = lists[0];
  if (!list) throw notFound(LIST_NOT_FOUND);
  const { rights } = payload;
  const columns = [
    'l.line_code',
    ...(rights.names ? ['n.full_name'] : []),
    ...(rights.categories ? [`${CATEGORY} as category`] : []),
    ...['amount', 'arrears', 'carried_over', 'one_off', 'recovery', 'total'].map(
      (name) => `l.${name}::text as ${name}`,
    ),
    'l.channel',
    'l.status',
    'l.paid_on::text as paid_on',
  ];
  const sql = `select ${columns.join(', ')}
      from payments.payment_lines l
      ${rights.names ? 'left join registry.v_person_names n on n.person_id = l.person_id' : ''}
     where l.list_id = $1
     order by l.line_code collate "C"`;
  return {
    title: 'Danh sách chi trả trợ cấp xã hội hằng tháng',
    subtitle: paymentListExportSubtitle({
      unitName: list.unit_name,
      unitCode: list.unit_code,
      month: list.month,
      state: list.state,
    }),
    columns: paymentListExportColumns(rights),
    rows: cursorRows<PaymentListExportRecord>(
      client,
      sql,
      rights.categories ? [payload.listId, list.month] : [payload.listId],
      (line) => paymentListExportRow(line, rights),
      { signal },
    ),
    totalsLabel: 'Tổng cộng',
    expectedRows: list.lines,
  };
}

/** `payment-list-export`: a payment list's lines as XLSX, CSV or PDF in the payments file store. */
export const paymentListExportJob = reportExportJob<PaymentListExportPayload>({
  kind: PAYMENT_LIST_EXPORT,
  table: paymentListExportTable,
  fileName: (payload) => `danh-sach-chi-tra-${payload.unitCode}-${payload.month}`,
});
