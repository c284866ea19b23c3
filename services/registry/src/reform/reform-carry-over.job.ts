import { defineJobKind, type JobContext } from '@ansinh/common';
import { carryAcrossReform } from './reform-carry-over.ts';
import type { ReformCarryOverReport } from './reform.rules.ts';

export const REFORM_CARRY_OVER = 'reform-carry-over';

export type ReformCarryOverPayload = { on: string; dryRun: boolean };

/**
 * The carry-over started by the province: in the job's one transaction, scoped as the province's own
 * requests (row-level security limits it to the province's units, across eras; the history records the
 * official), so a cancelled or killed job writes nothing. Approvals carries the entitlements on its own
 * schedule (its function is not the registry role's to run).
 */
export const reformCarryOverJob = defineJobKind<ReformCarryOverPayload, ReformCarryOverReport>({
  kind: REFORM_CARRY_OVER,
  expireInSeconds: 2 * 60 * 60,
  async run(context: JobContext<ReformCarryOverPayload>): Promise<ReformCarryOverReport> {
    const report = await carryAcrossReform(context.client, {
      on: context.payload.on,
      dryRun: context.payload.dryRun,
      onProgress: (step) => context.progress(step),
    });
    context.logger.info(
      { on: report.on, dryRun: report.dryRun, ...report.totals },
      'register carried across the reform',
    );
    return report;
  },
});
