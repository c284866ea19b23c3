/**
 * The one policy for text that users send: API arguments and spreadsheet cells alike.
 *
 * Every field has a kind and a maximum length (in characters, i.e. Unicode code points, after cleaning):
 * - `name`: a person's name. Letters (any script, with their marks), spaces, the apostrophe (' or ’),
 *   the hyphen and the dot (`H'Hen Niê`, `Nguyễn Thị A.`), and the digits 0–9; it starts with a letter.
 *   `=`, `+`, `@`, `<`, quotes or brackets in a name are a typing mistake or an attack, so a name can
 *   never be read as a formula or as markup. Digits carry neither risk; records already hold some
 *   (`Lê Văn Thử B1`), so they stay allowed after the first letter.
 * - `code`: an identifier typed by people (household number, account number): letters, digits, spaces
 *   and `- _ . /`.
 * - `line`: one line of free text (an address, a code-list value as officials write it). Line breaks
 *   and tabs inside are allowed on input (a spreadsheet cell wrapped with Alt+Enter) and become a space.
 *   No address needs `<` or `>`, nor starts with `=` or `@`: those are markup or a spreadsheet formula
 *   (`=HYPERLINK(…)`), refused. (`+` and `-` stay: `+84…` is how a phone number is written.)
 * - `multiline`: free text of several lines (a note). Tabs and line breaks are kept.
 *
 * Always refused, never silently changed: control characters (C0 and C1, DEL, U+2028/U+2029,
 * non-characters), except tab and line breaks where the kind allows them; lone surrogates; the
 * bidirectional controls (U+202A–U+202E, U+2066–U+2069, U+200E, U+200F, U+061C), which make text read
 * differently from how it is stored. Invisible characters (zero-width space, joiner and non-joiner,
 * word joiner, BOM, soft hyphen, variation selectors, Hangul fillers, tags…) are refused too, except in
 * `multiline` text, where joiners and variation selectors build emoji and some scripts.
 * Then the text is NFC-normalised, runs of white space become one space, and it is trimmed.
 */
export type TextKind = 'name' | 'code' | 'line' | 'multiline';

export type TextRule = {
  /** The field as officials know it, in Vietnamese (`Họ và tên`): every message names it. */
  label: string;
  kind: TextKind;
  maxLength: number;
};

/** Maximum lengths by what a field holds. Identifiers with a format (CCCD, codes) have their own. */
export const TEXT_LIMITS = {
  name: 100,
  address: 300,
  note: 1000,
  code: 30,
  /** A value officials pick from a list (`Hộ nghèo`, `Ngân hàng Chính sách xã hội`). */
  listValue: 100,
} as const;

export type TextResult = { ok: true; text: string } | { ok: false; message: string };

// Controls that no field allows. Tab (09), LF (0A) and CR (0D) are handled by kind.
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u2028\u2029\ufdd0-\ufdef\ufffe\uffff]/;
const LINE_CONTROL = /[\t\n\r]/;
const BIDI = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;
// Marks and selectors listed on purpose: each is refused alone, not as part of a combined character.
/* eslint-disable no-misleading-character-class */
const INVISIBLE =
  /[\u00ad\u034f\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200d\u2060-\u2064\u206a-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0\u{1d173}-\u{1d17a}\u{e0000}-\u{e007f}\u{e0100}-\u{e01ef}]/u;
// What multiline text may keep of INVISIBLE: joiners and variation selectors (emoji, Indic scripts).
const INVISIBLE_IN_MULTILINE =
  /[\u00ad\u034f\u115f\u1160\u17b4\u17b5\u180e\u200b\u2060-\u2064\u206a-\u206f\u3164\ufeff\uffa0\u{1d173}-\u{1d17a}\u{e0000}-\u{e007f}]/u;
/* eslint-enable no-misleading-character-class */
const EDGE_SPACE =
  /^[\t\n\r \u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]+|[\t\n\r \u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]+$/g;
const SPACE_RUN = /[\t\n\r \u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]+/g;
const HORIZONTAL_SPACE_RUN = /[\t \u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]+/g;
const LINE_BREAK = /\r\n?/g;
const SPACE_AROUND_LINE_BREAK = / ?\n ?/g;
const BLANK_LINES = /\n{3,}/g;
const NAME_CHARACTERS = /^[\p{L}\p{M}0-9 '\u2019.-]+$/u;
const NAME_START = /^\p{L}/u;
const STACKED_MARKS = /\p{M}{4,}/u;
const NOT_NAME_CHARACTER = /[^\p{L}\p{M}0-9 '\u2019.-]/gu;
const CODE_CHARACTERS = /^[\p{L}\p{M}\p{N} ._/-]+$/u;
const LINE_MARKUP = /[<>]/;
const LINE_FORMULA_START = /^[=@]/;
const NOT_CODE_CHARACTER = /[^\p{L}\p{M}\p{N} ._/-]/gu;
const HAS_LETTER_OR_DIGIT = /[\p{L}\p{N}]/u;
/**
 * Text already clean: printable ASCII and the precomposed Latin letters (Vietnamese among them, each its
 * own NFC form), words split by single spaces. Most values are, and skip the rest of the work.
 */
const SETTLED = /^[\x21-\x7e\u00c0-\u024f\u1e00-\u1eff]+(?: [\x21-\x7e\u00c0-\u024f\u1e00-\u1eff]+)*$/;

const characterCount = (text: string) => {
  let count = text.length;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code >= 0xd800 && code <= 0xdbff) count--;
  }
  return count;
};

const tooLong = (rule: TextRule): TextResult => ({
  ok: false,
  message: `${rule.label} không được dài quá ${rule.maxLength.toLocaleString('vi-VN')} ký tự.`,
});

/** What is wrong with the characters of a value, before any change to it; undefined when nothing is. */
function characterProblem(value: string, rule: TextRule): string | undefined {
  if (!value.isWellFormed()) {
    return `${rule.label} chứa ký tự không hợp lệ (mã Unicode hỏng).`;
  }
  if (CONTROL.test(value)) return `${rule.label} chứa ký tự điều khiển không hợp lệ.`;
  if (BIDI.test(value)) return `${rule.label} chứa ký tự đảo chiều văn bản không hợp lệ.`;
  if ((rule.kind === 'multiline' ? INVISIBLE_IN_MULTILINE : INVISIBLE).test(value)) {
    return `${rule.label} chứa ký tự ẩn (không nhìn thấy) không hợp lệ: hãy gõ lại giá trị này.`;
  }
  return undefined;
}

const listed = (characters: string[]) =>
  [...new Set(characters)]
    .slice(0, 5)
    .map((character) => (character === '"' ? '“"”' : `"${character}"`))
    .join(', ');

/**
 * A value cleaned by the rule, or the problem with it, in Vietnamese and naming the field. Pure; an empty
 * result is valid (whether a field may be empty is the caller's rule).
 */
export function cleanText(value: string, rule: TextRule): TextResult {
  // Refused before any work on it: cleaning shortens text by at most a few white-space runs.
  if (value.length > rule.maxLength * 4 + 16) return tooLong(rule);
  let text: string;
  if (SETTLED.test(value)) {
    text = value;
  } else {
    const problem = characterProblem(value, rule);
    if (problem !== undefined) return { ok: false, message: problem };
    text = value.replace(EDGE_SPACE, '');
    if ((rule.kind === 'name' || rule.kind === 'code') && LINE_CONTROL.test(text)) {
      return { ok: false, message: `${rule.label} chứa ký tự điều khiển không hợp lệ.` };
    }
    text = text.normalize('NFC');
    if (rule.kind === 'multiline') {
      text = text
        .replace(LINE_BREAK, '\n')
        .replace(HORIZONTAL_SPACE_RUN, ' ')
        .replace(SPACE_AROUND_LINE_BREAK, '\n')
        .replace(BLANK_LINES, '\n\n');
    } else {
      text = text.replace(SPACE_RUN, ' ');
    }
  }
  if (characterCount(text) > rule.maxLength) return tooLong(rule);
  if (text === '') return { ok: true, text };
  if (rule.kind === 'name') {
    if (!NAME_CHARACTERS.test(text)) {
      const wrong = text.match(NOT_NAME_CHARACTER) ?? [];
      return {
        ok: false,
        message: `${rule.label} chỉ được gồm chữ cái, chữ số, dấu cách, dấu nháy đơn ('), gạch nối (-) và dấu chấm; không được có ${listed(wrong)}.`,
      };
    }
    if (!NAME_START.test(text)) return { ok: false, message: `${rule.label} phải bắt đầu bằng chữ cái.` };
    if (STACKED_MARKS.test(text))
      return { ok: false, message: `${rule.label} có quá nhiều dấu chồng lên nhau.` };
  } else if (rule.kind === 'code') {
    if (!CODE_CHARACTERS.test(text)) {
      const wrong = text.match(NOT_CODE_CHARACTER) ?? [];
      return {
        ok: false,
        message: `${rule.label} chỉ được gồm chữ cái, chữ số, dấu cách và các dấu - _ . /; không được có ${listed(wrong)}.`,
      };
    }
    if (!HAS_LETTER_OR_DIGIT.test(text)) {
      return { ok: false, message: `${rule.label} phải có chữ cái hoặc chữ số.` };
    }
  } else if (rule.kind === 'line') {
    if (LINE_MARKUP.test(text)) return { ok: false, message: `${rule.label} không được có dấu < hoặc >.` };
    if (LINE_FORMULA_START.test(text))
      return {
        ok: false,
        message: `${rule.label} không được bắt đầu bằng dấu = hoặc @ (công thức bảng tính).`,
      };
  }
  return { ok: true, text };
}

/**
 * An identifier argument that reaches the database (a uuid, a unit code): checked against its format
 * before anything else. The message never repeats the value, which may be huge or hostile.
 */
export function checkIdentifier(value: unknown, format: RegExp, label: string): TextResult {
  if (typeof value !== 'string' || value.length > 64 || !format.test(value)) {
    return { ok: false, message: `${label} không hợp lệ.` };
  }
  return { ok: true, text: value };
}

export const UUID_FORMAT = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** GSO codes of administrative units: 2 digits (province), 3 (district) or 5 (commune). */
export const UNIT_CODE_FORMAT = /^(?:\d{2}|\d{3}|\d{5})$/;
