import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { addMonths, currentMonth } from '@ansinh/common';
import {
  currentUnitId,
  graphql,
  sqlRows,
  startSeededSubgraph,
  tokenFor,
  type SeededSubgraph,
} from '@ansinh/tests/support';
import { paymentsSubgraph } from '../src/index.ts';

/**
 * Disbursement files and reconciliation (issue 12, point 4) on real PostgreSQL with real Keycloak
 * tokens: lists, lines and registry accounts of this file's own, made with owner SQL in months the
 * demo has no list for.
 */

let seeded: SeededSubgraph;
let db: string;
let origin: string;

/** The list's month, and another month's list of the same commune (for WRONG_MONTH). */
const MONTH = addMonths(currentMonth(), 6);
const OTHER_MONTH = addMonths(currentMonth(), 7);
const DRAFT_MONTH = addMonths(currentMonth(), 8);

type LineSpec = {
  key: string;
  channel: 'cash' | 'post' | 'bank' | 'e_wallet' | 'mobile_money';
  amount: number;
  arrears?: number;
  provider?: string;
  status?: 'pending' | 'paid' | 'held' | 'unpaid';
};

type Made = {
  id: string;
  lineCode: string;
  personId: string;
  total: number;
  accountNumber: string | null;
  holder: string | null;
};

const owner = (text: string, params: unknown[] = []) => sqlRows(db, text, params);

let accountSerial = 0;

/**
 * A payment list of a commune (in force) for a month, with one line per spec on the unit's demo
 * entitlements (one each), and a registry account of the line's provider for the person; approved
 * unless `draft`.
 */
async function makeList(
  unitCode: string,
  month: string,
  specs: readonly LineSpec[],
  options: { draft?: boolean; skip?: number } = {},
): Promise<{ listId: string; lines: Record<string, Made> }> {
  const [list] = await owner(
    `insert into payments.payment_lists (unit_id, month, state, generated_at) values (${currentUnitId('$1')}, $2, 'draft', now()) returning id`,
    [unitCode, month],
  );
  const entitlements = await owner(
    `select e.id, e.person_id from approvals.entitlements e where e.unit_id = ${currentUnitId('$1')}
      order by e.id offset $2 limit $3`,
    [unitCode, options.skip ?? 0, specs.length],
  );
  expect(entitlements).toHaveLength(specs.length);
  const lines: Record<string, Made> = {};
  for (const [index, spec] of specs.entries()) {
    const entitlement = entitlements[index]!;
    let accountId: string | null = null;
    let accountNumber: string | null = null;
    let holder: string | null = null;
    if (spec.provider) {
      accountNumber = `9704${String(++accountSerial).padStart(8, '0')}`;
      holder = `Trần Thị Bình ${'ABCDEFGHIJKLMNOP'[accountSerial % 16]}`;
      const [account] = await owner(
        `insert into registry.payment_accounts (id, person_id, kind, provider_code, account_number, holder_name, holder_name_matches, is_default, created_at, updated_at)
         values (gen_random_uuid(), $1, $2, $3, $4, $5, true, false, now(), now()) returning id`,
        [entitlement.person_id, spec.channel, spec.provider, accountNumber, holder],
      );
      accountId = account!.id;
    }
    const status = spec.status ?? 'pending';
    const [line] = await owner(
      `insert into payments.payment_lines (id, list_id, line_code, person_id, entitlement_id, unit_id, month, amount, arrears,
          channel, account_id, status, hold_reason, paid_on, paid_at, created_at)
       values (gen_random_uuid(), $1, 'CT' || nextval('payments.line_code_seq'), $2, $3, ${currentUnitId('$4')}, $5, $6, $7,
          $8, $9, $10, $11, $12, $13, now())
       returning id, line_code, total`,
      [
        list!.id,
        entitlement.person_id,
        entitlement.id,
        unitCode,
        month,
        spec.amount,
        spec.arrears ?? 0,
        spec.channel,
        accountId,
        status,
        status === 'held' ? 'Có cảnh báo trùng người chưa xử lý' : null,
        status === 'paid' ? '2026-12-01' : null,
        status === 'paid' ? '2026-12-01T02:00:00Z' : null,
      ],
    );
    lines[spec.key] = {
      id: line!.id,
      lineCode: line!.line_code,
      personId: entitlement.person_id,
      total: Number(line!.total),
      accountNumber,
      holder,
    };
  }
  if (!options.draft)
    await owner(`update payments.payment_lists set state = 'approved', approved_at = now() where id = $1`, [
      list!.id,
    ]);
  return { listId: list!.id, lines };
}

let main: { listId: string; lines: Record<string, Made> };
let other: { listId: string; lines: Record<string, Made> };
let draft: { listId: string };

beforeAll(async () => {
  seeded = await startSeededSubgraph(paymentsSubgraph);
  db = seeded.database.url;
  origin = new URL(seeded.subgraph.url).origin;
  main = await makeList('18073', MONTH, [
    { key: 'paid', channel: 'bank', provider: 'VBA', amount: 500_000 },
    { key: 'failed', channel: 'bank', provider: 'VBA', amount: 500_000, arrears: 250_000 },
    { key: 'amount', channel: 'bank', provider: 'VBA', amount: 500_000 },
    { key: 'already', channel: 'bank', provider: 'VBA', amount: 500_000, status: 'paid' },
    { key: 'duplicate', channel: 'bank', provider: 'VBA', amount: 1_000_000 },
    { key: 'badRow', channel: 'bank', provider: 'VBA', amount: 500_000, status: 'unpaid' },
    { key: 'held', channel: 'bank', provider: 'VBA', amount: 500_000, status: 'held' },
    { key: 'post', channel: 'post', amount: 750_000 },
    { key: 'wallet', channel: 'e_wallet', provider: 'MOMO', amount: 500_000 },
    { key: 'otherBank', channel: 'bank', provider: 'VCB', amount: 500_000 },
    { key: 'cash', channel: 'cash', amount: 500_000 },
  ]);
  other = await makeList(
    '18073',
    OTHER_MONTH,
    [{ key: 'next', channel: 'bank', provider: 'VBA', amount: 500_000 }],
    {
      skip: 11,
    },
  );
  draft = await makeList('18073', DRAFT_MONTH, [], { draft: true });
});

afterAll(() => seeded?.stop());

const EXPORT = `mutation ($listId: ID!, $provider: String!) {
  exportDisbursementFile(listId: $listId, provider: $provider) {
    listId month provider lines amount
    file { id fileName contentType bytes expiresAt url }
  }
}`;

const IMPORT = `mutation ($listId: ID!, $provider: String!, $fileId: ID!) {
  importDisbursementResult(listId: $listId, provider: $provider, fileId: $fileId) {
    id listId provider fileId fileName rows matchedPaid matchedFailed recordedAt recordedBy
    mismatches { row reference kind expectedAmount foundAmount message }
  }
}`;

const RECONCILIATIONS = `query ($listId: ID!) {
  reconciliations(listId: $listId) { id rows matchedPaid matchedFailed recordedBy mismatches { row kind } }
}`;

/** The file at the path the answer gave (the gateway's `/files/payments/<id>` is the subgraph's `/files/<id>`). */
async function download(
  token: string,
  url: string,
): Promise<{ status: number; bytes: Buffer; type: string | null }> {
  expect(url).toMatch(/^\/files\/payments\/[0-9a-f-]{36}$/);
  const response = await fetch(`${origin}/files/${url.split('/').at(-1)}`, {
    headers: { authorization: `Bearer ${token}` },
  });
  return {
    status: response.status,
    bytes: Buffer.from(await response.arrayBuffer()),
    type: response.headers.get('content-type'),
  };
}

/** Uploads a file through the subgraph's `POST /files` (as the gateway does for a multipart request). */
async function upload(
  token: string,
  content: string | Buffer,
  fileName = 'ket-qua-VBA.csv',
): Promise<string> {
  const response = await fetch(`${origin}/files`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${token}`,
      'x-file-name': encodeURIComponent(fileName),
      'content-type': 'text/csv',
    },
    body: content,
  });
  expect(response.status).toBe(201);
  return ((await response.json()) as { id: string }).id;
}

/** What an import may change: the lines of both lists, their updates, the list states, the reconciliations. */
async function writtenState() {
  const lines = await owner(
    `select id, status, version, paid_at, reference, status_note from payments.payment_lines where list_id = any($1::uuid[]) order by id`,
    [[main.listId, other.listId]],
  );
  const lists = await owner(
    `select id, state from payments.payment_lists where id = any($1::uuid[]) order by id`,
    [[main.listId, other.listId]],
  );
  const [counts] = await owner(
    `select (select count(*) from payments.payment_updates where list_id = $1)::int as updates,
            (select count(*) from payments.reconciliations where list_id = $1)::int as reconciliations`,
    [main.listId],
  );
  return { lines, lists, counts };
}

const HEADER = 'reference,amount,status,paid_at,provider_reference,reason';

describe('disbursement files', () => {
  it("exports a bank's file: exact bytes, the list's unheld pending lines of that bank, downloadable by the unit", async () => {
    const token = await tokenFor('ketoan.18073');
    const answer = await graphql(seeded.subgraph.url, EXPORT, {
      token,
      variables: { listId: main.listId, provider: 'vba' },
    });
    expect(answer.errors).toBeUndefined();
    const exported = answer.data!.exportDisbursementFile;
    const inFile = ['paid', 'failed', 'amount', 'duplicate', 'badRow'].map((key) => main.lines[key]!);
    inFile.sort((a, b) => (a.lineCode < b.lineCode ? -1 : 1));
    const [year, monthOfYear] = MONTH.split('-');
    const expected =
      '\ufeffreference,account,holder,amount,content\r\n' +
      inFile
        .map(
          (line) =>
            `${line.lineCode},${line.accountNumber},${line.holder},${line.total},Tro cap XH thang ${monthOfYear}/${year} ${line.lineCode}\r\n`,
        )
        .join('');
    expect(exported).toMatchObject({
      listId: main.listId,
      month: MONTH,
      provider: 'VBA',
      lines: 5,
      amount: 500_000 + 750_000 + 500_000 + 1_000_000 + 500_000,
      file: {
        fileName: `chi-tra-18073-${MONTH}-VBA.csv`,
        contentType: 'text/csv',
        bytes: Buffer.byteLength(expected),
        url: `/files/payments/${exported.file.id}`,
      },
    });
    expect(new Date(exported.file.expiresAt).getTime()).toBeGreaterThan(Date.now());
    const file = await download(token, exported.file.url);
    expect(file.status).toBe(200);
    expect(file.type).toBe('text/csv');
    expect(file.bytes.equals(Buffer.from(expected, 'utf8'))).toBe(true);
    // The held line, the paid one and the other channels' are never in a bank's file.
    const text = file.bytes.toString('utf8');
    for (const key of ['held', 'already', 'post', 'wallet', 'otherBank', 'cash'])
      expect(text).not.toContain(main.lines[key]!.lineCode + ',');
    // The file is the unit's: another commune's official does not get it.
    expect((await download(await tokenFor('xa.18262'), exported.file.url)).status).toBe(404);
  });

  it("exports the post's file with the persons' names and no account, and a wallet's with its one line", async () => {
    const token = await tokenFor('ketoan.18073');
    const post = await graphql(seeded.subgraph.url, EXPORT, {
      token,
      variables: { listId: main.listId, provider: 'POST' },
    });
    expect(post.errors).toBeUndefined();
    expect(post.data!.exportDisbursementFile).toMatchObject({ lines: 1, amount: 750_000 });
    const [person] = await owner(`select full_name from registry.persons where id = $1`, [
      main.lines.post!.personId,
    ]);
    const text = (await download(token, post.data!.exportDisbursementFile.file.url)).bytes.toString('utf8');
    expect(text.split('\r\n')[1]).toBe(
      `${main.lines.post!.lineCode},,${person!.full_name},750000,Tro cap XH thang ${MONTH.slice(5)}/${MONTH.slice(0, 4)} ${main.lines.post!.lineCode}`,
    );
    const wallet = await graphql(seeded.subgraph.url, EXPORT, {
      token,
      variables: { listId: main.listId, provider: 'MOMO' },
    });
    expect(wallet.data!.exportDisbursementFile).toMatchObject({
      provider: 'MOMO',
      lines: 1,
      amount: 500_000,
    });
  });

  it('refuses a provider without lines, a draft list, a malformed id, an approver and another commune', async () => {
    const token = await tokenFor('ketoan.18073');
    const none = await graphql(seeded.subgraph.url, EXPORT, {
      token,
      variables: { listId: main.listId, provider: 'ZALOPAY' },
    });
    expect(none.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'provider' });
    expect(none.errors?.[0]?.message).toMatch(/không có dòng nào chờ chi qua ZALOPAY/);
    const badProvider = await graphql(seeded.subgraph.url, EXPORT, {
      token,
      variables: { listId: main.listId, provider: 'Ngân hàng' },
    });
    expect(badProvider.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'provider' });
    const notApproved = await graphql(seeded.subgraph.url, EXPORT, {
      token,
      variables: { listId: draft.listId, provider: 'VBA' },
    });
    expect(notApproved.errors?.[0]?.extensions).toMatchObject({
      code: 'CONFLICT',
      field: 'listId',
      details: { state: 'draft' },
    });
    const malformed = await graphql(seeded.subgraph.url, EXPORT, {
      token,
      variables: { listId: 'x', provider: 'VBA' },
    });
    expect(malformed.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'listId' });

    const files = async () => (await owner(`select count(*)::int as count from payments.files`))[0]!.count;
    const before = await files();
    const approver = await graphql(seeded.subgraph.url, EXPORT, {
      token: await tokenFor('pheduyet.18073'),
      variables: { listId: main.listId, provider: 'VBA' },
    });
    expect(approver.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(approver.data).toBeNull();
    const outside = await graphql(seeded.subgraph.url, EXPORT, {
      token: await tokenFor('xa.18262'),
      variables: { listId: main.listId, provider: 'VBA' },
    });
    expect(outside.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect(JSON.stringify(outside)).not.toContain(main.lines.paid!.accountNumber!);
    expect(await files()).toBe(before);
  });
});

/** A list of `count` lines of one person (no entitlement), paid through one account (or the post), approved. */
async function bulkList(month: string, count: number, channel: 'bank' | 'post'): Promise<string> {
  const [list] = await owner(
    `insert into payments.payment_lists (unit_id, month, state) values (${currentUnitId("'18073'")}, $1, 'draft') returning id`,
    [month],
  );
  const [person] = await owner(
    `select person_id from approvals.entitlements where unit_id = ${currentUnitId("'18073'")} order by id limit 1`,
  );
  let accountId: string | null = null;
  if (channel === 'bank') {
    const [account] = await owner(
      `insert into registry.payment_accounts (id, person_id, kind, provider_code, account_number, holder_name, holder_name_matches, is_default, created_at, updated_at)
       values (gen_random_uuid(), $1, 'bank', 'BIDV', '5550001', 'Trần Thị Bình', true, false, now(), now()) returning id`,
      [person!.person_id],
    );
    accountId = account!.id;
  }
  await owner(
    `insert into payments.payment_lines (id, list_id, line_code, person_id, unit_id, month, amount, channel, account_id, created_at)
     select gen_random_uuid(), $1, 'CT' || nextval('payments.line_code_seq'), $2, ${currentUnitId("'18073'")}, $3, 1000 + n, $4, $5, now()
       from generate_series(1, $6::int) n`,
    [list!.id, person!.person_id, month, channel, accountId, count],
  );
  await owner(`update payments.payment_lists set state = 'approved' where id = $1`, [list!.id]);
  return list!.id;
}

describe('large lists', () => {
  it('streams a file over several pages, each line once, in line-code order', async () => {
    const listId = await bulkList(addMonths(currentMonth(), 9), 4_500, 'bank');
    const token = await tokenFor('ketoan.18073');
    const answer = await graphql(seeded.subgraph.url, EXPORT, {
      token,
      variables: { listId, provider: 'BIDV' },
    });
    expect(answer.errors).toBeUndefined();
    const expectedAmount = 4_500 * 1000 + (4_500 * 4_501) / 2;
    expect(answer.data!.exportDisbursementFile).toMatchObject({ lines: 4_500, amount: expectedAmount });
    const records = (await download(token, answer.data!.exportDisbursementFile.file.url)).bytes
      .toString('utf8')
      .split('\r\n')
      .slice(1, -1);
    const codes = records.map((record) => record.split(',')[0]!);
    expect(new Set(codes).size).toBe(4_500);
    expect(codes).toEqual([...codes].sort());
    expect(records.reduce((sum, record) => sum + Number(record.split(',')[3]), 0)).toBe(expectedAmount);
  });

  it('refuses a file of more than 20,000 lines, writing none', async () => {
    const listId = await bulkList(addMonths(currentMonth(), 10), 20_001, 'post');
    const files = async () => (await owner(`select count(*)::int as count from payments.files`))[0]!.count;
    const before = await files();
    const answer = await graphql(seeded.subgraph.url, EXPORT, {
      token: await tokenFor('ketoan.18073'),
      variables: { listId, provider: 'POST' },
    });
    expect(answer.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'listId' });
    expect(answer.errors?.[0]?.message).toMatch(/hơn 20\.000 dòng/);
    expect(await files()).toBe(before);
  });
});

describe('result files', () => {
  const at = '2026-12-01 09:30';

  it('refuses a file of the wrong layout and writes nothing', async () => {
    const token = await tokenFor('ketoan.18073');
    const before = await writtenState();
    for (const [content, message] of [
      [
        `reference,amount,status,paid_at,provider_reference\r\n${main.lines.paid!.lineCode},500000,paid,${at},FT1\r\n`,
        /thiếu cột reason/,
      ],
      [
        `reference,so_tien,status,paid_at,provider_reference,reason\r\n`,
        /thiếu cột amount; có cột không thuộc mẫu so_tien/,
      ],
      [Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x06, 0x00, 0xff, 0xfe]), /không phải văn bản UTF-8/],
      [`${HEADER}\r\n${main.lines.paid!.lineCode},500000,paid,${at},FT\u0007,\r\n`, /ký tự điều khiển/],
    ] as const) {
      const fileId = await upload(token, content);
      const answer = await graphql(seeded.subgraph.url, IMPORT, {
        token,
        variables: { listId: main.listId, provider: 'VBA', fileId },
      });
      expect(answer.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'fileId' });
      expect(answer.errors?.[0]?.message).toMatch(message);
    }
    // Over 5 MB: refused from its size.
    const large = await upload(
      token,
      Buffer.concat([Buffer.from(`${HEADER}\n`), Buffer.alloc(5 * 1024 * 1024, 0x20)]),
    );
    const tooLarge = await graphql(seeded.subgraph.url, IMPORT, {
      token,
      variables: { listId: main.listId, provider: 'VBA', fileId: large },
    });
    expect(tooLarge.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'fileId' });
    expect(tooLarge.errors?.[0]?.message).toMatch(/quá lớn/);
    expect(await writtenState()).toEqual(before);
  });

  it('refuses an approver, another commune and an unknown file, writing nothing', async () => {
    const payer = await tokenFor('ketoan.18073');
    const fileId = await upload(
      payer,
      `${HEADER}\r\n${main.lines.paid!.lineCode},500000,paid,${at},FT1,\r\n`,
    );
    const before = await writtenState();
    const approver = await graphql(seeded.subgraph.url, IMPORT, {
      token: await tokenFor('pheduyet.18073'),
      variables: { listId: main.listId, provider: 'VBA', fileId },
    });
    expect(approver.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const outsider = await tokenFor('xa.18262');
    const outside = await graphql(seeded.subgraph.url, IMPORT, {
      token: outsider,
      variables: { listId: main.listId, provider: 'VBA', fileId },
    });
    expect(outside.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const read = await graphql(seeded.subgraph.url, RECONCILIATIONS, {
      token: outsider,
      variables: { listId: main.listId },
    });
    expect(read.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const unknownFile = await graphql(seeded.subgraph.url, IMPORT, {
      token: payer,
      variables: { listId: main.listId, provider: 'VBA', fileId: '00000000-0000-4000-8000-000000000000' },
    });
    expect(unknownFile.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect(await writtenState()).toEqual(before);
  });

  it('records matched rows as paid and returned, lists every mismatch and changes nothing for them', async () => {
    const token = await tokenFor('ketoan.18073');
    const line = main.lines;
    const rows = [
      `${line.paid!.lineCode},500000,paid,2026-12-01T09:30:00+07:00,FT26120100001,`,
      `${line.failed!.lineCode},750000,failed,2026-12-01 10:00,,"Tài khoản bị phong toả, trả lại"`,
      `CT999999999,500000,paid,${at},FT3,`,
      `${line.amount!.lineCode},600000,paid,${at},FT4,`,
      `${line.already!.lineCode},500000,paid,${at},FT5,`,
      `${other.lines.next!.lineCode},500000,paid,${at},FT6,`,
      `${line.duplicate!.lineCode},1000000,paid,${at},FT7,`,
      `${line.duplicate!.lineCode},1000000,paid,${at},FT8,`,
      `${line.badRow!.lineCode},500000,paid,01/12/2026,FT9,`,
      `${line.held!.lineCode},500000,paid,${at},FT10,`,
      `${line.post!.lineCode},750000,paid,${at},FT11,`,
    ];
    const fileId = await upload(token, `\ufeff${HEADER}\r\n${rows.join('\r\n')}\r\n`);
    const before = await writtenState();
    const answer = await graphql(seeded.subgraph.url, IMPORT, {
      token,
      variables: { listId: main.listId, provider: 'VBA', fileId },
    });
    expect(answer.errors).toBeUndefined();
    const reconciliation = answer.data!.importDisbursementResult;
    expect(reconciliation).toMatchObject({
      listId: main.listId,
      provider: 'VBA',
      fileId,
      fileName: 'ket-qua-VBA.csv',
      rows: 11,
      matchedPaid: 1,
      matchedFailed: 1,
      recordedBy: 'ketoan.18073',
    });
    expect(reconciliation.mismatches.map((m: any) => [m.row, m.reference, m.kind])).toEqual([
      [4, 'CT999999999', 'UNKNOWN_REFERENCE'],
      [5, line.amount!.lineCode, 'AMOUNT_DIFFERS'],
      [6, line.already!.lineCode, 'ALREADY_PAID'],
      [7, other.lines.next!.lineCode, 'WRONG_MONTH'],
      [8, line.duplicate!.lineCode, 'DUPLICATE_ROW'],
      [9, line.duplicate!.lineCode, 'DUPLICATE_ROW'],
      [10, line.badRow!.lineCode, 'BAD_ROW'],
      [11, line.held!.lineCode, 'NOT_PAYABLE'],
      [12, line.post!.lineCode, 'WRONG_PROVIDER'],
    ]);
    expect(reconciliation.mismatches[1]).toMatchObject({
      expectedAmount: 500_000,
      foundAmount: 600_000,
      message: `Số tiền của dòng ${line.amount!.lineCode} là 500.000 đồng, tệp ghi 600.000 đồng.`,
    });
    expect(reconciliation.mismatches[6].message).toMatch(/^Dòng 10: thời điểm \(paid_at\) "01\/12\/2026"/);

    // The matched lines changed, with their version; the update is recorded as the result file's, never late.
    const [paid] = await owner(
      `select status, to_char(paid_on, 'YYYY-MM-DD') as paid_on, paid_at, receiver, reference, version, late, updated_by_name from payments.payment_lines where id = $1`,
      [line.paid!.id],
    );
    expect(paid).toEqual({
      status: 'paid',
      paid_on: '2026-12-01',
      paid_at: new Date('2026-12-01T02:30:00Z'),
      receiver: 'person',
      reference: 'FT26120100001',
      version: 2,
      late: false,
      updated_by_name: 'ketoan.18073',
    });
    const [returned] = await owner(
      `select status, status_note, version, paid_on from payments.payment_lines where id = $1`,
      [line.failed!.id],
    );
    expect(returned).toEqual({
      status: 'returned',
      status_note: 'Tài khoản bị phong toả, trả lại',
      version: 2,
      paid_on: null,
    });
    const updates = await owner(
      `select line_id, status, to_char(for_date, 'YYYY-MM-DD') as for_date, source, late, reference, note, recorded_by_name
         from payments.payment_updates where list_id = $1 order by status`,
      [main.listId],
    );
    expect(updates).toEqual([
      {
        line_id: line.paid!.id,
        status: 'paid',
        for_date: '2026-12-01',
        source: 'result-file',
        late: false,
        reference: 'FT26120100001',
        note: null,
        recorded_by_name: 'ketoan.18073',
      },
      {
        line_id: line.failed!.id,
        status: 'returned',
        for_date: '2026-12-01',
        source: 'result-file',
        late: false,
        reference: null,
        note: 'Tài khoản bị phong toả, trả lại',
        recorded_by_name: 'ketoan.18073',
      },
    ]);
    // Every mismatched line is as it was; the list moved to paying with the first result.
    const after = await writtenState();
    const changed = new Set([line.paid!.id, line.failed!.id]);
    expect(after.lines.filter((row) => !changed.has(row.id))).toEqual(
      before.lines.filter((row) => !changed.has(row.id)),
    );
    expect(after.lists.find((row) => row.id === main.listId)!.state).toBe('paying');
    expect(after.lists.find((row) => row.id === other.listId)!.state).toBe('approved');
    const [history] = await owner(
      `select count(*)::int as count from payments.change_history where payment_line_id = $1 and action = 'update'`,
      [line.paid!.id],
    );
    expect(history!.count).toBe(1);

    // Recorded, and read back by whoever reads the list (an approver reads payments too).
    const [stored] = await owner(
      `select rows, matched_paid, matched_failed, jsonb_array_length(mismatches) as mismatches from payments.reconciliations where id = $1`,
      [reconciliation.id],
    );
    expect(stored).toEqual({ rows: 11, matched_paid: 1, matched_failed: 1, mismatches: 9 });
    const read = await graphql(seeded.subgraph.url, RECONCILIATIONS, {
      token: await tokenFor('pheduyet.18073'),
      variables: { listId: main.listId },
    });
    expect(read.errors).toBeUndefined();
    expect(read.data!.reconciliations).toEqual([
      {
        id: reconciliation.id,
        rows: 11,
        matchedPaid: 1,
        matchedFailed: 1,
        recordedBy: 'ketoan.18073',
        mismatches: reconciliation.mismatches.map((m: any) => ({ row: m.row, kind: m.kind })),
      },
    ]);

    // The same file again changes nothing more: its lines are paid or returned now.
    const again = await graphql(seeded.subgraph.url, IMPORT, {
      token,
      variables: { listId: main.listId, provider: 'VBA', fileId },
    });
    expect(again.errors).toBeUndefined();
    expect(again.data!.importDisbursementResult).toMatchObject({ matchedPaid: 0, matchedFailed: 0 });
    expect(again.data!.importDisbursementResult.mismatches.slice(0, 2).map((m: any) => m.kind)).toEqual([
      'ALREADY_PAID',
      'NOT_PAYABLE',
    ]);
    expect((await writtenState()).lines).toEqual(after.lines);
  });
});
