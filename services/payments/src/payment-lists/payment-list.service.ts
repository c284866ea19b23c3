import {
  badInput,
  conflict,
  forbidden,
  inRequestTransaction,
  notFound,
  TODAY_IN_VIETNAM_SQL,
  type Action,
  type Session,
} from '@ansinh/common';
import type { EntityManager } from '@mikro-orm/postgresql';
import type pg from 'pg';
import { closeLists, refreshHolds, storeControlTotals } from './payment-list.generation.ts';
import { PAYMENT_LIST_STATE_NAMES, type PaymentListStateValue } from './payment-list.entity.ts';
import {
  adjustedAmount,
  controlTotalsDiffer,
  reasonText,
  type ControlTotalsRow,
} from './payment-list.rules.ts';
import type { PaymentChannelValue } from '../payment-lines/payment-line.entity.ts';

const LIST_NOT_FOUND = 'Không tìm thấy danh sách chi trả này (hoặc danh sách không thuộc đơn vị của bạn).';
const LINE_NOT_FOUND = 'Không tìm thấy dòng chi trả này (hoặc dòng không thuộc đơn vị của bạn).';

type LockedList = ControlTotalsRow & {
  id: string;
  state: PaymentListStateValue;
  unit_path: string;
  unit_in_force: boolean;
};

/** The list, locked for the change, refused unless the caller may change its commune's records. */
async function lockList(
  client: pg.ClientBase,
  session: Session,
  action: Action,
  listId: string,
): Promise<LockedList> {
  const {
    rows: [list],
  } = await client.query<LockedList>(
    `select p.id, p.state, p.line_count, p.person_count, p.total_amount, p.held_count, p.held_amount, p.channel_totals,
            u.path::text as unit_path, (u.valid_to is null or u.valid_to >= ${TODAY_IN_VIETNAM_SQL}) as unit_in_force
       from payments.payment_lists p join registry.v_units u on u.id = p.unit_id
      where p.id = $1 for update of p`,
    [listId],
  );
  if (!list) throw notFound(LIST_NOT_FOUND);
  session.assert(action);
  if (!session.coversForWrite(list.unit_path) || !list.unit_in_force) {
    throw forbidden('Danh sách chi trả này không thuộc đơn vị đang hoạt động mà bạn quản lý.');
  }
  return list;
}

/** The control totals stored at the list's making agree with its lines, else nobody may go on. */
async function checkControlTotals(client: pg.ClientBase, list: LockedList): Promise<void> {
  const {
    rows: [recomputed],
  } = await client.query<ControlTotalsRow>('select * from payments.control_totals(array[$1]::uuid[])', [
    list.id,
  ]);
  const differences = controlTotalsDiffer(list, recomputed!);
  if (differences.length) {
    throw conflict(
      'id',
      `Tổng kiểm soát của danh sách không khớp với các dòng chi trả (${differences.join('; ')}): dữ liệu đã bị thay đổi ngoài quy trình, cần kiểm tra trước khi tiếp tục.`,
      { differences },
    );
  }
}

function actorOf(session: Session) {
  const principal = session.requirePrincipal();
  return { id: principal.subject, name: principal.username };
}

/**
 * Phê duyệt: the approver locks a draft list. Its control totals are checked against its lines, then
 * the one-policy and duplicate checks run again (a line of a person with an open conflict or duplicate
 * warning is held, with the reason) and the totals are stored as approved.
 */
export async function approveList(em: EntityManager, session: Session, listId: string): Promise<void> {
  const actor = actorOf(session);
  await inRequestTransaction(em, async (client) => {
    const list = await lockList(client, session, 'payment-list:approve', listId);
    if (list.state !== 'draft') {
      throw conflict(
        'id',
        `Danh sách đã ${PAYMENT_LIST_STATE_NAMES[list.state]}: chỉ phê duyệt được danh sách đang lập.`,
        {
          state: list.state,
        },
      );
    }
    await checkControlTotals(client, list);
    await refreshHolds(client, [list.id]);
    await storeControlTotals(client, [list.id]);
    await client.query(
      `update payments.payment_lists set state = 'approved', approved_at = now(), approved_by_id = $2, approved_by_name = $3 where id = $1`,
      [list.id, actor.id, actor.name],
    );
  });
}

/**
 * Closes a list being paid: the control totals are checked again; lines not paid by now become
 * unpaid (chưa nhận) and, with held, unreachable and returned lines, release their months, which the
 * next list carries over.
 */
export async function closeList(em: EntityManager, session: Session, listId: string): Promise<void> {
  const actor = actorOf(session);
  await inRequestTransaction(em, async (client) => {
    const list = await lockList(client, session, 'payment-list:write', listId);
    if (list.state !== 'approved' && list.state !== 'paying') {
      throw conflict(
        'id',
        `Danh sách ${PAYMENT_LIST_STATE_NAMES[list.state]}: chỉ đóng được danh sách đã phê duyệt hoặc đang chi trả.`,
        {
          state: list.state,
        },
      );
    }
    await checkControlTotals(client, list);
    await closeLists(client, [list.id], actor);
  });
}

type LockedLine = {
  id: string;
  list_id: string;
  person_id: string;
  status: string;
  version: number;
  amount: string;
  channel: PaymentChannelValue;
  account_id: string | null;
  channel_reason: string | null;
  hold_reason: string | null;
  updated_by_name: string | null;
  updated_at: Date | string | null;
};

async function lockLine(client: pg.ClientBase, lineId: string): Promise<LockedLine> {
  const {
    rows: [line],
  } = await client.query<LockedLine>(
    `select id, list_id, person_id, status, version, amount, channel, account_id, channel_reason, hold_reason, updated_by_name, updated_at
       from payments.payment_lines where id = $1 for update`,
    [lineId],
  );
  if (!line) throw notFound(LINE_NOT_FOUND);
  return line;
}

/** Someone changed the line since the caller read it: nothing is changed, the current state is told. */
function checkVersion(line: LockedLine, expectedVersion: number): void {
  if (line.version !== expectedVersion) {
    throw conflict(
      'expectedVersion',
      `Dòng chi trả đã được ${line.updated_by_name ?? 'người khác'} thay đổi (phiên bản ${line.version}); hãy xem lại trước khi sửa.`,
      {
        lineId: line.id,
        version: line.version,
        status: line.status.toUpperCase(),
        updatedBy: line.updated_by_name,
        updatedAt: line.updated_at ? new Date(line.updated_at).toISOString() : null,
      },
    );
  }
}

/** Records an adjustment of a locked list and lets the lines trigger accept this transaction's change of it. */
async function recordAdjustment(
  client: pg.ClientBase,
  session: Session,
  adjustment: {
    listId: string;
    lineId: string;
    kind: 'amount' | 'channel' | 'hold' | 'release';
    reason: string;
    before: object;
    after: object;
  },
): Promise<void> {
  const actor = actorOf(session);
  const {
    rows: [row],
  } = await client.query<{ id: string }>(
    `insert into payments.list_adjustments (list_id, line_id, unit_id, kind, reason, before, after, recorded_by_id, recorded_by_name)
     select $1, $2, p.unit_id, $3, $4, $5, $6, $7, $8 from payments.payment_lists p where p.id = $1 returning id`,
    [
      adjustment.listId,
      adjustment.lineId,
      adjustment.kind,
      adjustment.reason,
      adjustment.before,
      adjustment.after,
      actor.id,
      actor.name,
    ],
  );
  await client.query(`select set_config('payments.adjustment', $1, true)`, [row!.id]);
}

async function endAdjustment(client: pg.ClientBase, listId: string): Promise<void> {
  await storeControlTotals(client, [listId]);
  await client.query(`select set_config('payments.adjustment', '', true)`);
}

export type LineAdjustment = {
  lineId: string;
  expectedVersion: number;
  kind: 'amount' | 'hold' | 'release';
  amount?: number | null | undefined;
  reason: string;
};

/** Điều chỉnh: a change to a line of a locked list, recorded with its reason; the control totals follow. */
export async function adjustLine(em: EntityManager, session: Session, input: LineAdjustment): Promise<void> {
  session.assert('payment-list:write');
  const actor = actorOf(session);
  await inRequestTransaction(em, async (client) => {
    // Scope first (a line the caller cannot see is NOT_FOUND, whatever else is wrong), then the input.
    const line = await lockLine(client, input.lineId);
    const list = await lockList(client, session, 'payment-list:write', line.list_id);
    const reason = reasonText(input.reason);
    const amount = input.kind === 'amount' ? adjustedAmount(input.amount) : undefined;
    if (list.state === 'draft') {
      throw badInput('lineId', 'Danh sách còn đang lập: hãy lập lại danh sách thay vì điều chỉnh từng dòng.');
    }
    if (list.state === 'closed')
      throw conflict('lineId', 'Danh sách đã đóng: không điều chỉnh được nữa.', { state: list.state });
    checkVersion(line, input.expectedVersion);
    let change: { set: string; params: unknown[]; before: object; after: object };
    if (input.kind === 'amount') {
      if (line.status === 'paid') throw badInput('lineId', 'Dòng chi trả đã chi: không sửa được số tiền.');
      change = {
        set: 'amount = $2',
        params: [amount],
        before: { amount: Number(line.amount) },
        after: { amount },
      };
    } else if (input.kind === 'hold') {
      if (line.status !== 'pending' && line.status !== 'unpaid') {
        throw badInput('lineId', 'Chỉ tạm giữ được dòng chưa chi.');
      }
      change = {
        set: `status = 'held', hold_reason = $2`,
        params: [reason],
        before: { status: line.status },
        after: { status: 'held', holdReason: reason },
      };
    } else {
      if (line.status !== 'held') throw badInput('lineId', 'Dòng chi trả không bị tạm giữ.');
      change = {
        set: `status = 'pending', hold_reason = null`,
        params: [],
        before: { status: 'held', holdReason: line.hold_reason },
        after: { status: 'pending' },
      };
    }
    await recordAdjustment(client, session, {
      listId: list.id,
      lineId: line.id,
      kind: input.kind,
      reason,
      before: change.before,
      after: change.after,
    });
    const next = change.params.length + 2;
    await client.query(
      `update payments.payment_lines set ${change.set}, version = version + 1, updated_at = now(), updated_by_id = $${next}, updated_by_name = $${next + 1} where id = $1`,
      [line.id, ...change.params, actor.id, actor.name],
    );
    await endAdjustment(client, list.id);
  });
}

export type ChannelChange = {
  lineId: string;
  expectedVersion: number;
  channel: PaymentChannelValue;
  accountId?: string | null | undefined;
  reason: string;
};

/** Which account kind each channel pays to (cash, post and VNeID need none of the registry's accounts). */
const ACCOUNT_KIND: Partial<Record<PaymentChannelValue, string>> = {
  bank: 'bank',
  e_wallet: 'e_wallet',
  mobile_money: 'mobile_money',
};

/**
 * Pays a line by another channel or account than the person's default, with a reason: on a draft, the
 * line keeps the choice when the list is made again; on a locked list, as a recorded adjustment.
 */
export async function changeChannel(
  em: EntityManager,
  session: Session,
  input: ChannelChange,
): Promise<void> {
  session.assert('payment:write');
  const actor = actorOf(session);
  await inRequestTransaction(em, async (client) => {
    const line = await lockLine(client, input.lineId);
    const list = await lockList(client, session, 'payment:write', line.list_id);
    const reason = reasonText(input.reason);
    const accountKind = ACCOUNT_KIND[input.channel];
    if (!accountKind && input.accountId) {
      throw badInput('accountId', 'Hình thức chi trả này không dùng tài khoản: bỏ trống tài khoản.');
    }
    if (accountKind && !input.accountId)
      throw badInput('accountId', 'Cần chọn tài khoản nhận tiền của đối tượng.');
    if (list.state === 'closed')
      throw conflict('lineId', 'Danh sách đã đóng: không đổi được hình thức chi trả.', { state: list.state });
    checkVersion(line, input.expectedVersion);
    if (line.status === 'paid')
      throw badInput('lineId', 'Dòng chi trả đã chi: không đổi được hình thức chi trả.');
    if (accountKind) {
      const { rows } = await client.query(
        'select 1 from registry.v_payment_accounts where account_id = $1 and person_id = $2 and kind = $3',
        [input.accountId, line.person_id, accountKind],
      );
      if (!rows.length) {
        throw badInput(
          'accountId',
          'Tài khoản này không phải của đối tượng, hoặc không đúng loại với hình thức chi trả đã chọn.',
        );
      }
    }
    if (list.state !== 'draft') {
      await recordAdjustment(client, session, {
        listId: list.id,
        lineId: line.id,
        kind: 'channel',
        reason,
        before: { channel: line.channel, accountId: line.account_id },
        after: { channel: input.channel, accountId: input.accountId ?? null },
      });
    }
    await client.query(
      `update payments.payment_lines set channel = $2, account_id = $3, channel_reason = $4, version = version + 1,
              updated_at = now(), updated_by_id = $5, updated_by_name = $6 where id = $1`,
      [line.id, input.channel, input.accountId ?? null, reason, actor.id, actor.name],
    );
    if (list.state !== 'draft') await endAdjustment(client, list.id);
    else await storeControlTotals(client, [list.id]);
  });
}
