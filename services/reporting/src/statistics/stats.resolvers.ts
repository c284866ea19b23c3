import { badInput, currentMonth, inRequestTransaction, lower, upper } from '@ansinh/common';
import type pg from 'pg';
import type { ReportingContext } from '../context.ts';
import type { Resolvers, StatsRow } from '../generated/resolvers-types.ts';
import { unitInCallerScope, unitNamed } from '../units/unit-argument.ts';
import { checkStatsRequest, MAX_GROUPS, type StatsMeasure } from './stats.query.ts';
import { readStats, TooManyGroupsError, type StatsFigures, type StatsGroup } from './stats.repository.ts';
import { refreshStatistics } from './stats-facts.refresh.ts';

const FIELD_OF_MEASURE: Record<StatsMeasure, keyof StatsRow> = {
  beneficiaries: 'beneficiaries',
  entitlements: 'entitlements',
  amount_due: 'amountDue',
  increases: 'increases',
  decreases: 'decreases',
  payment_lines: 'paymentLines',
  payment_persons: 'paymentPersons',
  planned: 'planned',
  paid: 'paid',
  unpaid: 'unpaid',
  paid_late: 'paidLate',
};

function measureFields(figures: StatsFigures): Partial<StatsRow> {
  const row: Partial<Record<keyof StatsRow, unknown>> = {};
  for (const [measure, value] of Object.entries(figures))
    row[FIELD_OF_MEASURE[measure as StatsMeasure]] = value;
  return row as Partial<StatsRow>;
}

function rowOf(group: StatsGroup): StatsRow {
  const { keys } = group;
  return {
    unit: group.unit ? { id: group.unit.id } : null,
    unitCode: group.unit?.code ?? null,
    unitName: group.unit?.name ?? null,
    program: keys.program ?? null,
    category: group.category?.code ?? null,
    categoryName: group.category?.name ?? null,
    gender: keys.gender ? (upper(keys.gender) as StatsRow['gender']) : null,
    ethnicity: keys.ethnicity ?? null,
    ageBand: keys.age_band ?? null,
    month: keys.month ?? null,
    channel: keys.channel ?? null,
    paymentStatus: keys.payment_status ?? null,
    ...measureFields(group.figures),
  } as StatsRow;
}

const refreshes = new WeakMap<object, Promise<unknown>>();

/**
 * The statistics brought up to date once per request (before its first figure), on the subgraph's pool:
 * every change committed before the request is in its figures.
 */
export function statisticsRefreshed(context: Pick<ReportingContext, 'em'>): Promise<unknown> {
  let refreshed = refreshes.get(context);
  if (!refreshed) {
    refreshed = (async () =>
      refreshStatistics((await context.em.getConnection().getNativeClient()) as unknown as pg.Pool))();
    refreshes.set(context, refreshed);
  }
  return refreshed;
}

export const statsResolvers = {
  Query: {
    stats: async (_parent, { input }, context) => {
      context.session.assert('report:read');
      const month = currentMonth();
      const request = checkStatsRequest(
        {
          groupBy: input.groupBy.map(lower),
          measures: input.measures.map(lower),
          fromMonth: input.filter.fromMonth,
          toMonth: input.filter.toMonth ?? input.filter.fromMonth,
          unitLevel: lower(input.unitLevel ?? 'COMMUNE'),
          unitEra: lower(input.unitEra ?? 'CURRENT'),
          programs: input.filter.programs,
          categories: input.filter.categories,
          genders: input.filter.genders?.map(lower),
          ethnicities: input.filter.ethnicities,
          ageBands: input.filter.ageBands,
          channels: input.filter.channels,
          statuses: input.filter.statuses,
        },
        month,
      );
      const unit = input.filter.unitCode
        ? await unitInCallerScope(input.filter.unitCode, context, 'input.filter.unitCode')
        : await unitNamed(context.session.requirePrincipal().unitCode, context.loaders.units);
      const includeConfidential = context.session.allows('entitlement:read-confidential');
      await statisticsRefreshed(context);
      try {
        const { groups, totals } = await inRequestTransaction(context.em, (client) =>
          readStats(client, request, unit.scopePaths, includeConfidential),
        );
        return {
          rows: groups.map(rowOf),
          totals: rowOf({ keys: {}, figures: totals }),
          fromMonth: request.fromMonth,
          toMonth: request.toMonth,
          includesConfidential: includeConfidential,
        };
      } catch (error) {
        if (error instanceof TooManyGroupsError)
          throw badInput(
            'input.groupBy',
            `Kết quả có hơn ${MAX_GROUPS.toLocaleString('vi-VN')} nhóm: hãy chia theo ít tiêu chí hơn, thu hẹp đơn vị hoặc số tháng.`,
          );
        throw error;
      }
    },
  },
} satisfies Pick<Resolvers, 'Query'>;

export const statisticsModule = { resolvers: statsResolvers };
