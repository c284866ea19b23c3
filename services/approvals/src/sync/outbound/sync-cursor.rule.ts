/**
 * The feed's cursor: opaque to a provincial system, it names the province and the last sequence
 * read, so that a cursor of another province's feed is refused rather than silently misread.
 */
const PREFIX = 'v1';
const MAX_CURSOR_LENGTH = 100;
/** A feed sequence: a positive bigint, at most 18 digits. */
const SEQUENCE = /^(0|[1-9][0-9]{0,17})$/;

export function encodeCursor(provinceCode: string, sequence: string): string {
  return Buffer.from(`${PREFIX}:${provinceCode}:${sequence}`, 'utf8').toString('base64url');
}

export type CursorResult = { ok: true; sequence: string } | { ok: false; message: string };

export function decodeCursor(cursor: string, provinceCode: string): CursorResult {
  const invalid = {
    ok: false,
    message: 'Con trỏ (after) không hợp lệ: hãy dùng endCursor của lần đọc trước.',
  } as const;
  if (cursor.length === 0 || cursor.length > MAX_CURSOR_LENGTH || !/^[A-Za-z0-9_-]+$/.test(cursor))
    return invalid;
  const [prefix, province, sequence, ...rest] = Buffer.from(cursor, 'base64url').toString('utf8').split(':');
  if (prefix !== PREFIX || province === undefined || sequence === undefined || rest.length > 0)
    return invalid;
  if (!SEQUENCE.test(sequence)) return invalid;
  if (province !== provinceCode) {
    return {
      ok: false,
      message: `Con trỏ (after) thuộc luồng sự kiện của tỉnh khác (${province.slice(0, 2)}).`,
    };
  }
  return { ok: true, sequence };
}

/** A sequence given as text by a caller (`replayDeadLetters`): the same bound as the cursor's. */
export const isSequence = (text: string): boolean => SEQUENCE.test(text);
