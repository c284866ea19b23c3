import { createHash } from 'node:crypto';
import {
  checkIdentifier,
  cleanText,
  displayDate,
  displayMonth,
  todayInVietnam,
  UUID_FORMAT,
  type ErrorCode,
  type TextRule,
} from '@ansinh/common';
import {
  PAYMENT_LIST_STATE_NAMES,
  type PaymentListStateValue,
} from '../payment-lists/payment-list.entity.ts';

/**
 * Rules of the daily payment updates (cập nhật chi trả hằng ngày), without GraphQL or the database:
 * the 17:30 cut-off, the checks of each update as entered and against its line, the request hash of a
 * retried mutation. The clock is always a parameter (`now`), so that tests can set it.
 */

/** A calendar day, `YYYY-MM-DD` (Asia/Ho_Chi_Minh). */
export type Day = string;

/** At most this many lines per mutation (500 is the bulk case officials need; a list larger than that is sent in parts). */
export const MAX_UPDATES = 1000;

/** Vietnam keeps +07:00 all year (no daylight saving time). */
const VIETNAM_OFFSET = '+07:00';
/** The day's updates are due by 17:30 local time. */
export const CUT_OFF_TIME = '17:30';

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Whether `value` is a real calendar day written `YYYY-MM-DD`. */
export function isDay(value: string): boolean {
  const match = DAY.exec(value);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/** The local day (Asia/Ho_Chi_Minh) of an instant. */
export const localDayOf = (instant: Date): Day => todayInVietnam(instant);

/** The cut-off of a day: 17:30 Asia/Ho_Chi_Minh that day, as an instant. */
export function cutOffOf(day: Day): Date {
  return new Date(`${day}T${CUT_OFF_TIME}:00${VIETNAM_OFFSET}`);
}

/** An update for `day` recorded at `recordedAt` is late from the day's cut-off on (17:30:00 is late, 17:29:59 is not). */
export function isLate(day: Day, recordedAt: Date): boolean {
  return recordedAt.getTime() >= cutOffOf(day).getTime();
}

export const UPDATE_STATUSES = ['paid', 'unpaid', 'unreachable', 'returned'] as const;
export type UpdateStatus = (typeof UPDATE_STATUSES)[number];
export const RECEIVERS = ['person', 'authorised'] as const;
export type Receiver = (typeof RECEIVERS)[number];

/** One update as the API receives it (enum values already lower case). */
export type UpdateInput = {
  lineId: string;
  expectedVersion: number;
  status: UpdateStatus;
  paidAt?: string | null | undefined;
  forDate?: string | null | undefined;
  receiver?: Receiver | null | undefined;
  receiverName?: string | null | undefined;
  reference?: string | null | undefined;
  note?: string | null | undefined;
};

/** One update checked as entered: cleaned text, the day it is for and whether it is late. */
export type CheckedUpdate = {
  index: number;
  lineId: string;
  expectedVersion: number;
  status: UpdateStatus;
  paidAt: Date | null;
  forDate: Day;
  receiver: Receiver | null;
  receiverName: string | null;
  reference: string | null;
  note: string | null;
  late: boolean;
};

/** Why one line of a request is refused; `current` is the line's state for a CONFLICT. */
export type LineProblem = {
  index: number;
  /** Null when the id sent is malformed. */
  lineId: string | null;
  code: Extract<ErrorCode, 'BAD_USER_INPUT' | 'CONFLICT' | 'NOT_FOUND'>;
  field: string;
  message: string;
  current?: LineState;
};

/** A line's payment state, as a CONFLICT shows it. */
export type LineState = {
  status: string;
  version: number;
  paidAt: string | null;
  updatedAt: string | null;
  updatedBy: string | null;
};

const RECEIVER_NAME: TextRule = { label: 'Tên người nhận thay', kind: 'name', maxLength: 100 };
const REFERENCE: TextRule = { label: 'Số chứng từ', kind: 'code', maxLength: 100 };
const NOTE: TextRule = { label: 'Ghi chú', kind: 'multiline', maxLength: 500 };

/** An instant with its offset (`2026-12-02T09:15:00+07:00`, `…Z`): a time without one is ambiguous. */
const INSTANT =
  /^(\d{4}-\d{2}-\d{2})T([01]\d|2[0-3]):[0-5]\d(?::[0-5]\d(?:\.\d{1,9})?)?(?:Z|[+-](?:[01]\d|2[0-3]):[0-5]\d)$/;

/** An ISO 8601 instant with an offset, or undefined. */
export function parseInstant(value: string): Date | undefined {
  const match = INSTANT.exec(value);
  if (!match || !isDay(match[1]!)) return undefined;
  const instant = new Date(value);
  return Number.isNaN(instant.getTime()) ? undefined : instant;
}

/** The idempotency key's rule: 8 to 100 characters among A–Z, a–z, 0–9, `_` and `-`. */
export const IDEMPOTENCY_KEY = /^[A-Za-z0-9_-]{8,100}$/;

const STATUS_NAMES: Record<UpdateStatus, string> = {
  paid: 'đã nhận',
  unpaid: 'chưa nhận',
  unreachable: 'không liên lạc được',
  returned: 'bị trả lại',
};

/** A text field cleaned by its rule: null when empty, false when refused (the problem is reported). */
function text(
  value: string | null | undefined,
  rule: TextRule,
  field: string,
  problem: (field: string, message: string) => void,
): string | null | false {
  if (value == null) return null;
  const cleaned = cleanText(value, rule);
  if (!cleaned.ok) {
    problem(field, cleaned.message);
    return false;
  }
  return cleaned.text || null;
}

/**
 * Checks every update as entered (all problems at once, per line): a line named once, a version, the
 * fields each status needs and refuses, a paid time and a day not in the future. The day an update is
 * for: the local day of `paidAt` when paid, else `forDate` or today. Late: recorded (`now`) after that
 * day's cut-off.
 */
export function checkUpdates(
  updates: readonly UpdateInput[],
  now: Date,
): { checked: CheckedUpdate[]; problems: LineProblem[] } {
  const today = localDayOf(now);
  const problems: LineProblem[] = [];
  const checked: CheckedUpdate[] = [];
  const firstIndexOf = new Map<string, number>();
  updates.forEach((update, index) => {
    const wellFormed = checkIdentifier(update.lineId, UUID_FORMAT, 'Mã dòng chi trả').ok;
    const lineId = wellFormed ? update.lineId.toLowerCase() : '';
    const at = `updates.${index}`;
    let refused = false;
    const problem = (field: string, message: string) => {
      refused = true;
      // A malformed id is not repeated: it may be huge or hostile.
      problems.push({
        index,
        lineId: wellFormed ? lineId : null,
        code: 'BAD_USER_INPUT',
        field: `${at}.${field}`,
        message,
      });
    };
    if (!wellFormed) {
      problem('lineId', 'Mã dòng chi trả (lineId) không hợp lệ.');
    } else if (firstIndexOf.has(lineId)) {
      problem(
        'lineId',
        `Dòng chi trả này đã có ở dòng thứ ${firstIndexOf.get(lineId)! + 1} của yêu cầu: mỗi dòng chỉ cập nhật một lần mỗi yêu cầu.`,
      );
    } else {
      firstIndexOf.set(lineId, index);
    }
    if (!Number.isInteger(update.expectedVersion) || update.expectedVersion < 1) {
      problem(
        'expectedVersion',
        'Phiên bản (expectedVersion) phải là số nguyên từ 1: lấy từ dòng chi trả đã đọc.',
      );
    }
    if (!(UPDATE_STATUSES as readonly string[]).includes(update.status)) {
      problem('status', 'Trạng thái chi trả không hợp lệ.');
      return;
    }
    const paid = update.status === 'paid';
    let paidAt: Date | null = null;
    let forDate: Day = today;
    if (paid) {
      if (update.paidAt == null) {
        problem('paidAt', 'Cần ghi thời điểm chi trả (paidAt) khi đối tượng đã nhận tiền.');
      } else {
        const instant = parseInstant(update.paidAt);
        if (!instant) {
          problem(
            'paidAt',
            'Thời điểm chi trả phải theo ISO 8601 có múi giờ, ví dụ 2026-12-02T09:15:00+07:00.',
          );
        } else if (instant.getTime() > now.getTime()) {
          problem('paidAt', 'Thời điểm chi trả không được ở tương lai.');
        } else {
          paidAt = instant;
          forDate = localDayOf(instant);
        }
      }
      if (update.forDate != null && paidAt && update.forDate !== forDate) {
        problem(
          'forDate',
          `Với trạng thái đã nhận, ngày cập nhật là ngày chi trả (${displayDate(forDate)}); bỏ trống forDate hoặc ghi đúng ngày đó.`,
        );
      }
      if (update.receiver == null) {
        problem(
          'receiver',
          'Cần ghi người nhận: chính đối tượng (PERSON) hay người được ủy quyền (AUTHORISED).',
        );
      }
    } else {
      const name = STATUS_NAMES[update.status];
      if (update.paidAt != null) {
        problem('paidAt', `Trạng thái "${name}" không có thời điểm chi trả: bỏ trống paidAt.`);
      }
      if (update.receiver != null) {
        problem('receiver', `Trạng thái "${name}" không có người nhận: bỏ trống receiver.`);
      }
      if (update.forDate != null) {
        if (!isDay(update.forDate)) {
          problem('forDate', 'Ngày cập nhật phải có dạng YYYY-MM-DD, ví dụ 2026-12-02.');
        } else if (update.forDate > today) {
          problem('forDate', 'Ngày cập nhật không được ở tương lai.');
        } else {
          forDate = update.forDate;
        }
      }
    }
    const receiverName = text(update.receiverName, RECEIVER_NAME, 'receiverName', problem);
    if (update.receiver === 'authorised') {
      if (receiverName === null) problem('receiverName', 'Cần ghi họ tên người được ủy quyền nhận thay.');
    } else if (update.receiverName != null) {
      problem(
        'receiverName',
        'Chỉ ghi tên người nhận thay khi người nhận là người được ủy quyền (AUTHORISED).',
      );
    }
    const reference = text(update.reference, REFERENCE, 'reference', problem);
    const note = text(update.note, NOTE, 'note', problem);
    if (refused) return;
    checked.push({
      index,
      lineId,
      expectedVersion: update.expectedVersion,
      status: update.status,
      paidAt,
      forDate,
      receiver: paid ? update.receiver! : null,
      receiverName: update.receiver === 'authorised' ? (receiverName as string) : null,
      reference: reference || null,
      note: note || null,
      late: isLate(forDate, now),
    });
  });
  return { checked, problems };
}

/** A line as the checks against the database see it (locked for the update). */
export type LineFacts = {
  id: string;
  /** The list's month, `YYYY-MM`; null when the caller does not read the list. */
  month: string | null;
  listState: PaymentListStateValue | null;
  status: string;
  holdReason: string | null;
  version: number;
  paidAt: string | null;
  updatedAt: string | null;
  updatedBy: string | null;
  unitCode: string | null;
  /** Whether the caller may change the line's unit (in force, under the caller's own unit). */
  writable: boolean;
};

/**
 * Checks an update against its line (undefined: the caller does not read it): the caller's commune
 * pays it, its list is being paid (approved or paying), it is not held, nobody changed it since the
 * caller read it (version), and its day is within the list's month or after.
 */
/** A line the caller cannot see (another commune's, or none). */
export const LINE_NOT_IN_SCOPE = 'Không tìm thấy dòng chi trả trong phạm vi đơn vị của bạn.';

export function checkAgainstLine(
  update: CheckedUpdate,
  line: LineFacts | undefined,
): LineProblem | undefined {
  const at = `updates.${update.index}`;
  const refuse = (code: LineProblem['code'], field: string, message: string, current?: LineState) => ({
    index: update.index,
    lineId: update.lineId,
    code,
    field: `${at}.${field}`,
    message,
    ...(current ? { current } : {}),
  });
  if (!line) {
    return refuse('NOT_FOUND', 'lineId', LINE_NOT_IN_SCOPE);
  }
  if (!line.writable || line.listState === null) {
    return refuse(
      'BAD_USER_INPUT',
      'lineId',
      `Dòng chi trả ${line.unitCode ? `do đơn vị ${line.unitCode} ` : ''}chi trả không thuộc xã/phường của bạn (hoặc đơn vị đã chấm dứt hoạt động): chỉ đơn vị đang chi trả mới cập nhật được.`,
    );
  }
  if (line.listState !== 'approved' && line.listState !== 'paying') {
    return refuse(
      'BAD_USER_INPUT',
      'lineId',
      `Danh sách chi trả tháng ${displayMonth(line.month!)} ${PAYMENT_LIST_STATE_NAMES[line.listState]}: chỉ cập nhật chi trả khi danh sách đã phê duyệt hoặc đang chi trả.`,
    );
  }
  if (line.status === 'held') {
    return refuse(
      'BAD_USER_INPUT',
      'lineId',
      `Dòng chi trả đang bị giữ lại (${line.holdReason ?? 'chưa rõ lý do'}): không ghi nhận chi trả được cho đến khi được giải tỏa bằng một điều chỉnh.`,
    );
  }
  if (line.version !== update.expectedVersion) {
    return refuse(
      'CONFLICT',
      'expectedVersion',
      `Dòng chi trả đã được ${line.updatedBy ?? 'người khác'} cập nhật${line.updatedAt ? ` lúc ${displayInstant(line.updatedAt)}` : ''} (phiên bản ${line.version}, trạng thái ${STATUS_NAMES[line.status as UpdateStatus] ?? line.status}) sau khi bạn đọc: hãy xem lại rồi cập nhật với phiên bản mới.`,
      {
        status: line.status,
        version: line.version,
        paidAt: line.paidAt,
        updatedAt: line.updatedAt,
        updatedBy: line.updatedBy,
      },
    );
  }
  const monthStart = `${line.month}-01`;
  if (update.forDate < monthStart) {
    return refuse(
      'BAD_USER_INPUT',
      update.status === 'paid' ? 'paidAt' : 'forDate',
      `Ngày ${displayDate(update.forDate)} trước tháng của danh sách chi trả (${displayMonth(line.month!)}): ngày cập nhật phải từ ${displayDate(monthStart)}.`,
    );
  }
  return undefined;
}

/** An instant as officials read it: `HH:MM dd/mm/yyyy` in Vietnam. */
export function displayInstant(iso: string): string {
  const instant = new Date(iso);
  const local = new Date(instant.getTime() + 7 * 3600_000).toISOString();
  return `${local.slice(11, 16)} ${displayDate(local.slice(0, 10))}`;
}

/**
 * The code of a refusal that lists lines: bad input when any line has it, else not found, else
 * CONFLICT (every refused line was changed by someone else).
 */
export function refusalCode(problems: readonly LineProblem[]): LineProblem['code'] {
  // Scope first: a request naming a line the caller cannot see is refused as such, whatever else is wrong.
  if (problems.some((problem) => problem.code === 'NOT_FOUND')) return 'NOT_FOUND';
  if (problems.some((problem) => problem.code === 'BAD_USER_INPUT')) return 'BAD_USER_INPUT';
  return 'CONFLICT';
}

/** The message of a refusal: nothing is written, the first problem, and how many lines are refused. */
export function refusalMessage(problems: readonly LineProblem[], total: number): string {
  const sorted = [...problems].sort((a, b) => a.index - b.index);
  const first = sorted[0]!;
  const lines = new Set(sorted.map((problem) => problem.index)).size;
  const others = sorted.length > 1 ? ` (và ${sorted.length - 1} lỗi khác, xem chi tiết từng dòng)` : '';
  return `Không ghi nhận được ${lines}/${total} dòng cập nhật nên chưa ghi dòng nào. Dòng thứ ${first.index + 1}: ${first.message}${others}`;
}

/**
 * What makes two requests the same for an idempotency key: the updates as entered, normalised (ids
 * lower case, instants in UTC, texts cleaned), in their order; a hash of it.
 */
export function requestHash(operation: string, updates: readonly UpdateInput[]): string {
  const normalised = updates.map((update) => {
    const instant = update.paidAt == null ? null : parseInstant(update.paidAt);
    const clean = (value: string | null | undefined, rule: TextRule) => {
      if (value == null) return null;
      const cleaned = cleanText(value, rule);
      return cleaned.ok ? cleaned.text : value;
    };
    return [
      typeof update.lineId === 'string' ? update.lineId.toLowerCase() : update.lineId,
      update.expectedVersion,
      update.status,
      instant ? instant.toISOString() : (update.paidAt ?? null),
      update.forDate ?? null,
      update.receiver ?? null,
      clean(update.receiverName, RECEIVER_NAME),
      clean(update.reference, REFERENCE),
      clean(update.note, NOTE),
    ];
  });
  return createHash('sha256')
    .update(JSON.stringify([operation, normalised]))
    .digest('hex');
}
