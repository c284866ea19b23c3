import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { Session, startSubgraph, type RunningSubgraph } from '@ansinh/common';
import { createTestDatabase, type TestDatabase } from '@ansinh/common/testing';
import { graphql, testEnv, tokenFor } from '@ansinh/tests/support';
import { NATIONAL_UNITS_DIRECTORY, registrySubgraph } from '../src/index.ts';
import { assignReformReviews } from '../src/reform/reform-assignment.service.ts';
import { carryAcrossReform } from '../src/reform/reform-carry-over.ts';
import type { ReformCarryOverReport } from '../src/reform/reform.rules.ts';
import { importUnitsFile } from '../src/units/import/units-import.ts';

/**
 * The reform carry-over over the real national unit lists (10,794 units until 30 June 2025, 3,355 from
 * 1 July 2025, the merge map) with generated persons in every old commune of the country, then the review
 * queue through the registry subgraph with real tokens.
 * Hà Tĩnh: old 18077 Phường Bắc Hà and old 18073 Phường Nam Hà merged whole into new 18073 Phường Thành
 * Sen (a reused code); old 18082 was split between new 18073 and new 18652 Phường Hà Huy Tập.
 */
/** The national lists shipped with the registry (services/registry/data/admin-units/). */
const DATA = NATIONAL_UNITS_DIRECTORY;
const ON = '2025-07-01';
const CLI = fileURLToPath(new URL('../../../infra/src/units-reform-cli.ts', import.meta.url));

let database: TestDatabase;
let pool: pg.Pool;
let subgraph: RunningSubgraph;

async function rows<T extends pg.QueryResultRow = Record<string, any>>(sql: string, values: unknown[] = []) {
  return (await pool.query<T>(sql, values)).rows;
}

async function count(sql: string, values: unknown[] = []): Promise<number> {
  const [row] = await rows<{ count: string }>(sql, values);
  return Number(row!.count);
}

/** The unit version of a code: the old one (ended 30 June 2025) or the new one. */
async function unitId(code: string, era: 'old' | 'new'): Promise<string> {
  const [row] = await rows<{ id: string }>(
    `select id from registry.administrative_units where code = $1 and ${era === 'old' ? `valid_to = '2025-06-30'` : `valid_from = '2025-07-01'`}`,
    [code],
  );
  if (!row) throw new Error(`no ${era} unit ${code}`);
  return row.id;
}

/** Every row of the register that a carry-over or an assignment could touch, with its version. */
async function fingerprint(): Promise<string> {
  const [row] = await rows<{ fingerprint: string }>(
    `select (select md5(string_agg(id::text || xmin::text, ',' order by id)) from registry.persons)
         || (select md5(string_agg(id::text || xmin::text, ',' order by id)) from registry.households)
         || (select count(*) from registry.change_history)
         || coalesce((select md5(string_agg(id::text || xmin::text, ',' order by id)) from registry.reform_reviews), '-') as fingerprint`,
  );
  return row!.fingerprint;
}

/**
 * Living persons per province of today: the province of the unit a person lives on, taken across the
 * reform to the province that succeeded it (every province merged whole).
 */
async function livingPerProvince(): Promise<Record<string, number>> {
  const result = await rows<{ province: string; living: string }>(
    `select coalesce(np.code, pv.code) as province, count(*) as living
       from registry.persons p
       join registry.administrative_units u on u.id = p.residence_unit_id
       join registry.administrative_units pv on pv.path = subpath(u.path, 0, 1)
       left join registry.administrative_units np on pv.valid_to is not null and np.id = pv.successor_ids[1]
      where p.status = 'living'
      group by 1 order by 1`,
  );
  return Object.fromEntries(result.map((row) => [row.province, Number(row.living)]));
}

/** Living persons generated in each old commune (two of three; the third has died). */
const TAN_PHU_LIVING = 2;

/**
 * Living persons per province after the reform: as before, except that the lists move one commune across
 * provinces (30622 Tân Phú of An Giang, 89 → 91, went whole into 30259 of Đồng Tháp, 82).
 */
const livingAfterReform = () => ({
  ...livingBefore,
  '82': livingBefore['82']! + TAN_PHU_LIVING,
  '91': livingBefore['91']! - TAN_PHU_LIVING,
});

const moveOf = (report: ReformCarryOverReport, from: string, to: string) =>
  report.moves.find((move) => move.from.code === from && move.to.code === to);

let livingBefore: Record<string, number>;
let ids: Record<'old18073' | 'old18077' | 'old18082' | 'new18073' | 'new18652', string>;

beforeAll(async () => {
  database = await createTestDatabase();
  pool = new pg.Pool({ connectionString: database.url, max: 2 });
  if (
    (await count(`select count(*) from registry.administrative_units where valid_to = '2025-06-30'`)) < 10_000
  ) {
    const before = await importUnitsFile({
      databaseUrl: database.url,
      file: join(DATA, 'units-before-2025-07-01.csv'),
      validTo: '2025-06-30',
    });
    expect(before.ok).toBe(true);
    const after = await importUnitsFile({
      databaseUrl: database.url,
      file: join(DATA, 'units-from-2025-07-01.csv'),
      validFrom: ON,
      mergesFile: join(DATA, 'merges-2025-07-01.json'),
    });
    expect(after.ok).toBe(true);
  }
  ids = {
    old18073: await unitId('18073', 'old'),
    old18077: await unitId('18077', 'old'),
    old18082: await unitId('18082', 'old'),
    new18073: await unitId('18073', 'new'),
    new18652: await unitId('18652', 'new'),
  };
  // Every old commune of the country: a household H-1 with two living members and one deceased person.
  await pool.query(`
    insert into registry.households (id, code, residence_unit_id, address, created_at, updated_at)
    select gen_random_uuid(), 'H-1', u.id, 'Thôn 1, ' || u.name, now(), now()
      from registry.administrative_units u where u.level = 'commune' and u.valid_to = '2025-06-30'`);
  await pool.query(`
    insert into registry.persons (id, full_name, name_folded, birth_year, gender, residence_unit_id, household_id, status, created_at, updated_at)
    select gen_random_uuid(), 'Người ' || u.code || ' ' || n, 'nguoi ' || u.code || ' ' || n, 1950 + n, 'female', u.id,
           case when n < 3 then h.id end, case when n = 3 then 'deceased' else 'living' end, now(), now()
      from registry.administrative_units u
      join registry.households h on h.residence_unit_id = u.id
      cross join generate_series(1, 3) n
     where u.level = 'commune' and u.valid_to = '2025-06-30'`);
  // The split commune 18082: two villages, one household each.
  for (const [code, village, names] of [
    ['DONG-1', 'Thôn Đông', ['Lê Văn Đông', 'Lê Thị Đông']],
    ['TAY-1', 'Thôn Tây', ['Hồ Văn Tây', 'Hồ Thị Tây']],
  ] as const) {
    const [household] = await rows<{ id: string }>(
      `insert into registry.households (id, code, residence_unit_id, address, created_at, updated_at)
       values (gen_random_uuid(), $1, $2, $3, now(), now()) returning id`,
      [code, ids.old18082, `${village}, phường Đại Nài`],
    );
    for (const name of names) {
      await pool.query(
        `insert into registry.persons (id, full_name, name_folded, birth_year, gender, residence_unit_id, household_id, address, status, created_at, updated_at)
         values (gen_random_uuid(), $1, registry.fold_name($1), 1960, 'male', $2, $3, $4, 'living', now(), now())`,
        [name, ids.old18082, household!.id, `${village}, phường Đại Nài`],
      );
    }
  }
  livingBefore = await livingPerProvince();
  subgraph = await startSubgraph(registrySubgraph, testEnv(database.url));
}, 180_000);

afterAll(async () => {
  await subgraph?.stop();
  await pool?.end();
  await database?.drop();
});

describe('carrying the register across the 1 July 2025 reform', () => {
  it('counts without writing on a dry run', async () => {
    const before = await fingerprint();
    const report = await carryAcrossReform(pool, { on: ON, dryRun: true });
    expect(report.dryRun).toBe(true);
    expect(report.endedUnits).toBe(10_794);
    expect(moveOf(report, '18077', '18073')).toMatchObject({
      persons: 2,
      households: 1,
      householdsRenamed: 1,
    });
    expect(moveOf(report, '18073', '18073')).toMatchObject({
      persons: 2,
      households: 1,
      householdsRenamed: 0,
    });
    const split = report.splits.find((entry) => entry.from.code === '18082')!;
    expect(split.candidates.map((unit) => unit.code)).toEqual(expect.arrayContaining(['18073', '18652']));
    expect(split).toMatchObject({ queued: 6, waiting: 6, assigned: 0 });
    expect(await fingerprint()).toBe(before);
  });

  it('refuses a date on which no unit changed, writing nothing', async () => {
    const before = await fingerprint();
    await expect(carryAcrossReform(pool, { on: '2025-07-02' })).rejects.toMatchObject({
      code: 'BAD_USER_INPUT',
      message: expect.stringContaining('Không có đơn vị hành chính nào hết hiệu lực ngày 01/07/2025'),
    });
    expect(await fingerprint()).toBe(before);
  });

  it("carries an abolished commune's people to its successor and keeps a reused code's people apart", async () => {
    const report = await carryAcrossReform(pool, {
      on: ON,
      actor: { id: 'cli:test', name: 'test' },
      entitlements: false,
    });
    expect(moveOf(report, '18077', '18073')).toMatchObject({ persons: 2, households: 1 });
    expect(report.stranded).toEqual([]);
    // 18077's living persons now live in new 18073; old 18073's too; the deceased stay where they died.
    for (const old of ['18077', '18073']) {
      const people = await rows<{ status: string; unit: string }>(
        `select status, residence_unit_id as unit from registry.persons where full_name like $1 order by full_name`,
        [`Người ${old} %`],
      );
      expect(people).toEqual([
        { status: 'living', unit: ids.new18073 },
        { status: 'living', unit: ids.new18073 },
        { status: 'deceased', unit: old === '18077' ? ids.old18077 : ids.old18073 },
      ]);
    }
    // One H-1 in new 18073: old 18073's, the unit whose code it took over; 18077's keeps its code with a prefix.
    const households = await rows<{ code: string; address: string }>(
      `select code, address from registry.households where residence_unit_id = $1 and address in ('Thôn 1, Nam Hà', 'Thôn 1, Bắc Hà') order by code`,
      [ids.new18073],
    );
    expect(households).toEqual([
      { code: '18077-H-1', address: 'Thôn 1, Bắc Hà' },
      { code: 'H-1', address: 'Thôn 1, Nam Hà' },
    ]);
    // Nobody living is left on an old commune merged whole.
    expect(
      await count(`select count(*) from registry.persons p join registry.administrative_units u on u.id = p.residence_unit_id
                    where p.status = 'living' and u.valid_to is not null and cardinality(u.successor_ids) = 1`),
    ).toBe(0);
  });

  it('records each move as one reform change with the old and new unit', async () => {
    const [history] = await rows(
      `select h.reason, h.unit_id, h.before->>'residence_unit_id' as old_unit, h.after->>'residence_unit_id' as new_unit, h.actor_name
         from registry.change_history h join registry.persons p on p.id = h.row_id
        where h.table_name = 'persons' and h.action = 'update' and p.full_name = 'Người 18077 1'`,
    );
    expect(history).toEqual({
      reason: 'reform 2025-07-01',
      unit_id: ids.new18073,
      old_unit: ids.old18077,
      new_unit: ids.new18073,
      actor_name: 'test',
    });
  });

  it("gives its reason to its own changes only: the caller's transaction keeps its own after it", async () => {
    const client = await pool.connect();
    try {
      await client.query('begin');
      await client.query(`select set_config('ansinh.change_reason', 'việc của người gọi', true)`);
      await carryAcrossReform(client, {
        on: ON,
        actor: { id: 'cli:test', name: 'test' },
        entitlements: false,
      });
      const { rows: after } = await client.query<{ reason: string }>(
        `select current_setting('ansinh.change_reason', true) as reason`,
      );
      expect(after[0]!.reason).toBe('việc của người gọi');
    } finally {
      await client.query('rollback');
      client.release();
    }
  });

  it("queues a split commune's living people, who stay on the old unit", async () => {
    const queue = await rows<{ full_name: string; residence_unit_id: string; candidate_unit_ids: string[] }>(
      `select p.full_name, p.residence_unit_id, r.candidate_unit_ids::text[] as candidate_unit_ids
         from registry.reform_reviews r join registry.persons p on p.id = r.person_id
        where r.from_unit_id = $1 and r.assigned_unit_id is null order by p.full_name`,
      [ids.old18082],
    );
    expect(queue.map((entry) => entry.full_name)).toEqual([
      'Hồ Thị Tây',
      'Hồ Văn Tây',
      'Lê Thị Đông',
      'Lê Văn Đông',
      'Người 18082 1',
      'Người 18082 2',
    ]);
    for (const entry of queue) {
      expect(entry.residence_unit_id).toBe(ids.old18082);
      expect(entry.candidate_unit_ids).toEqual(expect.arrayContaining([ids.new18073, ids.new18652]));
    }
  });

  it('keeps the number of living persons of every province', async () => {
    const after = await livingPerProvince();
    expect(Object.keys(after)).toHaveLength(34);
    // Tân Phú's living persons follow their commune into Đồng Tháp; every other province keeps its count.
    expect(after).toEqual(livingAfterReform());
    expect(
      await count(
        `select count(*) from registry.persons p join registry.administrative_units u on u.id = p.residence_unit_id
          where p.full_name like 'Người 30622 %' and p.status = 'living' and u.code = '30259' and u.path <@ '82_20250701'`,
      ),
    ).toBe(TAN_PHU_LIVING);
  });

  it('changes nothing when run again', async () => {
    const before = await fingerprint();
    const report = await carryAcrossReform(pool, { on: ON, entitlements: false });
    expect(report.moves).toEqual([]);
    expect(report.totals).toMatchObject({ persons: 0, households: 0, queued: 0 });
    expect(report.splits.find((entry) => entry.from.code === '18082')).toMatchObject({
      queued: 0,
      waiting: 6,
    });
    expect(await fingerprint()).toBe(before);
  });
  it('prints the counts per old → new unit and the split cases from the command line', async () => {
    const run = (args: string[]) =>
      new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
        execFile(
          process.execPath,
          [CLI, ...args],
          { env: { ...process.env, DATABASE_URL: database.url } },
          (error, stdout, stderr) => resolve({ code: error ? (error.code as number) : 0, stdout, stderr }),
        );
      });
    const before = await fingerprint();
    const dry = await run(['--on', ON, '--dry-run']);
    expect(dry.stderr).toBe('');
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain('Chạy thử (không ghi gì) theo sắp xếp đơn vị hành chính ngày 01/07/2025');
    expect(dry.stdout).toMatch(
      /18082 Đại Nài → .*18073 Thành Sen.*: sẽ đưa 0 đối tượng vào hàng chờ; đang chờ 6, đã phân 0/,
    );
    const wrong = await run(['--on', '2025-07-02', '--dry-run']);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain('Không có đơn vị hành chính nào hết hiệu lực ngày 01/07/2025');
    const usage = await run(['--on', '01/07/2025']);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('--on "01/07/2025" không phải ngày yyyy-mm-dd');
    expect(await fingerprint()).toBe(before);
  });
});

const REVIEWS = `query ($unitCode: ID, $fromUnitCode: ID, $addressContains: String, $status: ReformReviewStatus) {
  reformReviews(unitCode: $unitCode, fromUnitCode: $fromUnitCode, addressContains: $addressContains, status: $status, first: 50) {
    totalCount
    edges { node { id address person { fullName } fromUnit { code validTo } candidates { code } assignedUnit { code } } }
  }
}`;

const ASSIGN = `mutation ($reviewIds: [ID!], $addressContains: String, $fromUnitCode: ID, $unitCode: ID!) {
  assignReformReviews(reviewIds: $reviewIds, addressContains: $addressContains, fromUnitCode: $fromUnitCode, unitCode: $unitCode) {
    assigned personsMoved householdsMoved reviews { id assignedUnit { code } person { fullName } }
  }
}`;

type Review = { id: string; address: string | null; person: { fullName: string } | null };

async function queueOf(username: string, variables: Record<string, unknown> = {}) {
  const answer = await graphql<{ reformReviews: { totalCount: number; edges: { node: Review }[] } }>(
    subgraph.url,
    REVIEWS,
    { token: await tokenFor(username), variables },
  );
  expect(answer.errors).toBeUndefined();
  return answer.data!.reformReviews;
}

async function reviewIdOf(fullName: string): Promise<string> {
  const [row] = await rows<{ id: string }>(
    'select r.id from registry.reform_reviews r join registry.persons p on p.id = r.person_id where p.full_name = $1',
    [fullName],
  );
  return row!.id;
}

describe('the review queue through the registry subgraph', () => {
  it('shows the province and the receiving communes their queue, with the persons', async () => {
    const province = await queueOf('tinh.42', { fromUnitCode: '18082' });
    expect(province.totalCount).toBe(6);
    const commune = await queueOf('xa.18652');
    expect(commune.totalCount).toBe(6);
    expect(commune.edges.map((edge) => edge.node.person?.fullName).sort()).toContain('Lê Văn Đông');
    // Without accents or case: "thon tay" finds Thôn Tây.
    expect((await queueOf('tinh.42', { addressContains: 'thon tay' })).totalCount).toBe(2);
    // A commune that is not a candidate sees nothing of it.
    expect((await queueOf('xa.18229')).totalCount).toBe(0);
  });

  it('refuses a unit outside the candidates, an unknown unit or one that has ended, writing nothing', async () => {
    const before = await fingerprint();
    const token = await tokenFor('tinh.42');
    const reviewIds = [await reviewIdOf('Lê Văn Đông')];
    const outside = await graphql(subgraph.url, ASSIGN, {
      token,
      variables: { reviewIds, unitCode: '18229' },
    });
    expect(outside.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'unitCode' });
    expect(outside.errors?.[0]?.message).toContain('không phải đơn vị nhận dân của 18082');
    const unknown = await graphql(subgraph.url, ASSIGN, {
      token,
      variables: { reviewIds, unitCode: '99999' },
    });
    expect(unknown.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'unitCode' });
    const ended = await graphql(subgraph.url, ASSIGN, { token, variables: { reviewIds, unitCode: '18082' } });
    expect(ended.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'unitCode' });
    expect(ended.errors?.[0]?.message).toContain('đã chấm dứt hoạt động');
    // A receiving commune assigns only to itself.
    const sibling = await graphql(subgraph.url, ASSIGN, {
      token: await tokenFor('xa.18073'),
      variables: { reviewIds, unitCode: '18652' },
    });
    expect(sibling.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(await fingerprint()).toBe(before);
  });

  it('refuses a write by a unit that has ended (a former district), writing nothing', async () => {
    const before = await fingerprint();
    const token = await tokenFor('huyen.436');
    const assign = await graphql(subgraph.url, ASSIGN, {
      token,
      variables: { reviewIds: [await reviewIdOf('Lê Văn Đông')], unitCode: '18073' },
    });
    expect(assign.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const carry = await graphql(
      subgraph.url,
      `mutation { carryAcrossReform(on: "${ON}", dryRun: true) { id } }`,
      {
        token,
      },
    );
    expect(carry.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(await fingerprint()).toBe(before);
  });

  it('refuses an officer of a commune that has ended, whatever the unit asked for', async () => {
    const session = Session.of(
      {
        subject: 'x',
        username: 'xa.18082',
        unitCode: '18082',
        unitLevel: 'commune',
        roles: ['officer'],
        clientId: undefined,
      },
      {
        unitId: ids.old18082,
        code: '18082',
        level: 'commune',
        path: '42.436.18082',
        readPaths: ['42.436.18082'],
        validTo: '2025-06-30',
      },
    );
    const request = { reviewIds: [await reviewIdOf('Lê Văn Đông')], unitCode: '18073' };
    await expect(assignReformReviews(null as never, session, null as never, request)).rejects.toMatchObject({
      code: 'FORBIDDEN',
      message: expect.stringContaining('Đơn vị 18082 đã chấm dứt hoạt động từ sau ngày 30/06/2025'),
    });
  });

  it('lets a receiving commune take one person, with the household, in one reform change', async () => {
    const answer = await graphql(subgraph.url, ASSIGN, {
      token: await tokenFor('xa.18652'),
      variables: { reviewIds: [await reviewIdOf('Lê Văn Đông')], unitCode: '18652' },
    });
    expect(answer.errors).toBeUndefined();
    expect(answer.data!.assignReformReviews).toEqual({
      assigned: 1,
      personsMoved: 1,
      householdsMoved: 1,
      reviews: [
        expect.objectContaining({ assignedUnit: { code: '18652' }, person: { fullName: 'Lê Văn Đông' } }),
      ],
    });
    const [person] = await rows(
      `select p.residence_unit_id, h.residence_unit_id as household_unit from registry.persons p
         join registry.households h on h.id = p.household_id where p.full_name = 'Lê Văn Đông'`,
    );
    expect(person).toEqual({ residence_unit_id: ids.new18652, household_unit: ids.new18652 });
    const [history] = await rows(
      `select h.reason, h.actor_name, h.before->>'residence_unit_id' as old_unit, h.after->>'residence_unit_id' as new_unit
         from registry.change_history h join registry.persons p on p.id = h.row_id
        where h.table_name = 'persons' and p.full_name = 'Lê Văn Đông' order by h.id desc limit 1`,
    );
    expect(history).toEqual({
      reason: 'reform 2025-07-01 assigned',
      actor_name: 'xa.18652',
      old_unit: ids.old18082,
      new_unit: ids.new18652,
    });
    // Once assigned, another unit cannot take the person again.
    const again = await graphql(subgraph.url, ASSIGN, {
      token: await tokenFor('tinh.42'),
      variables: { reviewIds: [await reviewIdOf('Lê Văn Đông')], unitCode: '18073' },
    });
    expect(again.errors?.[0]?.message).toContain('đã được phân về 18652');
  });

  it('lets the province assign by village text in bulk', async () => {
    const answer = await graphql(subgraph.url, ASSIGN, {
      token: await tokenFor('tinh.42'),
      variables: { addressContains: 'THÔN TÂY', fromUnitCode: '18082', unitCode: '18073' },
    });
    expect(answer.errors).toBeUndefined();
    expect(answer.data!.assignReformReviews).toMatchObject({
      assigned: 2,
      personsMoved: 2,
      householdsMoved: 1,
    });
    expect(
      await count(
        `select count(*) from registry.persons where full_name in ('Hồ Văn Tây', 'Hồ Thị Tây') and residence_unit_id = $1`,
        [ids.new18073],
      ),
    ).toBe(2);
    expect((await queueOf('tinh.42', { fromUnitCode: '18082' })).totalCount).toBe(3);
    // The receiving commune sees what became of the entries it could have received.
    const assigned = await queueOf('xa.18073', { status: 'ASSIGNED' });
    expect(assigned.totalCount).toBe(3);
  });

  it('runs the carry-over as a job of the province, which now finds nothing left', async () => {
    const before = await fingerprint();
    const answer = await graphql(
      subgraph.url,
      `mutation { carryAcrossReform(on: "${ON}", dryRun: true) { state reformCarryOver { dryRun persons queued waiting splits { from { code } waiting assigned } } } }`,
      { token: await tokenFor('tinh.42') },
    );
    expect(answer.errors).toBeUndefined();
    expect(answer.data!.carryAcrossReform.state).toBe('DONE');
    expect(answer.data!.carryAcrossReform.reformCarryOver).toMatchObject({
      dryRun: true,
      persons: 0,
      queued: 0,
    });
    expect(answer.data!.carryAcrossReform.reformCarryOver.splits).toContainEqual({
      from: { code: '18082' },
      waiting: 3,
      assigned: 3,
    });
    expect(await fingerprint()).toBe(before);
    expect(await livingPerProvince()).toEqual(livingAfterReform());
  });
});
