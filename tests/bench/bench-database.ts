import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { copyRows, type CopyValue } from '@ansinh/common';
import { ensurePostgres, migrateAll, repoRoot, withDatabase } from '@ansinh/infra';
import { foldText, importUnitsFile } from '@ansinh/registry';
import { generatePersons, type SyntheticPerson } from './generator/persons.ts';
import { generateUnits, readCommunes, type Commune } from './generator/units.ts';

/** The national unit lists live beside the repository (../shared), never in it. */
export const NATIONAL_UNITS = join(
  repoRoot,
  '..',
  'shared',
  'data',
  'admin-units',
  'units-before-2025-07-01.csv',
);

export type BenchDatabase = {
  url: string;
  /** Where the persons live, and the unit path covering them all. */
  communes: Commune[];
  scopePath: string;
  unitsSource: string;
  drop(): Promise<void>;
};

/**
 * A fresh, migrated database for one benchmark, with administrative units: the national list (in force,
 * as the demo has it) when ../shared has it, else generated units. Persons live in Hà Tĩnh (42), or in
 * the first generated province.
 */
export async function openBenchDatabase(name: string, log: (line: string) => void): Promise<BenchDatabase> {
  const postgres = await ensurePostgres({ databaseUrl: process.env.DATABASE_URL, repoRoot, log });
  const database = `bench_${name}_${randomBytes(3).toString('hex')}`;
  const admin = new pg.Client({ connectionString: withDatabase(postgres.url, 'postgres') });
  await admin.connect();
  await admin.query(`create database "${database}"`);
  const url = withDatabase(postgres.url, database);
  await migrateAll(url);
  let communes: Commune[];
  let unitsSource: string;
  if (existsSync(NATIONAL_UNITS)) {
    const report = await importUnitsFile({ databaseUrl: url, file: NATIONAL_UNITS });
    if (!report.ok) throw new Error(`units import failed: ${report.problems.length} problems`);
    communes = await readCommunes(NATIONAL_UNITS, { province: '42' });
    unitsSource = 'national list before 1 July 2025 (Hà Tĩnh communes)';
  } else {
    const generated = generateUnits({
      seed: 1,
      provinces: 1,
      districtsPerProvince: 12,
      communesPerDistrict: 18,
    });
    await insertUnits(url, generated.units);
    communes = generated.communes;
    unitsSource = 'generated units (../shared/data/admin-units not found)';
  }
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const { rows } = await client.query<{ path: string }>(
    `select subpath(path, 0, 1)::text as path from registry.administrative_units where code = $1 and valid_to is null`,
    [communes[0]!.code],
  );
  await client.end();
  return {
    url,
    communes,
    scopePath: rows[0]!.path,
    unitsSource,
    async drop() {
      await admin.query(`drop database if exists "${database}" with (force)`);
      await admin.end();
      await postgres.stop();
    },
  };
}

async function insertUnits(
  url: string,
  units: {
    code: string;
    name: string;
    fullName: string;
    level: string;
    kind: string;
    parentCode: string | null;
  }[],
) {
  const paths = new Map<string, string>();
  for (const unit of units) {
    paths.set(unit.code, unit.parentCode ? `${paths.get(unit.parentCode)}.${unit.code}` : unit.code);
  }
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query(
    `insert into registry.administrative_units (id, code, name, full_name, level, kind, parent_code, path)
     select gen_random_uuid(), u.code, u.name, u.full_name, u.level, u.kind, u.parent_code, u.path::ltree
       from json_to_recordset($1::json) as u(code text, name text, full_name text, level text, kind text, parent_code text, path text)`,
    [
      JSON.stringify(
        units.map((unit) => ({
          code: unit.code,
          name: unit.name,
          full_name: unit.fullName,
          level: unit.level,
          kind: unit.kind,
          parent_code: unit.parentCode,
          path: paths.get(unit.code),
        })),
      ),
    ],
  );
  await client.end();
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
  options: { seed: number; count: number; communes: readonly Commune[] },
  log: (line: string) => void = () => undefined,
): Promise<number> {
  const persons = () => generatePersons(options);
  const personId = (index: number) => uuidOf(`person ${options.seed} ${index}`);
  const householdId = (person: SyntheticPerson) =>
    uuidOf(`household ${person.residenceUnitCode} ${person.householdCode}`);
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
      `copy registry.households (id, code, residence_unit_code, head_person_id, poverty_status, poverty_year, created_at, updated_at) from stdin`,
      (function* () {
        let index = 0;
        for (const person of persons()) {
          if (person.relationToHead === 'head') {
            yield [
              householdId(person),
              person.householdCode,
              person.residenceUnitCode,
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
        old_id_number, phone, residence_unit_code, address, household_id, relation_to_head, status, status_date,
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
            person.residenceUnitCode,
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
