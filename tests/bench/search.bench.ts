import { randomBytes } from 'node:crypto';
import { startSubgraph } from '@ansinh/common';
import { DEMO_PASSWORD, ensureKeycloak, passwordGrant, repoRoot } from '@ansinh/infra';
import { registrySubgraph } from '@ansinh/registry';
import type { BenchResult } from './bench-report.ts';
import { loadPersons, openBenchDatabase } from './bench-database.ts';
import { generatePersons } from './generator/persons.ts';
import { Random } from './generator/random.ts';

const PERSONS = 1_000_000;
const SEED = 2026;
const WARM_UP = 60;
const QUERIES = 600;

const SEARCH = `query ($unitCode: ID, $filter: PersonFilter, $first: Int) {
  persons(unitCode: $unitCode, filter: $filter, first: $first) {
    totalCount edges { cursor node { id fullName birthDate citizenId status } } pageInfo { hasNextPage endCursor }
  }
}`;
const BY_ID = `query ($id: ID!) { person(id: $id) { id fullName birthDate citizenId status } }`;

type Query = { kind: string; user: string; query: string; variables: Record<string, unknown> };

const percentile = (sorted: readonly number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
const round = (value: number, digits = 1) => Number(value.toFixed(digits));

/**
 * The searches officials make, over persons the generator really made: a full name across the
 * province, family and given name in a district, a given name in a commune, a CCCD across the
 * province, and the first page of a commune's or the province's list by status.
 */
function searchMix(
  sample: { fullName: string; citizenId: string | null; residenceUnitCode: string }[],
): Query[] {
  const random = new Random(7);
  const queries: Query[] = [];
  const kinds: [string, number][] = [
    ['full name, province', 35],
    ['CCCD, province', 25],
    ['family and given name, district', 15],
    ['given name, commune', 10],
    ['living persons, commune, first page', 10],
    ['deceased persons, province, first page', 5],
  ];
  const table = kinds.flatMap(([kind, weight]) => Array.from({ length: weight }, () => kind));
  while (queries.length < WARM_UP + QUERIES) {
    const person = random.pick(sample);
    const words = person.fullName.split(' ');
    const kind = random.pick(table);
    const search = (user: string, filter: Record<string, unknown>, unitCode?: string): Query => ({
      kind,
      user,
      query: SEARCH,
      variables: { filter, first: 20, ...(unitCode ? { unitCode } : {}) },
    });
    if (kind === 'full name, province') {
      // Officials type names without accents as often as with them.
      const name = random.chance(0.5)
        ? person.fullName
        : person.fullName.normalize('NFD').replace(/[\u0300-\u036f]/g, '');
      queries.push(search('tinh.42', { name }));
    } else if (kind === 'CCCD, province') {
      if (person.citizenId) queries.push(search('tinh.42', { idNumber: person.citizenId }));
    } else if (kind === 'family and given name, district') {
      queries.push(search('huyen.436', { name: `${words[0]} ${words.at(-1)}` }));
    } else if (kind === 'given name, commune') {
      queries.push(search('xa.18073', { name: words.at(-1) }));
    } else if (kind === 'living persons, commune, first page') {
      queries.push(search('xa.18073', { status: 'LIVING' }));
    } else {
      queries.push(search('tinh.42', { status: 'DECEASED' }));
    }
  }
  return queries;
}

async function timed(url: string, token: string, query: string, variables: Record<string, unknown>) {
  const started = performance.now();
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { errors?: unknown[]; data?: Record<string, any> };
  const ms = performance.now() - started;
  if (body.errors) throw new Error(`search failed: ${JSON.stringify(body.errors)}`);
  return { ms, data: body.data! };
}

/**
 * Person search over 1,000,000 persons (loaded directly by the generator's loader) through the
 * registry subgraph with real Keycloak tokens: p50 and p95 of a realistic mix of searches, each
 * with its total count, against a lookup by id in the same run.
 */
export async function benchSearch(): Promise<BenchResult> {
  const log = (line: string) => console.error(`[bench] ${line}`);
  const keycloak = await ensureKeycloak({ keycloakUrl: process.env.KEYCLOAK_URL, repoRoot, log });
  const database = await openBenchDatabase('search', log);
  try {
    const loadStarted = performance.now();
    await loadPersons(
      database.url,
      { seed: SEED, count: PERSONS, communes: database.communes, unitIds: database.unitIds },
      log,
    );
    const loadSeconds = (performance.now() - loadStarted) / 1000;
    log(`loaded ${PERSONS} persons in ${loadSeconds.toFixed(1)} s`);
    // Every 200th person: names and CCCDs that are really in the register, spread over it.
    const sample = [];
    let index = 0;
    for (const person of generatePersons({ seed: SEED, count: PERSONS, communes: database.communes })) {
      if (index++ % 200 === 0) sample.push(person);
    }
    const subgraph = await startSubgraph(registrySubgraph, {
      NODE_ENV: 'production',
      LOG_LEVEL: 'warn',
      DATABASE_URL: database.url,
      // migrateAll gave the role its development password; production asks for it, and for a gateway secret.
      REGISTRY_DATABASE_PASSWORD: 'ansinh_registry',
      SUBGRAPH_SECRET: randomBytes(24).toString('hex'),
      KEYCLOAK_URL: keycloak.url,
      PORT: '0',
    });
    try {
      const tokens = Object.fromEntries(
        await Promise.all(
          ['tinh.42', 'huyen.436', 'xa.18073'].map(async (username) => [
            username,
            await passwordGrant({ keycloakUrl: keycloak.url, username, password: DEMO_PASSWORD }),
          ]),
        ),
      ) as Record<string, string>;
      const mix = searchMix(sample);
      const byKind = new Map<string, number[]>();
      const all: number[] = [];
      const ids: string[] = [];
      for (const [index, query] of mix.entries()) {
        const { ms, data } = await timed(subgraph.url, tokens[query.user]!, query.query, query.variables);
        if (data.persons.edges[0]) ids.push(data.persons.edges[0].node.id);
        if (index < WARM_UP) continue;
        all.push(ms);
        byKind.set(query.kind, [...(byKind.get(query.kind) ?? []), ms]);
      }
      const lookups: number[] = [];
      for (const id of ids.slice(0, 300))
        lookups.push((await timed(subgraph.url, tokens['tinh.42']!, BY_ID, { id })).ms);
      all.sort((a, b) => a - b);
      lookups.sort((a, b) => a - b);
      const p50 = percentile(all, 50);
      const p95 = percentile(all, 95);
      const lookupP50 = percentile(lookups, 50);
      return {
        name: 'search',
        fields: {
          persons: PERSONS,
          queries: all.length,
          p50Ms: round(p50),
          p95Ms: round(p95),
          maxMs: round(all.at(-1)!),
          lookupByIdP50Ms: round(lookupP50),
          ratioP50ToLookup: round(p50 / lookupP50, 2),
          loadSeconds: round(loadSeconds),
        },
        table: [
          ['persons in the register', PERSONS, 'persons'],
          ['direct load (generator loader, COPY)', round(loadSeconds), 's'],
          ['searches measured (after warm-up)', all.length, 'queries'],
          ['search p50', round(p50), 'ms'],
          ['search p95', round(p95), 'ms'],
          ['search max', round(all.at(-1)!), 'ms'],
          ...[...byKind].map(([kind, times]): [string, number, string] => {
            times.sort((a, b) => a - b);
            return [`p95: ${kind} (${times.length})`, round(percentile(times, 95)), 'ms'];
          }),
          ['baseline: person by id p50', round(lookupP50), 'ms'],
          ['search p50 / lookup p50', round(p50 / lookupP50, 2), 'ratio'],
        ],
        notes: [
          `${PERSONS.toLocaleString('en')} generated persons (seed ${SEED}) with households and accounts, in ${database.communes.length} communes; units: ${database.unitsSource}.`,
          'Each search is a GraphQL `persons` query (first page of 20, with totalCount) sent to the registry subgraph with a real Keycloak token, one at a time; names half with and half without accents.',
        ],
      };
    } finally {
      await subgraph.stop();
    }
  } finally {
    await database.drop();
    await keycloak.stop();
  }
}
