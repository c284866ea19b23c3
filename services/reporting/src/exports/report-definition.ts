import type { ReportTable, Session } from '@ansinh/common';
import type pg from 'pg';

/**
 * The arguments an export of a report carries into its job (JSON), checked when it is asked for.
 * Each report reads the ones it needs and refuses the rest of the request with BAD_USER_INPUT.
 */
export type ReportArguments = {
  /** The unit the report is for (a code, as the queries take it), already checked to be in scope. */
  unitCode: string;
  month?: string;
  fromMonth?: string;
  toMonth?: string;
  fromDate?: string;
  toDate?: string;
  /** Free-form, report-specific (the stats query's grouping, a person filter): validated by the report. */
  options?: Record<string, unknown>;
};

/**
 * A report that can be exported: its name in the API (`payment-summary`), the permission it needs, a
 * check of its arguments at request time (throws BAD_USER_INPUT / FORBIDDEN / NOT_FOUND), and the table
 * it produces, read through `client` (a connection scoped as the owner of the export: the request's, or
 * the job's one transaction), streamed so that a large report keeps memory flat.
 */
export type ReportDefinition = {
  name: string;
  /** Action of services/common/src/auth/permissions.ts the caller needs (`report:read`). */
  action: string;
  /** Normalises and checks the arguments before the job is queued; its result is the job's payload. */
  check(args: ReportArguments, session: Session): ReportArguments | Promise<ReportArguments>;
  /** The table; `signal` aborts a long read when the job is cancelled. */
  table(client: pg.ClientBase, args: ReportArguments, signal: AbortSignal): Promise<ReportTable>;
};
