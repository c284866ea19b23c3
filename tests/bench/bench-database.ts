import { createHash, randomBytes } from 'node:crypto';
import { join } from 'node:path';
import pg from 'pg';
import { copyRows, type CopyValue } from '@ansinh/common';
import { ensurePostgres, migrateAll, repoRoot, withDatabase } from '@ansinh/infra';
import { foldText, importUnitsFile, NATIONAL_UNITS_DIRECTORY } from '@ansinh/registry';
import { generatePersons, type SyntheticPerson } from './generator/persons.ts';
import { readCommunes, type Commune } from './generator/units.ts';

/** The national list before the reform, shipped with the registry (services/registry/data/admin-units/). */
export const NATIONAL_UNITS = join(NATIONAL_UNITS_DIRECTORY, 'units-before-2025-07-01.csv');

export type BenchDatabase = {
  url: string;
  /** Where the persons live, and the unit path covering them all. */
  communes: Commune[];
  /** The unit (id) of each commune code. */
  unitIds: ReadonlyMap<string, string>;
  scopePath: string;
  unitsSource: string;
  drop(): Promise<void>;
};

/**
 * A fresh, migrated database for one benchmark, with administrative units: the national list before the
 * reform, in force (as the demo had it). Persons live in Hà Tĩnh (42).
 */
export async function openBenchDatabase(name: string, log: (line: string) => void): Promise<BenchDatabase> {
  const postgres = await ensurePostgres({ databaseUrl: process.env.DATABASE_URL, repoRoot, log });
  const database = `bench_${name}_${randomBytes(3).toString('hex')}`;
  const admin = new pg.Client({ connectionString: withDatabase(postgres.url, 'postgres') });
  await admin.connect();
  await admin.query(`create database "${database}"`);
  const url = withDatabase(postgres.url, database);
  await migrateAll(url);
  const report = await importUnitsFile({ databaseUrl: url, file: NATIONAL_UNITS });
  if (!report.ok) throw new Error(`units import failed: ${report.problems.length} problems`);
  const communes: Commune[] = await readCommunes(NATIONAL_UNITS, { province: '42' });
  const unitsSource = 'national list before 1 July 2025 (Hà Tĩnh communes)';
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const { rows } = await client.query<{ path: string }>(
    `select subpath(path, 0, 1)::text as path from registry.administrative_units where code = $1 and valid_to is null`,
    [communes[0]!.code],
  );
  const { rows: ids } = await client.query<{ code: string; id: string }>(
    `select code, id from registry.administrative_units where level = 'commune' and valid_to is null and code = any($1)`,
    [communes.map((commune) => commune.code)],
  );
  await client.end();
  return {
    url,
    communes,
    unitIds: new Map(ids.map((row) => [row.code, row.id])),
    scopePath: rows[0]!.path,
    unitsSource,
    async drop() {
      await admin.query(`drop database if exists "${database}" with (force)`);
      await admin.end();
      await postgres.stop();
    },
  };
}

/** A stable uuid for a key, so that the passes over the generated persons agree without keeping them. */
function uuidOf(key: string): string {
  const hex = createHash('md5').update(key).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

async function copyAll(
  client: pg.Client,
  sql: string,
  rows: Iterable<CopyValue[] | undefined>,
): Promise<void> {
  const copy = copyRows(client, sql);
  for (const row of rows) if (row) await copy.write(row);
  await copy.end();
}

/**
 * Loads generated persons straight into the registry's tables with COPY, bypassing the import path (and
 * its change history): three passes over the deterministic generator (households, persons, accounts),
 * one transaction. A million persons take about a minute.
 */
export async function loadPersons(
  url: string,
  options: {
    seed: number;
    count: number;
    communes: readonly Commune[];
    /** The unit (id) of each commune code the persons live in. */
    unitIds: ReadonlyMap<string, string>;
  },
  log: (line: string) => void = () => undefined,
): Promise<number> {
  const persons = () => generatePersons(options);
  const personId = (index: number) => uuidOf(`person ${options.seed} ${index}`);
  const householdId = (person: SyntheticPerson) =>
    uuidOf(`household ${person.residenceUnitCode} ${person.householdCode}`);
  const unitId = (code: string) => {
    const id = options.unitIds.get(code);
    if (!id) throw new Error(`no unit for commune ${code}`);
    return id;
  };
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('begin');
    for (const table of ['persons', 'households', 'payment_accounts']) {
      await client.query(`alter table registry.${table} disable trigger user`);
    }
    const now = new Date().toISOString();
    const started = performance.now();
    const phase = (name: string) => log(`${name}: ${((performance.now() - started) / 1000).toFixed(1)} s`);
    await copyAll(
      client,
      `copy registry.households (id, code, residence_unit_id, head_person_id, poverty_status, poverty_year, created_at, updated_at) from stdin`,
      (function* () {
        let index = 0;
        for (const person of persons()) {
          if (person.relationToHead === 'head') {
            yield [
              householdId(person),
              person.householdCode,
              unitId(person.residenceUnitCode),
              personId(index),
              person.povertyStatus,
              person.povertyYear,
              now,
              now,
            ];
          }
          index += 1;
        }
      })(),
    );
    phase('households');
    let count = 0;
    await copyAll(
      client,
      `copy registry.persons (id, full_name, name_folded, birth_year, birth_date, gender, ethnicity_code, citizen_id,
        old_id_number, phone, residence_unit_id, address, household_id, relation_to_head, status, status_date,
        created_at, updated_at) from stdin`,
      (function* () {
        for (const person of persons()) {
          yield [
            personId(count++),
            person.fullName,
            foldText(person.fullName),
            person.birthYear,
            person.birthDate,
            person.gender,
            person.ethnicityCode,
            person.citizenId,
            person.oldIdNumber,
            person.phone,
            unitId(person.residenceUnitCode),
            person.address,
            householdId(person),
            person.relationToHead,
            person.status,
            person.status === 'living' ? null : '2026-01-15',
            now,
            now,
          ];
        }
      })(),
    );
    phase('persons');
    await copyAll(
      client,
      `copy registry.payment_accounts (id, person_id, kind, provider_code, account_number, holder_name,
        holder_name_matches, is_default, created_at, updated_at) from stdin`,
      (function* () {
        let index = 0;
        for (const person of persons()) {
          const account = person.account;
          yield account
            ? [
                uuidOf(`account ${options.seed} ${index}`),
                personId(index),
                account.kind,
                account.providerCode,
                account.accountNumber,
                account.holderName,
                foldText(account.holderName) === foldText(person.fullName),
                true,
                now,
                now,
              ]
            : undefined;
          index += 1;
        }
      })(),
    );
    phase('payment accounts');
    // The households' head check was deferred; it runs now, before the triggers come back.
    await client.query('set constraints all immediate');
    for (const table of ['persons', 'households', 'payment_accounts']) {
      await client.query(`alter table registry.${table} enable trigger user`);
    }
    await client.query('commit');
    await client.query('analyze registry.persons, registry.households, registry.payment_accounts');
    return count;
  } catch (error) {
    await client.query('rollback').catch(() => undefined);
    throw error;
  } finally {
    await client.end();
  }
}
