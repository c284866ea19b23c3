import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { addMonths, currentMonth, startSubgraph, type RunningSubgraph } from '@ansinh/common';
import { CLIENT_ADDRESS_HEADER, gatewayCredentialHeaders } from '@ansinh/common/graphql';
import { startGateway, type RunningGateway } from '@ansinh/gateway';
import { graphql, sqlRows, startSeededSubgraph, testEnv, type SeededSubgraph } from '@ansinh/tests/support';
import { reportingSubgraph } from '../src/index.ts';
import {
  cellsDeterminedByTotals,
  cellsRevealedBySubtraction,
  type AuditedCell,
} from '../src/public-figures/cell-disclosure.audit.ts';
import { publicFiguresConfig } from '../src/public-figures/public-figures.config.ts';
import { citizenCheckKeys } from '../src/public-figures/public-figures.rules.ts';

let seeded: SeededSubgraph;
const MINIMUM = publicFiguresConfig.minimumCount;
const LIMIT = publicFiguresConfig.citizenCheck.limit;
const TO_MONTH = currentMonth();
const FROM_MONTH = addMonths(TO_MONTH, -23);
/** The demo's confidential category, for these tests: the children of 5.1 have payments in every month. */
const MADE_CONFIDENTIAL = '5.1';

const rows = (sql: string, params: unknown[] = []) => sqlRows(seeded.database.url, sql, params);

beforeAll(async () => {
  seeded = await startSeededSubgraph(reportingSubgraph);
  await rows(
    `update approvals.categories set confidential = true where program_id = 'decree-20' and code = $1`,
    [MADE_CONFIDENTIAL],
  );
});

afterAll(() => seeded?.stop());

const PUBLIC_FIGURES = `query ($provinceCode: ID!, $fromMonth: String!, $toMonth: String!) {
  publicFigures(provinceCode: $provinceCode, fromMonth: $fromMonth, toMonth: $toMonth) {
    province { id } provinceCode provinceName fromMonth toMonth minimumCount
    programs { id name }
    cells { unit { id } unitCode unitName program month beneficiaries amountPaid suppressed }
  }
}`;

type PublicCell = {
  unit: { id: string } | null;
  unitCode: string | null;
  unitName: string | null;
  program: string | null;
  month: string | null;
  beneficiaries: number | null;
  amountPaid: number | null;
  suppressed: boolean;
};

const keyOf = (unitId: string | null, program: string | null, month: string | null) =>
  JSON.stringify([unitId, program, month]);

/**
 * The figures computed from the owners' tables (payment lines, entitlements, categories), confidential
 * categories left out: per paying unit under the province (across eras), programme and month, with every
 * total (`cube`): distinct persons, distinct persons paid, amount paid.
 */
async function expectedFigures(fromMonth: string, toMonth: string) {
  const cube = await rows(
    `select l.unit_id, c.program_id, l.month, grouping(l.unit_id, c.program_id, l.month) as totals,
            count(distinct l.person_id)::int as persons,
            count(distinct l.person_id) filter (where l.status = 'paid')::int as payees,
            coalesce(sum(l.total) filter (where l.status = 'paid'), 0)::bigint::text as amount
       from payments.payment_lines l
       join approvals.entitlements e on e.id = l.entitlement_id
       join approvals.categories c on c.id = e.category_id
      where not c.confidential and l.month between $1 and $2
        and l.unit_id in (select u.id from registry.administrative_units u, registry.administrative_units p
                           where p.code = '42' and p.valid_to is null and u.path <@ p.scope_paths)
      group by cube (l.unit_id, c.program_id, l.month)`,
    [fromMonth, toMonth],
  );
  const inner = cube.filter((row) => row.totals === 0);
  const byKey = new Map(
    cube.map((row) => {
      const bits = Number(row.totals);
      const key = keyOf(
        bits & 4 ? null : row.unit_id,
        bits & 2 ? null : row.program_id,
        bits & 1 ? null : row.month,
      );
      // A total's figures are the sums of the cells it totals (a person in two months counts twice).
      const members = inner.filter(
        (cell) =>
          (bits & 4 || cell.unit_id === row.unit_id) &&
          (bits & 2 || cell.program_id === row.program_id) &&
          (bits & 1 || cell.month === row.month),
      );
      return [
        key,
        {
          persons: Number(row.persons),
          payees: Number(row.payees),
          beneficiaries: members.reduce((sum, cell) => sum + Number(cell.persons), 0),
          amountPaid: members.reduce((sum, cell) => sum + Number(cell.amount), 0),
        },
      ];
    }),
  );
  return byKey;
}

async function publicAnswer(fromMonth = FROM_MONTH, toMonth = TO_MONTH) {
  return graphql<{ publicFigures: { cells: PublicCell[]; [field: string]: unknown } }>(
    seeded.subgraph.url,
    PUBLIC_FIGURES,
    { variables: { provinceCode: '42', fromMonth, toMonth } },
  );
}

/** Every name, identity number and id of a demo person, and every confidential category's code and name. */
async function secrets(): Promise<string[]> {
  const persons = await rows(
    `select id::text, full_name, citizen_id, old_id_number, phone, address from registry.persons`,
  );
  const accounts = await rows(`select account_number, holder_name from registry.payment_accounts`);
  const confidential = await rows(`select code, name from approvals.categories where confidential`);
  return [
    ...persons.flatMap((person) => [
      person.id,
      person.full_name,
      person.citizen_id,
      person.old_id_number,
      person.phone,
      person.address,
    ]),
    ...accounts.flatMap((account) => [account.account_number, account.holder_name]),
    ...confidential.flatMap((category) => [`"${category.code}"`, category.name]),
  ].filter((value): value is string => typeof value === 'string' && value.length > 0);
}

describe('publicFigures without a token', () => {
  it('shows no name, no ID, no confidential category, in the whole answer', async () => {
    const answer = await publicAnswer();
    expect(answer.errors).toBeUndefined();
    const text = JSON.stringify(answer);
    const found = (await secrets()).filter((secret) => text.includes(secret));
    expect(found).toEqual([]);
  });

  it('shows no figure about fewer persons than the threshold, and the shown figures are the owners’ ones', async () => {
    const answer = await publicAnswer();
    const table = answer.data!.publicFigures;
    expect(table).toMatchObject({
      provinceCode: '42',
      fromMonth: FROM_MONTH,
      toMonth: TO_MONTH,
      minimumCount: MINIMUM,
    });
    const expected = await expectedFigures(FROM_MONTH, TO_MONTH);
    const cells = table.cells;
    // Every cell of the owners' figures is in the table, once, and no other.
    expect(new Set(cells.map((cell) => keyOf(cell.unit?.id ?? null, cell.program, cell.month)))).toEqual(
      new Set(expected.keys()),
    );
    expect(cells).toHaveLength(expected.size);
    const shown = cells.filter((cell) => !cell.suppressed);
    const hidden = cells.filter((cell) => cell.suppressed);
    // Both kinds are there: the test can fail either way.
    expect(shown.length).toBeGreaterThan(0);
    expect(hidden.length).toBeGreaterThan(0);
    for (const cell of shown) {
      const figures = expected.get(keyOf(cell.unit?.id ?? null, cell.program, cell.month))!;
      expect({
        cell,
        persons: figures.persons >= MINIMUM,
        payees: figures.payees === 0 || figures.payees >= MINIMUM,
      }).toEqual({
        cell,
        persons: true,
        payees: true,
      });
      expect({ beneficiaries: cell.beneficiaries, amountPaid: cell.amountPaid }).toEqual({
        beneficiaries: figures.beneficiaries,
        amountPaid: figures.amountPaid,
      });
    }
    for (const cell of hidden) expect([cell.beneficiaries, cell.amountPaid]).toEqual([null, null]);
    // Every figure about too few persons is hidden.
    for (const cell of cells) {
      const figures = expected.get(keyOf(cell.unit?.id ?? null, cell.program, cell.month))!;
      if (figures.persons < MINIMUM || (figures.payees > 0 && figures.payees < MINIMUM))
        expect({ cell, suppressed: cell.suppressed }).toEqual({ cell, suppressed: true });
    }
  });

  it('leaves no hidden figure that the totals give back, by subtraction in a line or by any combination', async () => {
    const { cells } = (await publicAnswer()).data!.publicFigures;
    for (const measure of ['beneficiaries', 'amountPaid'] as const) {
      const audited = cells.map((cell): AuditedCell => ({
        key: [cell.unit?.id ?? null, cell.program, cell.month],
        value: cell[measure],
      }));
      expect(cellsRevealedBySubtraction(audited)).toEqual([]);
      expect(cellsDeterminedByTotals(audited)).toEqual([]);
    }
  });

  it('leaves confidential payments out of every figure, totals included', async () => {
    const [confidential] = await rows(
      `select count(*)::int as lines, coalesce(sum(l.total) filter (where l.status = 'paid'), 0)::bigint::text as paid
         from payments.payment_lines l join approvals.entitlements e on e.id = l.entitlement_id
         join approvals.categories c on c.id = e.category_id
        where c.confidential and l.month between $1 and $2`,
      [FROM_MONTH, TO_MONTH],
    );
    expect(confidential!.lines).toBeGreaterThan(0);
    const { cells } = (await publicAnswer()).data!.publicFigures;
    const grandTotal = cells.find((cell) => !cell.unit && !cell.program && !cell.month)!;
    const expected = (await expectedFigures(FROM_MONTH, TO_MONTH)).get(keyOf(null, null, null))!;
    expect(grandTotal.suppressed).toBe(false);
    expect(grandTotal.amountPaid).toBe(expected.amountPaid);
    const [all] = await rows(
      `select coalesce(sum(total) filter (where status = 'paid'), 0)::bigint::text as paid
         from payments.payment_lines where month between $1 and $2`,
      [FROM_MONTH, TO_MONTH],
    );
    expect(Number(all!.paid)).toBe(expected.amountPaid + Number(confidential!.paid));
  });

  it('shows months before the reform under the former communes that paid them, and later ones under today’s', async () => {
    const { cells } = (await publicAnswer()).data!.publicFigures;
    const units = await rows(
      `select id::text, valid_to::text from registry.administrative_units where id = any($1::uuid[])`,
      [[...new Set(cells.map((cell) => cell.unit?.id).filter(Boolean))]],
    );
    const former = new Set(units.filter((unit) => unit.valid_to === '2025-06-30').map((unit) => unit.id));
    const monthly = cells.filter((cell) => cell.unit && cell.month);
    expect(monthly.some((cell) => former.has(cell.unit!.id))).toBe(true);
    for (const cell of monthly) expect(former.has(cell.unit!.id)).toBe(cell.month! <= '2025-06');
    expect(monthly.find((cell) => former.has(cell.unit!.id))!.unitName).toEqual(expect.any(String));
  });

  it('refuses a bad province or period with the field', async () => {
    const refusal = async (provinceCode: string, fromMonth: string, toMonth: string) =>
      (
        await graphql(seeded.subgraph.url, PUBLIC_FIGURES, {
          variables: { provinceCode, fromMonth, toMonth },
        })
      ).errors?.[0]?.extensions;
    expect(await refusal('4', FROM_MONTH, TO_MONTH)).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'provinceCode',
    });
    expect(await refusal('18073', FROM_MONTH, TO_MONTH)).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'provinceCode',
    });
    expect(await refusal('99', FROM_MONTH, TO_MONTH)).toMatchObject({ code: 'NOT_FOUND' });
    expect(await refusal('42', '2026-13', TO_MONTH)).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'fromMonth',
    });
    expect(await refusal('42', TO_MONTH, addMonths(TO_MONTH, -1))).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'fromMonth',
    });
    expect(await refusal('42', addMonths(TO_MONTH, -24), TO_MONTH)).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'toMonth',
    });
    expect(await refusal('42', TO_MONTH, addMonths(TO_MONTH, 1))).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'toMonth',
    });
  });
});

const CHECK = `query ($citizenId: String!, $birthDate: String!) {
  citizenPaymentStatus(citizenId: $citizenId, birthDate: $birthDate) {
    maskedName maskedCitizenId communeName
    payments { month amount status paidOn channel programName categoryName }
  }
}`;

/** A check sent directly to the subgraph, as the gateway would for a caller at `address` (or as a stranger without it). */
function check(citizenId: string, birthDate: string, address?: string, url = seeded.subgraph.url) {
  return graphql(url, CHECK, {
    variables: { citizenId, birthDate },
    headers: address ? { ...gatewayCredentialHeaders(), [CLIENT_ADDRESS_HEADER]: address } : {},
  });
}

type Person = {
  id: string;
  full_name: string;
  citizen_id: string;
  birth_date: string;
  residence_unit_id: string;
};

async function personWith(condition: string): Promise<Person> {
  const [person] = await rows(
    `select p.id::text, p.full_name, p.citizen_id, p.birth_date::text, p.residence_unit_id::text
       from registry.persons p
      where p.citizen_id is not null and p.birth_date is not null and ${condition}
        and exists (select 1 from payments.payment_lines l where l.person_id = p.id and l.month >= $1)
      order by p.citizen_id limit 1`,
    [addMonths(TO_MONTH, -11)],
  );
  expect(person).toBeDefined();
  return person as Person;
}

/** A 12-digit number that no person holds. */
async function unknownCitizenId(seed: number): Promise<string> {
  const candidate = `0429${String(99_000_000 + seed).padStart(8, '0')}`;
  const [taken] = await rows(`select 1 from registry.persons where citizen_id = $1`, [candidate]);
  expect(taken).toBeUndefined();
  return candidate;
}

describe('citizenPaymentStatus', () => {
  beforeEach(async () => {
    await rows('delete from reporting.citizen_check_attempts');
  });

  it('answers a matching CCCD and date of birth with masked data and the last 12 months', async () => {
    const person = await personWith(`p.status = 'living'`);
    const answer = await check(person.citizen_id, person.birth_date, 'masked-output');
    expect(answer.errors).toBeUndefined();
    const words = person.full_name.trim().split(/\s+/);
    const initial = (word: string) => `${[...word][0]}.`;
    const [commune] = await rows(`select full_name from registry.administrative_units where id = $1`, [
      person.residence_unit_id,
    ]);
    const lines = await rows(
      `select l.month, l.total::text, l.status, to_char(l.paid_on, 'YYYY-MM-DD') as paid_on, l.channel, c.confidential,
              c.name as category_name, p.name as program_name
         from payments.payment_lines l
         join approvals.entitlements e on e.id = l.entitlement_id
         join approvals.categories c on c.id = e.category_id
         join approvals.programs p on p.id = c.program_id
        where l.person_id = $1 and l.month between $2 and $3
        order by l.month desc, l.id`,
      [person.id, addMonths(TO_MONTH, -11), TO_MONTH],
    );
    expect(lines.length).toBeGreaterThan(0);
    expect(answer.data!.citizenPaymentStatus).toEqual({
      maskedName: [words[0], ...words.slice(1).map(initial)].join(' '),
      maskedCitizenId: `${person.citizen_id.slice(0, 4)}******${person.citizen_id.slice(10)}`,
      communeName: commune!.full_name,
      payments: lines.map((line) => ({
        month: line.month,
        amount: Number(line.total),
        status: line.status === 'paid' ? 'PAID' : 'UNPAID',
        paidOn: line.paid_on,
        channel: line.channel.toUpperCase(),
        programName: line.confidential ? null : line.program_name,
        categoryName: line.confidential ? null : line.category_name,
      })),
    });
    const text = JSON.stringify(answer);
    const [private_] = await rows(
      `select full_name, citizen_id, address from registry.persons where id = $1`,
      [person.id],
    );
    const accounts = await rows(`select account_number from registry.payment_accounts where person_id = $1`, [
      person.id,
    ]);
    for (const secret of [
      private_!.full_name,
      private_!.citizen_id,
      private_!.address,
      ...accounts.map((a) => a.account_number),
    ])
      if (secret) expect(text).not.toContain(secret);
  });

  it('never names a confidential category, nor its programme, to the citizen', async () => {
    const person = await personWith(
      `exists (select 1 from approvals.entitlements e join approvals.categories c on c.id = e.category_id
                where e.person_id = p.id and c.confidential)`,
    );
    const answer = await check(person.citizen_id, person.birth_date, 'confidential');
    expect(answer.errors).toBeUndefined();
    const payments = answer.data!.citizenPaymentStatus.payments as {
      categoryName: string | null;
      programName: string | null;
    }[];
    expect(payments.length).toBeGreaterThan(0);
    const [category] = await rows(
      `select name from approvals.categories where program_id = 'decree-20' and code = $1`,
      [MADE_CONFIDENTIAL],
    );
    expect(JSON.stringify(answer)).not.toContain(category!.name);
    expect(payments.some((payment) => payment.categoryName === null && payment.programName === null)).toBe(
      true,
    );
  });

  it('answers the record of a deceased person too', async () => {
    const [person] = await rows(
      `select citizen_id, birth_date::text from registry.persons
        where status = 'deceased' and citizen_id is not null and birth_date is not null limit 1`,
    );
    const answer = await check(person!.citizen_id, person!.birth_date, 'deceased');
    expect(answer.errors).toBeUndefined();
    expect(answer.data!.citizenPaymentStatus.maskedCitizenId).toMatch(/^\d{4}\*{6}\d{2}$/);
  });

  it('answers a wrong date of birth exactly as an unknown CCCD, and cannot match a year-only birth date', async () => {
    const person = await personWith(`p.status = 'living'`);
    const dayAfter = new Date(Date.parse(`${person.birth_date}T00:00:00Z`) + 86_400_000)
      .toISOString()
      .slice(0, 10);
    const wrongDate = await check(person.citizen_id, dayAfter, 'oracle-1');
    const unknown = await check(await unknownCitizenId(1), person.birth_date, 'oracle-2');
    expect(wrongDate.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect(wrongDate).toEqual(unknown);
    const [yearOnly] = await rows(
      `select citizen_id, birth_year from registry.persons where citizen_id is not null and birth_date is null limit 1`,
    );
    const asJanuaryFirst = await check(yearOnly!.citizen_id, `${yearOnly!.birth_year}-01-01`, 'oracle-3');
    expect(asJanuaryFirst).toEqual(unknown);
    expect(unknown.errors![0]!.message).toContain('chỉ ghi năm sinh');
  });

  it('refuses a CCCD that is not 12 digits and a date of birth that is not a real full date', async () => {
    const field = async (citizenId: string, birthDate: string) =>
      (await check(citizenId, birthDate, 'bounds')).errors?.[0]?.extensions;
    for (const citizenId of ['04204110003A', '04204110003', '0420411000312', ' 042041100031', ''])
      expect(await field(citizenId, '1941-08-04')).toMatchObject({
        code: 'BAD_USER_INPUT',
        field: 'citizenId',
      });
    for (const birthDate of [
      '1941',
      '1941-02-30',
      '04/08/1941',
      '1899-12-31',
      `${Number(TO_MONTH.slice(0, 4)) + 1}-01-01`,
      'x'.repeat(5000),
    ])
      expect(await field('042041100031', birthDate)).toMatchObject({
        code: 'BAD_USER_INPUT',
        field: 'birthDate',
      });
  });

  it(`refuses the check after ${LIMIT} from one client, whatever the CCCDs, and not another client`, async () => {
    for (let attempt = 0; attempt < LIMIT; attempt++)
      expect(
        (await check(await unknownCitizenId(100 + attempt), '1950-01-01', 'client-a')).errors?.[0]?.extensions
          ?.code,
      ).toBe('NOT_FOUND');
    const refused = await check(await unknownCitizenId(200), '1950-01-01', 'client-a');
    expect(refused.errors?.[0]?.extensions).toMatchObject({
      code: 'RATE_LIMITED',
      details: { retryAfterSeconds: expect.any(Number) },
    });
    expect(refused.data).toBeNull();
    expect(refused.errors![0]!.message).toContain('thử lại sau');
    expect(
      (await check(await unknownCitizenId(201), '1950-01-01', 'client-b')).errors?.[0]?.extensions?.code,
    ).toBe('NOT_FOUND');
  });

  it(`refuses a CCCD checked ${LIMIT} times, from any client, even with the right date of birth`, async () => {
    const person = await personWith(`p.status = 'living'`);
    for (let attempt = 0; attempt < LIMIT; attempt++)
      expect(
        (await check(person.citizen_id, '1950-01-01', `spread-${attempt}`)).errors?.[0]?.extensions?.code,
      ).toBe('NOT_FOUND');
    const refused = await check(person.citizen_id, person.birth_date, 'spread-fresh');
    expect(refused.errors?.[0]?.extensions?.code).toBe('RATE_LIMITED');
  });

  it('believes a forwarded client address only from the gateway', async () => {
    for (let attempt = 0; attempt < LIMIT; attempt++) {
      const answer = await graphql(seeded.subgraph.url, CHECK, {
        variables: { citizenId: await unknownCitizenId(300 + attempt), birthDate: '1950-01-01' },
        headers: { [CLIENT_ADDRESS_HEADER]: `spoofed-${attempt}` },
      });
      expect(answer.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    }
    const answer = await graphql(seeded.subgraph.url, CHECK, {
      variables: { citizenId: await unknownCitizenId(310), birthDate: '1950-01-01' },
      headers: { [CLIENT_ADDRESS_HEADER]: 'spoofed-again' },
    });
    expect(answer.errors?.[0]?.extensions?.code).toBe('RATE_LIMITED');
  });

  it('counts in PostgreSQL: another reporting instance shares the limit, and rows past the window expire', async () => {
    let second: RunningSubgraph | undefined;
    try {
      second = await startSubgraph(reportingSubgraph, testEnv(seeded.database.url));
      for (let attempt = 0; attempt < LIMIT; attempt++) {
        const url = attempt % 2 ? second.url : seeded.subgraph.url;
        expect(
          (await check(await unknownCitizenId(400 + attempt), '1950-01-01', 'two-instances', url)).errors?.[0]
            ?.extensions?.code,
        ).toBe('NOT_FOUND');
      }
      expect(
        (await check(await unknownCitizenId(410), '1950-01-01', 'two-instances', second.url)).errors?.[0]
          ?.extensions?.code,
      ).toBe('RATE_LIMITED');
    } finally {
      await second?.stop();
    }
    // Checks older than the window count no more, and go.
    await rows('delete from reporting.citizen_check_attempts');
    const [clientKey] = citizenCheckKeys(
      'expired',
      '000000000000',
      publicFiguresConfig.citizenCheck.keySecret,
    );
    await rows(
      `insert into reporting.citizen_check_attempts (key_hash, attempted_at)
       select decode($1, 'hex'), now() - make_interval(secs => $2 + 60) from generate_series(1, $3)`,
      [clientKey, publicFiguresConfig.citizenCheck.windowSeconds, LIMIT],
    );
    expect(
      (await check(await unknownCitizenId(420), '1950-01-01', 'expired')).errors?.[0]?.extensions?.code,
    ).toBe('NOT_FOUND');
    const left = await rows(
      'select encode(key_hash, $1) as key, attempted_at from reporting.citizen_check_attempts',
      ['hex'],
    );
    expect(left).toHaveLength(2);
    expect(left.some((row) => row.key === clientKey)).toBe(true);
  });
});

/** A POST from a given local address (127.0.0.x), as a distinct client of the gateway. */
function postFrom(
  localAddress: string,
  url: string,
  body: unknown,
): Promise<{ errors?: { extensions?: { code?: string } }[] }> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(
      url,
      { method: 'POST', localAddress, headers: { 'content-type': 'application/json' } },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve(JSON.parse(Buffer.concat(chunks).toString('utf8'))));
      },
    );
    request.on('error', reject);
    request.end(JSON.stringify(body));
  });
}

describe('the client address through the gateway', () => {
  let gateway: RunningGateway;

  beforeAll(async () => {
    const unused = 'http://127.0.0.1:9/graphql';
    gateway = await startGateway({
      ...testEnv(seeded.database.url),
      REGISTRY_URL: unused,
      APPROVALS_URL: unused,
      PAYMENTS_URL: unused,
      REPORTING_URL: seeded.subgraph.url,
    });
  });

  afterAll(() => gateway?.stop());

  beforeEach(async () => {
    await rows('delete from reporting.citizen_check_attempts');
  });

  it('limits each caller of the gateway by its own address', async () => {
    const body = async (seed: number) => ({
      query: CHECK,
      variables: { citizenId: await unknownCitizenId(seed), birthDate: '1950-01-01' },
    });
    for (let attempt = 0; attempt < LIMIT; attempt++)
      expect(
        (await postFrom('127.0.0.5', gateway.url, await body(500 + attempt))).errors?.[0]?.extensions?.code,
      ).toBe('NOT_FOUND');
    expect((await postFrom('127.0.0.5', gateway.url, await body(510))).errors?.[0]?.extensions?.code).toBe(
      'RATE_LIMITED',
    );
    expect((await postFrom('127.0.0.6', gateway.url, await body(511))).errors?.[0]?.extensions?.code).toBe(
      'NOT_FOUND',
    );
  });

  it('publishes the figures through the gateway without a token', async () => {
    const answer = await postFrom('127.0.0.7', gateway.url, {
      query: `{ publicFigures(provinceCode: "42", fromMonth: "${TO_MONTH}", toMonth: "${TO_MONTH}") { minimumCount cells { suppressed } } }`,
    });
    expect(answer.errors).toBeUndefined();
  });
});
