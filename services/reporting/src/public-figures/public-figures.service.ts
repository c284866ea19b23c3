import {
  AppError,
  identifierArgument,
  badInput,
  inRequestTransaction,
  notFound,
  scopeSessionContext,
  type ScopedUnit,
} from '@ansinh/common';
import type { EntityManager } from '@mikro-orm/postgresql';
import type DataLoader from 'dataloader';
import { unitNamed } from '../units/unit-argument.ts';
import { REPORTING_SCHEMA } from '../unit-summary/unit-summary.resolvers.ts';
import { cellsRevealedBySubtraction } from './cell-disclosure.audit.ts';
import { suppressSmallCells } from './cell-suppression.rules.ts';
import { admitCitizenCheck, citizenPayments, personForCitizenCheck } from './citizen-check.repository.ts';
import type { PublicFiguresConfig } from './public-figures.config.ts';
import { programNames, readPublicFigures, unitsByIds } from './public-figures.repository.ts';
import {
  birthDateArgument,
  CITIZEN_NOT_FOUND_MESSAGE,
  citizenCheckKeys,
  citizenCheckMonths,
  citizenIdArgument,
  publicPeriod,
  rateLimitMessage,
} from './public-figures.rules.ts';

export type PublicTable = {
  province: { id: string };
  provinceCode: string;
  provinceName: string;
  fromMonth: string;
  toMonth: string;
  minimumCount: number;
  programs: { id: string; name: string }[];
  cells: {
    unit: { id: string } | null;
    unitCode: string | null;
    unitName: string | null;
    program: string | null;
    month: string | null;
    beneficiaries: number | null;
    amountPaid: number | null;
    suppressed: boolean;
  }[];
};

const PROVINCE_CODE = /^\d{2}$/;

/** A province named by its GSO code (in force, else a former one), or BAD_USER_INPUT / NOT_FOUND. */
export async function provinceArgument(
  code: string,
  units: DataLoader<string, ScopedUnit | undefined>,
): Promise<ScopedUnit> {
  identifierArgument(code, PROVINCE_CODE, 'provinceCode', 'Mã tỉnh (2 chữ số)');
  const unit = await unitNamed(code, units, 'provinceCode');
  if (unit.level !== 'province')
    throw badInput('provinceCode', 'Mã tỉnh phải là mã của một tỉnh, thành phố.');
  return unit;
}

/**
 * The public table of a province's months: read in a database scope of the province whoever asks (the
 * figures of any province are public; the scope keeps the statement to it), suppressed, and checked once
 * more line by line before it is let out.
 */
export async function readPublicTable(
  em: EntityManager,
  province: ScopedUnit,
  period: { fromMonth: string; toMonth: string },
  minimumCount: number,
): Promise<PublicTable> {
  const provinceScoped = em.fork();
  provinceScoped.setSessionContext(scopeSessionContext(REPORTING_SCHEMA, province.path));
  return inRequestTransaction(provinceScoped, async (client) => {
    const figures = await readPublicFigures(client, province.scopePaths, period.fromMonth, period.toMonth);
    const table = suppressSmallCells(figures, minimumCount);
    for (const measure of ['beneficiaries', 'amountPaid'] as const) {
      const revealed = cellsRevealedBySubtraction(
        table.map((cell) => ({ key: cell.key, value: cell[measure] })),
      );
      if (revealed.length > 0)
        throw new Error(`public table of ${province.code} would reveal ${revealed.length} cells`);
    }
    const unitIds = [...new Set(table.map((cell) => cell.key[0]).filter((id): id is string => id !== null))];
    const programIds = [
      ...new Set(table.map((cell) => cell.key[1]).filter((id): id is string => id !== null)),
    ];
    const units = await unitsByIds(client, [...unitIds, province.id]);
    const programs = await programNames(client, programIds);
    return {
      province: { id: province.id },
      provinceCode: province.code,
      provinceName: units.get(province.id)?.name ?? province.code,
      ...period,
      minimumCount,
      programs: programIds.map((id) => ({ id, name: programs.get(id) ?? id })),
      cells: table.map((cell) => {
        const [unitId, program, month] = cell.key;
        const unit = unitId ? units.get(unitId) : undefined;
        return {
          unit: unitId ? { id: unitId } : null,
          unitCode: unit?.code ?? null,
          unitName: unit?.name ?? null,
          program: program ?? null,
          month: month ?? null,
          beneficiaries: cell.beneficiaries,
          amountPaid: cell.amountPaid,
          suppressed: cell.suppressed,
        };
      }),
    };
  });
}

/**
 * Tables kept in memory for `cacheSeconds` per province and period (anyone may ask for them, as often as
 * they like; they change only as payments are recorded), the same promise for concurrent askers. A failed
 * read is not kept.
 */
export function publicTableCache(cacheSeconds: number, maxEntries = 200) {
  const entries = new Map<string, { expires: number; table: Promise<PublicTable> }>();
  return (key: string, read: () => Promise<PublicTable>, now = Date.now()): Promise<PublicTable> => {
    const kept = entries.get(key);
    if (kept && kept.expires > now) return kept.table;
    entries.delete(key);
    const table = read();
    if (cacheSeconds > 0) {
      entries.set(key, { expires: now + cacheSeconds * 1000, table });
      table.catch(() => entries.delete(key));
      while (entries.size > maxEntries) entries.delete(entries.keys().next().value!);
    }
    return table;
  };
}

export type PublicFiguresRequest = {
  em: EntityManager;
  units: DataLoader<string, ScopedUnit | undefined>;
  config: PublicFiguresConfig;
  cache: ReturnType<typeof publicTableCache>;
  now: Date;
};

export async function publicFigures(
  request: PublicFiguresRequest,
  args: { provinceCode: string; fromMonth: string; toMonth: string },
): Promise<PublicTable> {
  const period = publicPeriod(args.fromMonth, args.toMonth, request.now);
  const province = await provinceArgument(args.provinceCode, request.units);
  return request.cache(`${province.id} ${period.fromMonth} ${period.toMonth}`, () =>
    readPublicTable(request.em, province, period, request.config.minimumCount),
  );
}

export type CitizenCheckRequest = {
  em: EntityManager;
  clientAddress: string;
  config: PublicFiguresConfig['citizenCheck'];
  now: Date;
};

/**
 * A citizen's check of their own payments: the arguments, then the rate limit (per client and per CCCD),
 * then the record matching both the CCCD and the date of birth; no match, whichever part differs, is the
 * same NOT_FOUND after the same statements. Then the last twelve months' lines, read in a scope of the
 * person's commune.
 */
export async function checkCitizenPayments(
  request: CitizenCheckRequest,
  args: { citizenId: string; birthDate: string },
) {
  const citizenId = citizenIdArgument(args.citizenId);
  const birthDate = birthDateArgument(args.birthDate, request.now);
  const keys = citizenCheckKeys(request.clientAddress, citizenId, request.config.keySecret);
  const admission = await admitCitizenCheck(
    request.em,
    keys,
    request.config.limit,
    request.config.windowSeconds,
  );
  if (!admission.admitted)
    throw new AppError('RATE_LIMITED', rateLimitMessage(admission.retryAfterSeconds), {
      details: { retryAfterSeconds: admission.retryAfterSeconds },
    });
  const record = await personForCitizenCheck(request.em, citizenId, birthDate);
  if (!record) throw notFound(CITIZEN_NOT_FOUND_MESSAGE);
  const { fromMonth, toMonth } = citizenCheckMonths(request.now);
  const personScoped = request.em.fork();
  personScoped.setSessionContext(scopeSessionContext(REPORTING_SCHEMA, record.unitPath));
  const payments = await inRequestTransaction(personScoped, (client) =>
    citizenPayments(client, record.personId, fromMonth, toMonth),
  );
  return {
    maskedName: record.maskedName,
    maskedCitizenId: record.maskedCitizenId,
    communeName: record.communeName,
    payments,
  };
}
