import { randomBytes, randomUUID } from 'node:crypto';
import { AppError, badInput, conflict, forbidden, notFound, type Session } from '@ansinh/common';
import type { EntityManager } from '@mikro-orm/postgresql';
import { eventBodyOf, type SyncEventBody } from './feed-event.rules.ts';
import { decodeCursor, encodeCursor, isSequence } from './sync-cursor.rule.ts';
import type { SyncMode } from './sync-mode.rule.ts';
import {
  clientKnownInProvince,
  deleteWebhook,
  findChanges,
  findConnectionStatuses,
  findDeliveries,
  findWebhook,
  findWebhooks,
  insertWebhook,
  recordFeedRead,
  replayDeadDeliveries,
  upsertSyncMode,
  type ConnectionStatusRecord,
  type DeliveryRecord,
  type WebhookRecord,
} from './sync.repository.ts';
import { allowHttpHostsOf } from './sync.config.ts';
import { checkWebhookUrl } from './webhook-url.rule.ts';

export const MAX_WEBHOOKS_PER_CLIENT = 5;
export const MAX_CHANGES_PER_PAGE = 1_000;
export const DEFAULT_CHANGES_PER_PAGE = 100;
export const MAX_DELIVERIES_LISTED = 500;
export const MAX_REPLAYED_SEQUENCES = 1_000;
/** A Keycloak client id as a province names its system: letters, digits and `.` `_` `:` `-`, at most 100. */
const CLIENT_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$/;
const PROVINCE_CODE = /^[0-9]{2}$/;

/** The sync client of a province in the realm's convention (the source code of its dossiers too). */
export const provinceSyncClientId = (province: string) => `ansinh-sync-${province}`;

/**
 * The caller's province, for an action on its sync: a role that grants it, a unit in force for a
 * change, and a province-level account (an integration client, the province's administrator).
 */
function callerProvince(session: Session, action: 'sync:read' | 'webhook:write' | 'sync-mode:write'): string {
  session.assert(action);
  const scope = session.scope!;
  if (scope.level !== 'province') {
    throw forbidden(
      'Chỉ hệ thống tích hợp hoặc quản trị viên cấp tỉnh mới dùng được chức năng đồng bộ với hệ thống một cửa của tỉnh.',
    );
  }
  return scope.code;
}

const isAdmin = (session: Session) => session.requirePrincipal().roles.includes('admin');

/** The integration client calling (its own webhooks only), or null for an administrator (any of the province's). */
function ownClientOf(session: Session): string | null {
  if (isAdmin(session)) return null;
  const principal = session.requirePrincipal();
  if (!principal.clientId)
    throw forbidden('Tài khoản tích hợp phải đăng nhập bằng client credentials của hệ thống.');
  return principal.clientId;
}

function pageSize(first: number | null | undefined, field: string, max: number, fallback: number): number {
  if (first == null) return fallback;
  if (!Number.isInteger(first) || first < 1 || first > max)
    throw badInput(field, `Số bản ghi mỗi lần (${field}) phải từ 1 đến ${max.toLocaleString('vi-VN')}.`);
  return first;
}

export type ChangesPage = { events: SyncEventBody[]; endCursor: string | null; hasMore: boolean };

/**
 * A page of the caller's province's feed after `after`. An integration client's read is recorded
 * (its province's connection status shows when its system last read, and how far).
 */
export async function readChanges(
  em: EntityManager,
  session: Session,
  after: string | null | undefined,
  first: number | null | undefined,
): Promise<ChangesPage> {
  const province = callerProvince(session, 'sync:read');
  const limit = pageSize(first, 'first', MAX_CHANGES_PER_PAGE, DEFAULT_CHANGES_PER_PAGE);
  let afterSeq = '0';
  if (after != null) {
    const cursor = decodeCursor(after, province);
    if (!cursor.ok) throw badInput('after', cursor.message);
    afterSeq = cursor.sequence;
  }
  const rows = await findChanges(em, province, afterSeq, limit + 1);
  const page = rows.slice(0, limit);
  const lastSeq = page.at(-1)?.seq ?? afterSeq;
  const principal = session.requirePrincipal();
  if (principal.roles.includes('integration') && principal.clientId) {
    await recordFeedRead(em, province, principal.clientId, lastSeq);
  }
  return {
    events: page.map(eventBodyOf),
    endCursor: page.length || after != null ? encodeCursor(province, lastSeq) : null,
    hasMore: rows.length > limit,
  };
}

export function listWebhooks(em: EntityManager, session: Session): Promise<WebhookRecord[]> {
  const province = callerProvince(session, 'sync:read');
  return findWebhooks(em, province, ownClientOf(session));
}

/** Which client a webhook is registered for: the calling integration client, or the one its administrator names. */
async function clientToRegister(
  em: EntityManager,
  session: Session,
  province: string,
  requested: string | null | undefined,
): Promise<string> {
  const own = ownClientOf(session);
  if (own !== null) {
    if (requested != null && requested !== own)
      throw new AppError('FORBIDDEN', 'Hệ thống tích hợp chỉ đăng ký địa chỉ nhận sự kiện cho chính mình.', {
        field: 'clientId',
      });
    return own;
  }
  if (requested == null || requested === '')
    throw badInput('clientId', 'Hãy ghi mã hệ thống tích hợp (clientId) sẽ nhận sự kiện.');
  if (!CLIENT_ID.test(requested))
    throw badInput(
      'clientId',
      'Mã hệ thống tích hợp (clientId) chỉ gồm chữ, số và các ký tự . _ : -, tối đa 100 ký tự.',
    );
  if (requested !== provinceSyncClientId(province) && !(await clientKnownInProvince(em, province, requested)))
    throw badInput(
      'clientId',
      `Hệ thống tích hợp ${requested} không thuộc tỉnh của bạn (chưa gửi hồ sơ, chưa đọc luồng sự kiện của tỉnh).`,
    );
  return requested;
}

export type WebhookRegistration = { webhook: WebhookRecord; secret: string };

/**
 * Registers an address that receives the province's events: checked (https, no credentials, not
 * inside the network, at most 2,000 characters), at most five per client, one per address. The
 * secret is made here and answered once; the database keeps it where only the deliverer reads it.
 */
export async function registerWebhook(
  em: EntityManager,
  session: Session,
  url: string,
  requestedClient: string | null | undefined,
  env: NodeJS.ProcessEnv,
): Promise<WebhookRegistration> {
  const province = callerProvince(session, 'webhook:write');
  const clientId = await clientToRegister(em, session, province, requestedClient);
  const checked = checkWebhookUrl(url, { allowHttpHosts: allowHttpHostsOf(env) });
  if (!checked.ok) throw badInput('url', checked.message);
  const secret = `whsec_${randomBytes(32).toString('base64url')}`;
  const id = randomUUID();
  const refused = await insertWebhook(
    em,
    { id, clientId, province, url: checked.url, secret, createdBy: session.requirePrincipal().username },
    MAX_WEBHOOKS_PER_CLIENT,
  );
  if (refused === 'duplicate') throw conflict('url', 'Hệ thống này đã đăng ký địa chỉ nhận sự kiện này.');
  if (refused === 'too-many')
    throw conflict(
      'clientId',
      `Mỗi hệ thống tích hợp đăng ký tối đa ${MAX_WEBHOOKS_PER_CLIENT} địa chỉ nhận sự kiện; hãy gỡ bớt địa chỉ cũ.`,
    );
  const webhook = await findWebhook(em, province, id);
  if (!webhook) throw new Error(`webhook ${id} not readable after its registration`);
  return { webhook, secret };
}

export async function removeWebhook(em: EntityManager, session: Session, id: string): Promise<boolean> {
  const province = callerProvince(session, 'webhook:write');
  if (!(await deleteWebhook(em, province, id, ownClientOf(session))))
    throw notFound('Không tìm thấy địa chỉ nhận sự kiện này của hệ thống (hoặc của tỉnh).');
  return true;
}

export type DeliveryState = DeliveryRecord['state'];

export function listDeliveries(
  em: EntityManager,
  session: Session,
  filter: { state: DeliveryState | null; webhookId: string | null; first: number | null | undefined },
): Promise<DeliveryRecord[]> {
  const province = callerProvince(session, 'sync:read');
  const limit = pageSize(filter.first, 'first', MAX_DELIVERIES_LISTED, DEFAULT_CHANGES_PER_PAGE);
  return findDeliveries(em, {
    province,
    clientId: ownClientOf(session),
    webhookId: filter.webhookId,
    state: filter.state,
    limit,
  });
}

/** Sends a webhook's dead letters again (those of `sequences`, or all); answers how many. */
export async function replayDeadLetters(
  em: EntityManager,
  session: Session,
  webhookId: string,
  sequences: readonly string[] | null | undefined,
): Promise<number> {
  const province = callerProvince(session, 'webhook:write');
  if (sequences != null) {
    if (sequences.length === 0 || sequences.length > MAX_REPLAYED_SEQUENCES)
      throw badInput(
        'sequences',
        `Hãy chọn từ 1 đến ${MAX_REPLAYED_SEQUENCES.toLocaleString('vi-VN')} sự kiện để gửi lại (hoặc bỏ trống để gửi lại tất cả).`,
      );
    const bad = sequences.findIndex((sequence) => !isSequence(sequence));
    if (bad >= 0) throw badInput(`sequences.${bad}`, 'Số thứ tự sự kiện (sequence) phải là số nguyên dương.');
  }
  const webhook = await findWebhook(em, province, webhookId);
  const own = ownClientOf(session);
  if (!webhook || (own !== null && webhook.clientId !== own))
    throw notFound('Không tìm thấy địa chỉ nhận sự kiện này của hệ thống (hoặc của tỉnh).');
  if (!webhook.active)
    throw conflict(
      'webhookId',
      'Địa chỉ nhận sự kiện này đã ngừng (bên nhận trả 410 Gone): hãy đăng ký lại địa chỉ trước khi gửi lại.',
    );
  return replayDeadDeliveries(em, webhookId, sequences ? [...new Set(sequences)] : null);
}

/** The caller's province's status, or (the ministry) any province's. */
export async function connectionStatusOf(
  em: EntityManager,
  session: Session,
  provinceCode: string | null | undefined,
): Promise<ConnectionStatusRecord> {
  session.requirePrincipal();
  let province: string;
  if (provinceCode != null && !PROVINCE_CODE.test(provinceCode))
    throw badInput('provinceCode', 'Mã tỉnh gồm 2 chữ số.');
  if (session.isNational) {
    session.assertUnscoped('national-sync:read');
    if (provinceCode == null) throw badInput('provinceCode', 'Hãy chọn tỉnh (provinceCode) cần xem.');
    province = provinceCode;
  } else {
    province = callerProvince(session, 'sync:read');
    if (provinceCode != null && provinceCode !== province)
      throw new AppError('FORBIDDEN', 'Bạn chỉ xem được tình trạng đồng bộ của tỉnh mình.', {
        field: 'provinceCode',
      });
  }
  const [status] = await findConnectionStatuses(em, [province]);
  if (!status) throw notFound(`Không có tỉnh/thành phố mã ${province} đang hoạt động.`);
  return status;
}

/** Every province's status: the ministry's national table. */
export function connectionStatuses(em: EntityManager, session: Session): Promise<ConnectionStatusRecord[]> {
  session.assertUnscoped('national-sync:read');
  return findConnectionStatuses(em, null);
}

/** Sets the caller's province's mode (its administrator); answers its status. */
export async function setSyncMode(
  em: EntityManager,
  session: Session,
  provinceCode: string,
  mode: SyncMode,
): Promise<ConnectionStatusRecord> {
  const province = callerProvince(session, 'sync-mode:write');
  if (!PROVINCE_CODE.test(provinceCode)) throw badInput('provinceCode', 'Mã tỉnh gồm 2 chữ số.');
  if (provinceCode !== province)
    throw new AppError('FORBIDDEN', 'Quản trị viên chỉ đặt chế độ đồng bộ của tỉnh mình.', {
      field: 'provinceCode',
    });
  await upsertSyncMode(em, province, mode, session.requirePrincipal().username);
  const [status] = await findConnectionStatuses(em, [province]);
  if (!status) throw notFound(`Không có tỉnh/thành phố mã ${province} đang hoạt động.`);
  return status;
}
