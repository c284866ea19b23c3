import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Readable } from 'node:stream';
import pg from 'pg';
import {
  AppError,
  inScopedTransaction,
  scopeSessionContext,
  startSubgraph,
  type RunningSubgraph,
} from '@ansinh/common';
import { createTestDatabase, type TestDatabase } from '@ansinh/common/testing';
import { seedDemoData } from '@ansinh/infra';
import { graphql, testEnv, tokenFor } from '@ansinh/tests/support';
import { approvalsSubgraph } from '../src/index.ts';
import {
  importR42ListInTransaction,
  type R42ImportRequest,
  type R42ImportResult,
} from '../src/resolution-42/r42-import.service.ts';
import { chooseSupport } from '../src/resolution-42/one-support.rule.ts';
import { seedDemoResolution42 } from '../src/resolution-42/resolution-42.module.ts';

/** Paths of units in force since 1 July 2025 (qualified by their start). */
const THANH_SEN = '42_20250701.18073_20250701';
const HA_HUY_TAP = '42_20250701.18652_20250701';

let database: TestDatabase;
let owner: pg.Client;
let pool: pg.Pool;

beforeAll(async () => {
  database = await createTestDatabase();
  await seedDemoData(database.url, { personsPerCommune: 0 });
  owner = new pg.Client({ connectionString: database.url });
  await owner.connect();
  // The owner's login runs the scoped transactions as the subgraph's role (row-level security applies).
  pool = new pg.Pool({ connectionString: database.url, max: 4 });
});

afterAll(async () => {
  await pool?.end();
  await owner?.end();
  await database?.drop();
});

const HEADER = 'STT;Họ và tên;Ngày sinh;Số CCCD/Số định danh;Mã xã;Số tháng;Ghi chú';

const csv = (rows: string[]) => `${HEADER}\n${rows.join('\n')}\n`;

/** An import as an official of the unit at `scopePath`, in one transaction (as the job runs it). */
function importAs(
  scopePath: string,
  request: Partial<R42ImportRequest> & { rows: string[] },
): Promise<R42ImportResult> {
  const { rows, ...rest } = request;
  return inScopedTransaction(
    pool,
    scopeSessionContext('approvals', scopePath, { id: 'test', name: 'test', unitCode: '18073' }),
    (client) =>
      importR42ListInTransaction(client, {
        file: Readable.from([csv(rows)]),
        fileName: 'danh-sach.csv',
        fileId: null,
        categoryCode: 'r42-social-protection',
        unitCode: '18073',
        decisionNumber: '1/QĐ-UBND',
        decisionDate: '2020-05-06',
        importedBy: { id: 'test', name: 'test' },
        todayIso: '2026-12-02',
        ...rest,
      }),
  );
}

async function refusalOf(work: Promise<unknown>): Promise<AppError> {
  try {
    await work;
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('not refused');
}

type StoredRow = {
  full_name: string;
  category: string;
  amount: string;
  outcome: 'paid' | 'flagged';
  flagged_reason: string | null;
  human_key: string;
};

/** Rows of people by folded name (`tran thi hoa`, with `%`). */
async function rowsOf(foldedLike: string): Promise<StoredRow[]> {
  const { rows } = await owner.query<StoredRow>(
    `select r.full_name, c.code as category, r.amount::text as amount, r.outcome, r.flagged_reason, r.human_key
       from approvals.r42_list_rows r join approvals.r42_lists l on l.id = r.list_id
       join approvals.categories c on c.id = l.category_id
      where r.name_folded like $1 order by c.code, r.row_number`,
    [foldedLike],
  );
  return rows;
}

const count = async (sql: string, values: unknown[] = []) =>
  Number((await owner.query<{ count: string }>(sql, values)).rows[0]!.count);

describe('Resolution 42 lists: one support per person', () => {
  it('pays a person in three groups once, the highest amount, whatever order the groups are imported in', async () => {
    const social = await importAs(THANH_SEN, {
      decisionNumber: '10/QĐ-UBND',
      rows: [
        '1;Trần Thị Ba Nhóm;12/03/1958;042158009001;18073;3;',
        '2;Ngô Văn Một;1950;042050009002;18073;;',
      ],
    });
    expect(social).toMatchObject({
      outcome: 'created',
      rows: 2,
      accepted: 2,
      rejected: 0,
      flagged: 0,
      paid: 2,
    });
    expect(social.ignoredColumns).toEqual(['STT', 'Ghi chú']);
    expect(social.amountPaid).toBe(3_000_000);

    const poor = await importAs(THANH_SEN, {
      categoryCode: 'r42-poor-member',
      decisionNumber: '11/QĐ-UBND',
      decisionDate: '2020-05-12',
      rows: ['1;Trần Thị Ba Nhóm;12/03/1958;042158009001;18073;3;'],
    });
    // 250,000 × 3 < 500,000 × 3: the new row is the one flagged.
    expect(poor).toMatchObject({ outcome: 'created', flagged: 1, paid: 0, changedElsewhere: 0 });

    const lostJob = await importAs(THANH_SEN, {
      categoryCode: 'r42-lost-job',
      decisionNumber: '12/QĐ-UBND',
      decisionDate: '2020-06-02',
      rows: ['1;TRẦN THỊ BA NHÓM;12/03/1958;042158009001;;2;'],
    });
    // 1,000,000 × 2 is the highest: paid, and the social-protection row imported before is flagged now.
    expect(lostJob).toMatchObject({ outcome: 'created', flagged: 0, paid: 1, amountPaid: 2_000_000 });
    expect(lostJob.changedElsewhere).toBe(1);

    const rows = await rowsOf('tran thi ba nhom');
    expect(rows.map((row) => [row.category, row.amount, row.outcome])).toEqual([
      ['r42-lost-job', '2000000', 'paid'],
      ['r42-poor-member', '750000', 'flagged'],
      ['r42-social-protection', '1500000', 'flagged'],
    ]);
    const reason =
      'Đã được hỗ trợ theo nhóm "Người lao động bị chấm dứt hợp đồng, không đủ điều kiện hưởng trợ cấp thất nghiệp" (quyết định số 12/QĐ-UBND, dòng 2): mỗi người chỉ được nhận một khoản hỗ trợ.';
    expect(rows.filter((row) => row.outcome === 'flagged').map((row) => row.flagged_reason)).toEqual([
      reason,
      reason,
    ]);
    // The SQL settles as the TypeScript rule chooses.
    const choice = chooseSupport(
      rows.map((row, index) => ({
        rowId: String(index),
        listId: row.category,
        rowNumber: 2,
        categoryName: row.category,
        rank: null,
        amount: Number(row.amount),
        decisionDate: '2020-05-01',
        decisionNumber: '',
      })),
    );
    expect(rows[Number(choice.paid.rowId)]!.outcome).toBe('paid');
  });

  it('matches rows without CCCD by folded name, birth date and commune, and joins them to the CCCD holder', async () => {
    await importAs(THANH_SEN, {
      decisionNumber: '20/QĐ-UBND',
      rows: ['1;Phạm Thị Không Số;05/11/1940;;18073;3;', '2;Đỗ Văn Nối;07/07/1947;;;3;'],
    });
    const poor = await importAs(THANH_SEN, {
      categoryCode: 'r42-poor-member',
      decisionNumber: '21/QĐ-UBND',
      rows: [
        // Other case and spacing, the same name folded.
        '1;PHẠM  THỊ KHÔNG SỐ;05/11/1940;;18073;3;',
        // Same name, other birth date: another person.
        '2;Phạm Thị Không Số;06/11/1940;;18073;3;',
      ],
    });
    expect(poor).toMatchObject({ flagged: 1, paid: 1 });
    const without = await rowsOf('pham thi khong so');
    expect(without.map((row) => [row.category, row.outcome])).toEqual([
      ['r42-poor-member', 'flagged'],
      ['r42-poor-member', 'paid'],
      ['r42-social-protection', 'paid'],
    ]);

    // Đỗ Văn Nối had no CCCD on the social-protection list; the household-business list gives it: one human.
    const business = await importAs(THANH_SEN, {
      categoryCode: 'r42-household-business',
      decisionNumber: '22/QĐ-UBND',
      rows: ['1;Đỗ Văn Nối;07/07/1947;042047009003;18073;3;'],
    });
    // 1,000,000 × 3 > 1,500,000: the business row pays, the social-protection row (no CCCD) is flagged.
    expect(business).toMatchObject({ flagged: 0, paid: 1, changedElsewhere: 1 });
    const joined = await rowsOf('do van noi');
    expect(joined.map((row) => [row.category, row.outcome, row.human_key])).toEqual([
      ['r42-household-business', 'paid', 'id:042047009003'],
      ['r42-social-protection', 'flagged', 'id:042047009003'],
    ]);
  });

  it('changes nothing when the same list is imported again, and replaces its rows when they differ', async () => {
    const request = {
      categoryCode: 'r42-merit',
      decisionNumber: '30/QĐ-UBND',
      rows: ['1;Bùi Văn Lại;1930;042030009004;18073;3;', '2;Bùi Thị Lại;1932;;18073;3;'],
    };
    const first = await importAs(THANH_SEN, request);
    expect(first.outcome).toBe('created');
    const history = await count(`select count(*) from approvals.change_history`);
    const [before] = (
      await owner.query(`select imported_at, file_name from approvals.r42_lists where id = $1`, [
        first.listId,
      ])
    ).rows;
    const again = await importAs(THANH_SEN, { ...request, fileName: 'lan-2.csv' });
    expect(again).toMatchObject({ outcome: 'unchanged', listId: first.listId, accepted: 2, paid: 2 });
    expect(await count(`select count(*) from approvals.change_history`)).toBe(history);
    const [after] = (
      await owner.query(`select imported_at, file_name from approvals.r42_lists where id = $1`, [
        first.listId,
      ])
    ).rows;
    expect(after).toEqual(before);

    const replaced = await importAs(THANH_SEN, { ...request, rows: request.rows.slice(0, 1) });
    expect(replaced).toMatchObject({ outcome: 'replaced', listId: first.listId, accepted: 1 });
    expect(
      await count(`select count(*) from approvals.r42_list_rows where list_id = $1`, [first.listId]),
    ).toBe(1);
    expect(await count(`select count(*) from approvals.r42_lists where decision_number = '30/QĐ-UBND'`)).toBe(
      1,
    );
  });

  it('reports bad rows with their row and column, and keeps the good ones', async () => {
    const result = await importAs(THANH_SEN, {
      categoryCode: 'r42-suspended-contract',
      decisionNumber: '40/QĐ-UBND',
      rows: [
        '1;Lý Văn Tốt;01/01/1980;042080009005;18073;2;',
        '2;;01/01/1981;;18073;1;',
        '3;Lý Văn Sai;31/02/1980;;18073;4;',
        '4;Lý Văn Trùng;1980;042080009005;18073;1;',
        '5;Lý Văn Xa;1980;;18652;1;',
      ],
    });
    expect(result).toMatchObject({ rows: 5, accepted: 1, rejected: 4, amountPaid: 3_600_000 });
    expect(result.problems.map((problem) => [problem.row, problem.column])).toEqual([
      [3, 'Họ và tên'],
      [4, 'Ngày sinh'],
      [4, 'Số tháng'],
      [5, 'Số CCCD/Số định danh'],
      [6, 'Mã xã'],
    ]);
    expect(result.problems[3]!.message).toBe('Số CCCD 042080009005 trùng với dòng 2 của danh sách.');
    expect(result.problems[4]!.message).toBe(
      'Mã xã 18652 không phải xã/phường đang hoạt động thuộc đơn vị 18073.',
    );
  });

  it('writes nothing for an unknown group, a unit out of scope or a list without a good row', async () => {
    const lists = await count(`select count(*) from approvals.r42_lists`);
    const rows = await count(`select count(*) from approvals.r42_list_rows`);
    const unknown = await refusalOf(
      importAs(THANH_SEN, { categoryCode: 'r42-nobody', rows: ['1;Ai Đó;1950;;;3;'] }),
    );
    expect([unknown.code, unknown.message]).toEqual([
      'BAD_USER_INPUT',
      'Không có nhóm đối tượng "r42-nobody" của Nghị quyết 42/NQ-CP.',
    ]);
    // 18652's official imports a list of 18073.
    const outOfScope = await refusalOf(importAs(HA_HUY_TAP, { rows: ['1;Ai Đó;1950;;;3;'] }));
    expect(outOfScope.code).toBe('FORBIDDEN');
    const allBad = await refusalOf(importAs(THANH_SEN, { decisionNumber: '50/QĐ', rows: ['1;;1950;;;3;'] }));
    expect(allBad.code).toBe('BAD_USER_INPUT');
    expect(allBad.message).toMatch(
      /^Danh sách không có dòng hợp lệ nào \(1 lỗi, ví dụ dòng 2, cột "Họ và tên"/,
    );
    await expect(
      importAs(THANH_SEN, { decisionNumber: '51/QĐ', file: Readable.from(['%PDF-1.4 ...']), rows: [] }),
    ).rejects.toThrow(/không phải bảng tính CSV hoặc XLSX/);
    expect(await count(`select count(*) from approvals.r42_lists`)).toBe(lists);
    expect(await count(`select count(*) from approvals.r42_list_rows`)).toBe(rows);
  });

  it('refuses to settle a list that the caller may not write', async () => {
    const [list] = (await owner.query<{ id: string }>(`select id from approvals.r42_lists limit 1`)).rows;
    await expect(
      inScopedTransaction(pool, scopeSessionContext('approvals', HA_HUY_TAP), (client) =>
        client.query(`select approvals.r42_settle($1, '{}', '{}')`, [list!.id]),
      ),
    ).rejects.toThrow(/not writable in this scope/);
  });

  it('follows a configured priority of groups', async () => {
    await owner.query(
      `insert into approvals.r42_priority (category_id, rank)
       select id, 1 from approvals.categories where program_id = 'resolution-42' and code = 'r42-poor-member'`,
    );
    try {
      await importAs(HA_HUY_TAP, {
        unitCode: '18652',
        categoryCode: 'r42-lost-job',
        decisionNumber: '60/QĐ-UBND',
        rows: ['1;Hồ Thị Ưu Tiên;1960;042160009006;18652;3;'],
      });
      await importAs(HA_HUY_TAP, {
        unitCode: '18652',
        categoryCode: 'r42-merit',
        decisionNumber: '61/QĐ-UBND',
        rows: ['1;Hồ Thị Ưu Tiên;1960;042160009006;;3;'],
      });
      const poor = await importAs(HA_HUY_TAP, {
        unitCode: '18652',
        categoryCode: 'r42-poor-member',
        decisionNumber: '62/QĐ-UBND',
        rows: ['1;Hồ Thị Ưu Tiên;1960;042160009006;18652;3;'],
      });
      // The poor-member group comes first by the priority, though its 750,000 is the lowest.
      expect(poor).toMatchObject({ paid: 1, changedElsewhere: 1 });
      expect((await rowsOf('ho thi uu tien')).map((row) => [row.category, row.outcome])).toEqual([
        ['r42-lost-job', 'flagged'],
        ['r42-merit', 'flagged'],
        ['r42-poor-member', 'paid'],
      ]);
    } finally {
      await owner.query(`delete from approvals.r42_priority`);
    }
  });

  it('seeds the demo lists: a person in three groups and two in two, flagged; a second run changes nothing', async () => {
    await owner.query('begin');
    const first = await seedDemoResolution42(owner);
    await owner.query('commit');
    expect(first).toEqual({ lists: 4, rows: 12, flagged: 4 });
    await owner.query('begin');
    const history = await count(`select count(*) from approvals.change_history`);
    await seedDemoResolution42(owner);
    expect(await count(`select count(*) from approvals.change_history`)).toBe(history);
    await owner.query('commit');
    expect((await rowsOf('tran thi hoa')).map((row) => [row.category, row.outcome])).toEqual([
      ['r42-lost-job', 'paid'],
      ['r42-poor-member', 'flagged'],
      ['r42-social-protection', 'flagged'],
    ]);
  });
});

describe('Resolution 42 over GraphQL', () => {
  let subgraph: RunningSubgraph;
  let origin: string;

  beforeAll(async () => {
    subgraph = await startSubgraph(approvalsSubgraph, testEnv(database.url));
    origin = new URL(subgraph.url).origin;
  });

  afterAll(() => subgraph?.stop());

  async function upload(token: string, text: string, fileName = 'nq42.csv'): Promise<string> {
    const response = await fetch(`${origin}/files`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'x-file-name': encodeURIComponent(fileName),
        'content-type': 'text/csv',
      },
      body: text,
    });
    expect(response.status).toBe(201);
    return ((await response.json()) as { id: string }).id;
  }

  const IMPORT = `mutation ($input: ImportResolution42ListInput!) {
    importResolution42List(input: $input) {
      id kind state error
      resolution42Import { outcome rows accepted rejected flagged paid amountPaid changedElsewhere
        problems { row column message } list { id categoryCode unitCode decisionNumber people flagged } }
    }
  }`;

  it('imports an uploaded list within the request and reads it back: summary, lists and rows with reasons', async () => {
    const token = await tokenFor('xa.18073');
    const fileId = await upload(
      token,
      csv(['1;Mai Thị Hai Nhóm;02/02/1955;042155009007;;3;', '2;Mai Văn Sai;hôm qua;;;3;']),
    );
    const answer = await graphql(subgraph.url, IMPORT, {
      token,
      variables: {
        input: {
          fileId,
          categoryCode: 'r42-merit',
          unitCode: '18073',
          decisionNumber: '70/QĐ-UBND',
          decisionDate: '2020-05-20',
        },
      },
    });
    expect(answer.errors).toBeUndefined();
    const job = answer.data!.importResolution42List;
    expect(job).toMatchObject({ kind: 'resolution-42-import', state: 'DONE', error: null });
    expect(job.resolution42Import).toMatchObject({
      outcome: 'CREATED',
      rows: 2,
      accepted: 1,
      rejected: 1,
      list: { categoryCode: 'r42-merit', unitCode: '18073', decisionNumber: '70/QĐ-UBND', people: 1 },
    });
    expect(job.resolution42Import.problems[0]).toMatchObject({ row: 3, column: 'Ngày sinh' });

    const socialFile = await upload(token, csv(['1;Mai Thị Hai Nhóm;02/02/1955;042155009007;18073;3;']));
    const second = await graphql(subgraph.url, IMPORT, {
      token,
      variables: {
        input: {
          fileId: socialFile,
          categoryCode: 'r42-social-protection',
          unitCode: '18073',
          decisionNumber: '71/QĐ-UBND',
          decisionDate: '2020-05-21',
        },
      },
    });
    expect(second.errors).toBeUndefined();
    // Equal amounts (500,000 × 3): the earlier decision pays.
    expect(second.data!.importResolution42List.resolution42Import).toMatchObject({ flagged: 1, paid: 0 });

    const read = await graphql(
      subgraph.url,
      `
        query ($listId: ID!) {
          resolution42Summary(unitCode: "18073") {
            unitCode
            people
            flagged
            amountPaid
            groups {
              categoryCode
              people
              paid
              flagged
              amountPaid
            }
          }
          resolution42Lists {
            id
            categoryCode
            decisionNumber
            people
            paid
            flagged
            amountPaid
          }
          resolution42Rows(filter: { listId: $listId }) {
            fullName
            citizenId
            birthDate
            unitCode
            months
            amount
            outcome
            flaggedReason
            paidListId
          }
        }
      `,
      { token, variables: { listId: job.resolution42Import.list.id } },
    );
    expect(read.errors).toBeUndefined();
    const summary = read.data!.resolution42Summary;
    expect(summary.groups).toHaveLength(6);
    const merit = summary.groups.find(
      (group: { categoryCode: string }) => group.categoryCode === 'r42-merit',
    );
    expect(merit.people).toBeGreaterThanOrEqual(1);
    expect(summary.flagged).toBeGreaterThanOrEqual(1);
    expect(
      read.data!.resolution42Lists.map((list: { decisionNumber: string }) => list.decisionNumber),
    ).toContain('71/QĐ-UBND');
    expect(read.data!.resolution42Rows).toEqual([
      {
        fullName: 'Mai Thị Hai Nhóm',
        citizenId: '042155009007',
        birthDate: '1955-02-02',
        unitCode: '18073',
        months: 3,
        amount: 1_500_000,
        outcome: 'PAID',
        flaggedReason: null,
        paidListId: null,
      },
    ]);
    const flagged = await graphql(
      subgraph.url,
      `
        {
          resolution42Rows(filter: { outcome: FLAGGED, categoryCode: "r42-social-protection" }, first: 500) {
            fullName
            flaggedReason
            paidListId
          }
        }
      `,
      { token },
    );
    const mai = flagged.data!.resolution42Rows.find(
      (row: { fullName: string }) => row.fullName === 'Mai Thị Hai Nhóm',
    );
    expect(mai.paidListId).toBe(job.resolution42Import.list.id);
    expect(mai.flaggedReason).toMatch(/^Đã được hỗ trợ theo nhóm "Người có công/);
  });

  it('refuses callers out of scope, for every query and the mutation', async () => {
    const token = await tokenFor('xa.18652');
    const [list] = (
      await owner.query<{ id: string }>(
        `select l.id from approvals.r42_lists l join registry.v_units u on u.id = l.unit_id where u.code = '18073' limit 1`,
      )
    ).rows;
    const summary = await graphql(
      subgraph.url,
      `
        {
          resolution42Summary(unitCode: "18073") {
            people
          }
        }
      `,
      { token },
    );
    expect(summary.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const lists = await graphql(
      subgraph.url,
      `
        {
          resolution42Lists(unitCode: "18073") {
            id
          }
        }
      `,
      { token },
    );
    expect(lists.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const rows = await graphql(
      subgraph.url,
      `
        query ($id: ID!) {
          resolution42Rows(filter: { listId: $id }) {
            id
          }
        }
      `,
      { token, variables: { id: list!.id } },
    );
    expect(rows.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    // Its own lists show none of 18073's rows.
    const own = await graphql(
      subgraph.url,
      `
        {
          resolution42Rows(first: 500) {
            unitCode
          }
        }
      `,
      { token },
    );
    expect(own.errors).toBeUndefined();
    expect(own.data!.resolution42Rows.every((row: { unitCode: string }) => row.unitCode === '18652')).toBe(
      true,
    );

    const fileId = await upload(token, csv(['1;Ai Đó;1950;;;3;']));
    const jobs = await count(`select count(*) from jobs.jobs`).catch(() => 0);
    const refused = await graphql(subgraph.url, IMPORT, {
      token,
      variables: {
        input: {
          fileId,
          categoryCode: 'r42-merit',
          unitCode: '18073',
          decisionNumber: '80/QĐ',
          decisionDate: '2020-05-20',
        },
      },
    });
    expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(await count(`select count(*) from jobs.jobs`).catch(() => 0)).toBe(jobs);
    const analyst = await graphql(
      subgraph.url,
      `mutation { importResolution42List(input: { fileId: "${fileId}", categoryCode: "r42-merit", unitCode: "18652", decisionNumber: "81", decisionDate: "2020-05-20" }) { id } }`,
      { token: await tokenFor('phantich.42') },
    );
    expect(analyst.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('refuses bad input before any job: an unknown group, a future date, a file of someone else', async () => {
    const token = await tokenFor('xa.18073');
    const fileId = await upload(token, csv(['1;Ai Đó;1950;;;3;']));
    const input = {
      fileId,
      categoryCode: 'r42-merit',
      unitCode: '18073',
      decisionNumber: '90/QĐ',
      decisionDate: '2020-05-20',
    };
    const lists = await count(`select count(*) from approvals.r42_lists`);
    const cases: [Record<string, string>, string, string][] = [
      [
        { categoryCode: 'r42-nobody' },
        'BAD_USER_INPUT',
        'Không có nhóm đối tượng "r42-nobody" của Nghị quyết 42/NQ-CP.',
      ],
      [{ decisionDate: '2099-01-01' }, 'BAD_USER_INPUT', 'Ngày quyết định ở tương lai.'],
      [{ fileId: '00000000-0000-4000-8000-000000000000' }, 'NOT_FOUND', ''],
    ];
    for (const [change, code, message] of cases) {
      const answer = await graphql(subgraph.url, IMPORT, {
        token,
        variables: { input: { ...input, ...change } },
      });
      expect(answer.errors?.[0]?.extensions?.code).toBe(code);
      if (message) expect(answer.errors?.[0]?.message).toBe(message);
    }
    // The province's administrator names the province: a list belongs to a commune.
    const province = await graphql(subgraph.url, IMPORT, {
      token: await tokenFor('tinh.42'),
      variables: { input: { ...input, unitCode: '42' } },
    });
    expect(province.errors?.[0]?.message).toBe(
      'Danh sách Nghị quyết 42 do xã/phường phê duyệt: hãy chọn xã/phường của danh sách.',
    );
    expect(await count(`select count(*) from approvals.r42_lists`)).toBe(lists);
  });
});
