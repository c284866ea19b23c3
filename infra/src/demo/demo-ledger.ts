import { randomUUID } from 'node:crypto';
import { addMonths } from '@ansinh/common';
import type pg from 'pg';

/** What the demo's ledger shows besides the pre-reform grants: one of each kind of decision of today's era. */
export type DemoLedger = {
  decisions: number;
  /** Entitlement ids of the scenes, for tests and the start-up notes. */
  relocated: string | null;
  deceased: string | null;
  conflict: string | null;
};

type Beneficiary = {
  entitlementId: string;
  personId: string;
  unitId: string;
  categoryId: string;
  policyGroup: string;
};

/** Active beneficiaries of a current commune (after the reform carry-over), in a stable order. */
async function beneficiariesOf(
  client: pg.Client,
  communeCode: string,
  count: number,
): Promise<Beneficiary[]> {
  const { rows } = await client.query<Beneficiary>(
    `select e.id as "entitlementId", e.person_id as "personId", e.unit_id as "unitId", e.category_id as "categoryId", e.policy_group as "policyGroup"
       from approvals.entitlements e
       join registry.administrative_units u on u.id = e.unit_id
       join registry.persons p on p.id = e.person_id
      where u.code = $1 and u.valid_to is null and e.status = 'active' and p.status = 'living'
        and e.policy_group in ('5.5.a', '5.5.d', '5.2', '5.1')
      order by e.decision_number, e.id
      limit $2`,
    [communeCode, count],
  );
  return rows;
}

async function currentCommuneId(client: pg.Client, code: string): Promise<string> {
  const { rows } = await client.query<{ id: string }>(
    `select id from registry.administrative_units where code = $1 and level = 'commune' and valid_to is null and valid_from is not null`,
    [code],
  );
  return rows[0]!.id;
}

type DecisionRow = {
  entitlementId: string;
  personId: string;
  kind: 'grant' | 'change' | 'suspend' | 'resume' | 'relocate-out' | 'relocate-in' | 'stop' | 'one-off';
  number: string;
  decidedOn: string;
  signingUnitId: string;
  effectiveMonth: string;
  categoryId: string;
  reason?: string;
  overrideReason?: string;
};

const SIGNER = 'Chủ tịch UBND xã (bản demo)';

async function decide(client: pg.Client, row: DecisionRow): Promise<void> {
  await client.query(
    `insert into approvals.decisions (entitlement_id, person_id, kind, number, decided_on, signing_unit_id, signer_name, effective_month, category_id,
                                      coefficient_hundredths, member_count, reason, override_reason, recorded_by_id, recorded_by_name)
     select $1, $2, $3, $4, $5::date, $6, $7, $8, $9, e.coefficient_hundredths, e.member_count, $10, $11, 'demo', 'demo'
       from approvals.entitlements e where e.id = $1`,
    [
      row.entitlementId,
      row.personId,
      row.kind,
      row.number,
      row.decidedOn,
      row.signingUnitId,
      SIGNER,
      row.effectiveMonth,
      row.categoryId,
      row.reason ?? null,
      row.overrideReason ?? null,
    ],
  );
}

async function newEntitlement(
  client: pg.Client,
  row: {
    personId: string;
    unitId: string;
    categoryCode: string;
    startMonth: string;
    endMonth?: string;
    number: string;
    decidedOn: string;
    relocatedFrom?: string;
  },
): Promise<{ id: string; categoryId: string }> {
  const id = randomUUID();
  const { rows } = await client.query<{ category_id: string }>(
    `insert into approvals.entitlements (id, person_id, unit_id, category_id, policy_group, coefficient_hundredths, start_month, end_month,
                                         decision_number, decision_date, status, relocated_from_id, created_at)
     select $1, $2, $3, c.id, c.code, null, $5, $6, $7, $8::date, 'active', $9, now()
       from approvals.categories c where c.program_id = 'decree-20' and c.code = $4
     returning category_id`,
    [
      id,
      row.personId,
      row.unitId,
      row.categoryCode,
      row.startMonth,
      row.endMonth ?? null,
      row.number,
      row.decidedOn,
      row.relocatedFrom ?? null,
    ],
  );
  return { id, categoryId: rows[0]!.category_id };
}

/**
 * Decisions of today's era on the demo's current communes, as each commune chairman signs them since
 * 1 July 2025 (the pre-reform grants were the district chairmen's): a relocation from Xã Đức Thọ to
 * Xã Đức Quang, a death in Phường Thành Sen stopped from the month after with funeral support, a death
 * in Phường Hà Huy Tập recorded in the registry and not yet decided (a stop proposal), a suspension, a
 * live one-person-one-policy conflict and one overridden with a reason. Dates follow the demo's
 * current month. Runs in the caller's transaction, as the owner (seed data).
 */
export async function seedDemoLedger(client: pg.Client, currentMonth: string): Promise<DemoLedger> {
  const lastMonth = addMonths(currentMonth, -1);
  const decidedOn = `${lastMonth}-20`;
  let decisions = 0;
  const thanhSen = await currentCommuneId(client, '18073');
  const ducQuang = await currentCommuneId(client, '18262');

  // A relocation: moved from Đức Thọ to Đức Quang on the 10th of last month.
  let relocated: string | null = null;
  const [mover] = await beneficiariesOf(client, '18229', 1);
  if (mover) {
    await client.query(`update registry.persons set residence_unit_id = $1 where id = $2`, [
      ducQuang,
      mover.personId,
    ]);
    await decide(client, {
      ...mover,
      kind: 'relocate-out',
      number: '41/QĐ-UBND',
      decidedOn,
      signingUnitId: ducQuang,
      effectiveMonth: currentMonth,
      reason: 'Chuyển nơi cư trú đến Xã Đức Quang',
    });
    await client.query(`update approvals.entitlements set status = 'stopped', end_month = $2 where id = $1`, [
      mover.entitlementId,
      lastMonth,
    ]);
    const continued = await newEntitlement(client, {
      personId: mover.personId,
      unitId: ducQuang,
      categoryCode: mover.policyGroup,
      startMonth: currentMonth,
      number: '41/QĐ-UBND',
      decidedOn,
      relocatedFrom: mover.entitlementId,
    });
    await decide(client, {
      entitlementId: continued.id,
      personId: mover.personId,
      kind: 'relocate-in',
      number: '41/QĐ-UBND',
      decidedOn,
      signingUnitId: ducQuang,
      effectiveMonth: currentMonth,
      categoryId: continued.categoryId,
      reason: 'Chuyển đến từ Xã Đức Thọ',
    });
    relocated = continued.id;
    decisions += 2;
  }

  // Deaths: one decided (stop from the month after, funeral support), one awaiting its decision.
  let deceased: string | null = null;
  const [died, suspended, doubled, overridden] = await beneficiariesOf(client, '18073', 4);
  if (died) {
    await client.query(
      `update registry.persons set status = 'deceased', status_date = $2::date where id = $1`,
      [died.personId, `${addMonths(currentMonth, -2)}-14`],
    );
    await decide(client, {
      ...died,
      kind: 'stop',
      number: '52/QĐ-UBND',
      decidedOn,
      signingUnitId: thanhSen,
      effectiveMonth: lastMonth,
      reason: 'Đối tượng mất',
    });
    await client.query(`update approvals.entitlements set status = 'stopped', end_month = $2 where id = $1`, [
      died.entitlementId,
      addMonths(currentMonth, -2),
    ]);
    const funeral = await newEntitlement(client, {
      personId: died.personId,
      unitId: thanhSen,
      categoryCode: 'mai-tang',
      startMonth: lastMonth,
      endMonth: lastMonth,
      number: '53/QĐ-UBND',
      decidedOn,
    });
    await decide(client, {
      entitlementId: funeral.id,
      personId: died.personId,
      kind: 'one-off',
      number: '53/QĐ-UBND',
      decidedOn,
      signingUnitId: thanhSen,
      effectiveMonth: lastMonth,
      categoryId: funeral.categoryId,
      reason: 'Hỗ trợ chi phí mai táng',
    });
    deceased = died.entitlementId;
    decisions += 2;
  }
  const [undecided] = await beneficiariesOf(client, '18652', 1);
  if (undecided) {
    await client.query(
      `update registry.persons set status = 'deceased', status_date = $2::date where id = $1`,
      [undecided.personId, `${lastMonth}-03`],
    );
  }

  if (suspended) {
    await decide(client, {
      ...suspended,
      kind: 'suspend',
      number: '54/QĐ-UBND',
      decidedOn,
      signingUnitId: thanhSen,
      effectiveMonth: currentMonth,
      reason: 'Không nhận trợ cấp 3 tháng liên tục',
    });
    await client.query(`update approvals.entitlements set status = 'suspended' where id = $1`, [
      suspended.entitlementId,
    ]);
    decisions += 1;
  }

  // One person, one policy: a second monthly allowance granted to a beneficiary (a live conflict),
  // and another granted despite the rule, with the approver's reason.
  let conflict: string | null = null;
  for (const [holder, number, overrideReason] of [
    [doubled, '55/QĐ-UBND', undefined],
    [overridden, '56/QĐ-UBND', 'Chờ kết quả xác định lại mức độ khuyết tật; giữ cả hai đến tháng sau.'],
  ] as const) {
    if (!holder) continue;
    const second = await newEntitlement(client, {
      personId: holder.personId,
      unitId: thanhSen,
      categoryCode: '5.6.b',
      startMonth: currentMonth,
      number,
      decidedOn,
    });
    await decide(client, {
      entitlementId: second.id,
      personId: holder.personId,
      kind: 'grant',
      number,
      decidedOn,
      signingUnitId: thanhSen,
      effectiveMonth: currentMonth,
      categoryId: second.categoryId,
      ...(overrideReason ? { overrideReason } : {}),
    });
    conflict ??= second.id;
    decisions += 1;
  }
  return { decisions, relocated, deceased, conflict };
}
