import { Readable } from 'node:stream';
import type pg from 'pg';
import { ACTOR_SETTINGS, SCOPE_SETTING } from '@ansinh/common';
import { importR42ListInTransaction, type R42ImportResult } from './r42-import.service.ts';

type DemoList = {
  categoryCode: string;
  decisionNumber: string;
  decisionDate: string;
  /** CSV rows below the header `Họ và tên;Ngày sinh;Số CCCD/Số định danh;Số tháng`. */
  rows: string[];
};

/**
 * A commune's Resolution 42 lists of four groups, as the commune's officer would have kept them in
 * 2020: Trần Thị Hoa is on three (social protection, poor household member, lost job: the lost job's
 * 2 × 1,000,000 is the highest, the other two are flagged); Lê Văn Bình on two (social protection and
 * a household business, by CCCD); Phạm Thị Cúc on two without a CCCD, matched by name, birth date
 * and commune (social protection pays, the poor-member row is flagged).
 */
const DEMO_LISTS: readonly DemoList[] = [
  {
    categoryCode: 'r42-social-protection',
    decisionNumber: '112/QĐ-UBND',
    decisionDate: '2020-05-06',
    rows: [
      'Trần Thị Hoa;12/03/1958;042158001201;3',
      'Lê Văn Bình;1949;042049001202;3',
      'Phạm Thị Cúc;05/11/1940;;3',
      'Nguyễn Văn Đức;20/07/1945;042045001204;3',
    ],
  },
  {
    categoryCode: 'r42-poor-member',
    decisionNumber: '118/QĐ-UBND',
    decisionDate: '2020-05-12',
    rows: [
      'Trần Thị Hoa;12/03/1958;042158001201;3',
      'Phạm Thị Cúc;05/11/1940;;3',
      'Hoàng Văn Em;02/02/2012;;3',
      'Hoàng Thị Giang;14/09/1985;042185001208;3',
    ],
  },
  {
    categoryCode: 'r42-lost-job',
    decisionNumber: '131/QĐ-UBND',
    decisionDate: '2020-06-02',
    rows: ['Trần Thị Hoa;12/03/1958;042158001201;2', 'Võ Văn Hùng;30/12/1990;042090001209;3'],
  },
  {
    categoryCode: 'r42-household-business',
    decisionNumber: '135/QĐ-UBND',
    decisionDate: '2020-06-10',
    rows: ['Lê Văn Bình;1949;042049001202;1', 'Đặng Thị Lan;08/08/1975;042175001210;3'],
  },
];

const HEADER = 'Họ và tên;Ngày sinh;Số CCCD/Số định danh;Số tháng';

export type DemoResolution42Summary = { lists: number; rows: number; flagged: number };

/**
 * Demo Resolution 42 lists of a commune in force (default 18073 Phường Thành Sen), imported through
 * the real import (CSV reading, checks, matching, one support per person) on `client`, which must be
 * the database owner's connection inside the caller's transaction. Idempotent: a second run changes
 * nothing. The session's scope and actor are set for the transaction (the province, `demo`) and put
 * back afterwards.
 */
export async function seedDemoResolution42(
  client: pg.ClientBase,
  options: { communeCode?: string } = {},
): Promise<DemoResolution42Summary> {
  const communeCode = options.communeCode ?? '18073';
  const { rows: units } = await client.query<{ province_path: string }>(
    `select p.path::text as province_path
       from registry.v_units c join registry.v_units p on p.path = subpath(c.path, 0, 1)
      where c.code = $1 and c.level = 'commune' and c.valid_to is null`,
    [communeCode],
  );
  const provincePath = units[0]?.province_path;
  if (!provincePath) throw new Error(`Resolution 42 demo: no commune ${communeCode} in force`);
  const settings = [SCOPE_SETTING, ACTOR_SETTINGS.id, ACTOR_SETTINGS.name, ACTOR_SETTINGS.unit];
  const { rows: former } = await client.query<{ values: (string | null)[] }>(
    `select array[${settings.map((_, i) => `current_setting($${i + 1}, true)`).join(', ')}] as values`,
    settings,
  );
  const setAll = (values: readonly (string | null)[]) =>
    client.query(
      `select ${settings.map((_, i) => `set_config($${2 * i + 1}, $${2 * i + 2}, true)`).join(', ')}`,
      settings.flatMap((name, i) => [name, values[i] ?? '']),
    );
  await setAll([provincePath, 'demo', 'demo', provincePath.split('_')[0] ?? '']);
  try {
    let rows = 0;
    let flagged = 0;
    const results: R42ImportResult[] = [];
    for (const list of DEMO_LISTS) {
      const result = await importR42ListInTransaction(client, {
        file: Readable.from([`${HEADER}\n${list.rows.join('\n')}\n`]),
        fileName: `nq42-${list.categoryCode}.csv`,
        fileId: null,
        categoryCode: list.categoryCode,
        unitCode: communeCode,
        decisionNumber: list.decisionNumber,
        decisionDate: list.decisionDate,
        importedBy: { id: 'demo', name: 'demo' },
      });
      results.push(result);
      rows += result.accepted;
    }
    const { rows: counts } = await client.query<{ flagged: number }>(
      `select count(*)::int as flagged from approvals.r42_list_rows where list_id = any($1::uuid[]) and outcome = 'flagged'`,
      [results.map((result) => result.listId)],
    );
    flagged = counts[0]?.flagged ?? 0;
    return { lists: results.length, rows, flagged };
  } finally {
    await setAll(former[0]?.values ?? []);
  }
}
