import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { createTestDatabase, type TestDatabase } from '@ansinh/common/testing';
import { currentMonth } from '@ansinh/common';
import { sqlRows } from '@ansinh/tests/support';

/**
 * The money rule in SQL (approvals.standard_level_for, approvals.monthly_amount), called from
 * TypeScript on a migrated database: the national levels of the migrations (360,000 from 2021-07,
 * 500,000 from 2024-07) and, added here, a province 79 that pays more from 2025-01 until the
 * national level passes it, and a made-up province 99 whose level makes halves of a đồng.
 */
let database: TestDatabase;

const sql = (text: string, params: unknown[] = []) => sqlRows(database.url, text, params);

async function levelFor(province: string | null, month: string): Promise<number | null> {
  const [row] = await sql('select approvals.standard_level_for($1, $2) as level', [province, month]);
  return row!.level === null ? null : Number(row!.level);
}

async function amountFor(province: string | null, month: string, coefficientHundredths: number) {
  const [row] = await sql(
    'select approvals.monthly_amount(l.amount, $3) as amount from approvals.standard_level_for($1, $2) l(amount)',
    [province, month, coefficientHundredths],
  );
  return row!.amount === null ? null : Number(row!.amount);
}

beforeAll(async () => {
  database = await createTestDatabase();
  await sql(
    `insert into approvals.standard_levels (valid_from_month, province_code, amount, legal_basis) values
       ('2025-01', '79', 600000, 'Nghị quyết HĐND tỉnh'), ('2026-07', null, 640000, 'giả định'),
       ('2025-01', '99', 333333, 'giả định')`,
  );
});

afterAll(() => database?.drop());

describe('approvals.standard_level_for', () => {
  it('uses the national level in force in the month asked for', async () => {
    expect(await levelFor('42', '2024-06')).toBe(360_000);
    expect(await levelFor('42', '2024-07')).toBe(500_000);
    expect(await levelFor(null, '2024-07')).toBe(500_000);
  });

  it("pays a province's own level while it is higher than the national one, never less", async () => {
    expect(await levelFor('79', '2024-12')).toBe(500_000);
    expect(await levelFor('79', '2025-01')).toBe(600_000);
    expect(await levelFor('79', '2026-06')).toBe(600_000);
    expect(await levelFor('79', '2026-07')).toBe(640_000); // the national level passed it
    expect(await levelFor('99', '2025-01')).toBe(500_000); // lower than national: national
  });

  it('has no level before the first one, nor for a year alone or anything else that is not a month', async () => {
    expect(await levelFor('42', '2021-06')).toBeNull();
    expect(await amountFor('42', '2021-06', 150)).toBeNull();
    for (const notAMonth of ['2024', '2024-13', '2024-7', '24-07', '', '2024-07-01']) {
      expect(await levelFor('42', notAMonth)).toBeNull();
    }
  });
});

describe('approvals.monthly_amount', () => {
  it('multiplies the level by the coefficient in whole đồng, a half rounded up', async () => {
    expect(await amountFor('42', '2024-07', 150)).toBe(750_000);
    expect(await amountFor('42', '2024-06', 150)).toBe(540_000);
    expect(await amountFor('79', '2025-01', 250)).toBe(1_500_000);
    // 333,333 × 1.5 = 499,999.5 and × 2.5 = 833,332.5: the level is 99's own only where higher, so ask the arithmetic directly.
    const [row] = await sql(
      'select approvals.monthly_amount(333333, 150) as a, approvals.monthly_amount(333333, 250) as b, approvals.monthly_amount(333333, 50) as c, approvals.monthly_amount(null, 150) as d',
    );
    expect(row).toEqual({ a: '500000', b: '833333', c: '166667', d: null });
  });

  it('is the amount of the published view', async () => {
    // A commune of province 79 (made up here), with an entitlement active this month.
    const communeId = randomUUID();
    await sql(
      `insert into registry.administrative_units (id, code, name, full_name, level, kind, parent_code, path) values
         ($1, '79', 'TP HCM', 'Thành phố Hồ Chí Minh', 'province', 'city', null, '79'),
         ($2, '26734', 'Bến Nghé', 'Phường Bến Nghé', 'commune', 'ward', '79', '79.26734')`,
      [randomUUID(), communeId],
    );
    await sql('select registry.refresh_unit_lineage()');
    await sql(
      `insert into approvals.entitlements (id, person_id, unit_id, policy_group, coefficient_hundredths, start_month, decision_number, decision_date, status, created_at)
       values ($1, $2, $3, '5.5.a', 150, '2024-01', '1/QĐ', '2024-01-05', 'active', now())`,
      [randomUUID(), randomUUID(), communeId],
    );
    const month = currentMonth();
    const [viewed] = await sql(
      // The view's scope filter reads the setting: set it first (the subquery depends on the row that sets it).
      `with scope as materialized (select set_config('ansinh.scope_path', '79', false) as path)
       select (select monthly_amount from approvals.v_active_entitlements where unit_code = '26734' and scope.path = '79') as amount from scope`,
    );
    expect(Number(viewed!.amount)).toBe(await amountFor('79', month, 150));
  });
});
