import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import {
  checkIdentifier,
  cleanText,
  TEXT_LIMITS,
  UNIT_CODE_FORMAT,
  UUID_FORMAT,
  type TextRule,
} from './text-policy.ts';

const NAME: TextRule = { label: 'Họ và tên', kind: 'name', maxLength: TEXT_LIMITS.name };
const ADDRESS: TextRule = { label: 'Địa chỉ', kind: 'line', maxLength: TEXT_LIMITS.address };
const NOTE: TextRule = { label: 'Ghi chú', kind: 'multiline', maxLength: TEXT_LIMITS.note };
const CODE: TextRule = { label: 'Mã hộ', kind: 'code', maxLength: TEXT_LIMITS.code };
const ALL = [NAME, ADDRESS, NOTE, CODE];

const cleaned = (value: string, rule: TextRule) => {
  const result = cleanText(value, rule);
  if (!result.ok) throw new Error(`refused: ${result.message}`);
  return result.text;
};
const problemOf = (value: string, rule: TextRule) => {
  const result = cleanText(value, rule);
  if (result.ok) throw new Error(`accepted: ${JSON.stringify(result.text)}`);
  return result.message;
};

const CONTROLS = [
  ...Array.from({ length: 32 }, (_, code) => code).filter((code) => code !== 9 && code !== 10 && code !== 13),
  ...Array.from({ length: 33 }, (_, offset) => 0x7f + offset),
  0x2028,
  0x2029,
  0xfffe,
  0xffff,
].map((code) => String.fromCharCode(code));
const INVISIBLES = [
  '\u200b',
  '\u200c',
  '\u200d',
  '\u2060',
  '\ufeff',
  '\u00ad',
  '\ufe0f',
  '\u3164',
  '\u{e0041}',
];
const BIDI = [
  '\u202a',
  '\u202b',
  '\u202c',
  '\u202d',
  '\u202e',
  '\u2066',
  '\u2067',
  '\u2068',
  '\u2069',
  '\u200e',
  '\u200f',
  '\u061c',
];

describe('cleanText', () => {
  it('keeps Vietnamese and ethnic-minority names, NFC, trimmed, single-spaced', () => {
    expect(cleaned('Nguyễn Văn An', NAME)).toBe('Nguyễn Văn An');
    expect(cleaned('  Trần\u00a0 Thị\tBình '.replace('\t', ' '), NAME)).toBe('Trần Thị Bình');
    expect(cleaned('Nguyễn Văn An'.normalize('NFD'), NAME)).toBe('Nguyễn Văn An');
    expect(cleaned("H'Hen Niê", NAME)).toBe("H'Hen Niê");
    expect(cleaned('Y Ngông Niê Kđăm', NAME)).toBe('Y Ngông Niê Kđăm');
    expect(cleaned('Nguyễn Thị A.', NAME)).toBe('Nguyễn Thị A.');
    expect(cleaned('Lò Thị Ơn-Nhi', NAME)).toBe('Lò Thị Ơn-Nhi');
    expect(cleaned('H\u2019Linh', NAME)).toBe('H\u2019Linh');
    expect(cleaned('', NAME)).toBe('');
    expect(cleaned(' \u00a0 ', NAME)).toBe('');
  });

  it('refuses names that do not start with a letter, or with formula and markup characters, naming them', () => {
    expect(problemOf('=HYPERLINK("http://evil.example","Bấm vào đây")', NAME)).toMatch(
      /^Họ và tên chỉ được gồm chữ cái, chữ số.*không được có "=", "\(", “"”, ":", "\/"\.$/,
    );
    expect(problemOf('<script>alert(1)</script>', NAME)).toContain('"<"');
    expect(cleaned('Lê Văn Thử B1', NAME)).toBe('Lê Văn Thử B1');
    expect(problemOf('042195000123', NAME)).toBe('Họ và tên phải bắt đầu bằng chữ cái.');
    expect(problemOf('Nguyễn Văn ²', NAME)).toContain('"²"');
    expect(problemOf('@SUM(A1)', NAME)).toContain('"@"');
    expect(problemOf('- An', NAME)).toBe('Họ và tên phải bắt đầu bằng chữ cái.');
    expect(problemOf("'=1+1", NAME)).toContain('"="');
    expect(problemOf('...', NAME)).toBe('Họ và tên phải bắt đầu bằng chữ cái.');
    expect(problemOf(`A${'\u0301'.repeat(6)}`, NAME)).toBe('Họ và tên có quá nhiều dấu chồng lên nhau.');
  });

  it('refuses control characters, NUL included, in every kind of field', () => {
    for (const rule of ALL) {
      for (const control of CONTROLS) {
        expect(problemOf(`Thôn${control}3`, rule)).toBe(`${rule.label} chứa ký tự điều khiển không hợp lệ.`);
      }
    }
    expect(problemOf('An\u0000', NAME)).toBe('Họ và tên chứa ký tự điều khiển không hợp lệ.');
  });

  it('refuses tab and line breaks inside names and codes, folds them in a line, keeps them in a note', () => {
    expect(problemOf('Nguyễn\nVăn An', NAME)).toBe('Họ và tên chứa ký tự điều khiển không hợp lệ.');
    expect(problemOf('H\t01', CODE)).toBe('Mã hộ chứa ký tự điều khiển không hợp lệ.');
    expect(cleaned('Thôn 3,\r\nxã Nam Hà\t', ADDRESS)).toBe('Thôn 3, xã Nam Hà');
    expect(cleaned(' Dòng một  \r\n\tDòng hai\r\n\r\n\r\n\r\nDòng ba ', NOTE)).toBe(
      'Dòng một\nDòng hai\n\nDòng ba',
    );
    expect(cleaned('\tAn\n', NAME)).toBe('An');
  });

  it('refuses invisible characters in names, codes and lines instead of deleting them', () => {
    for (const rule of [NAME, CODE, ADDRESS]) {
      for (const invisible of INVISIBLES) {
        expect(problemOf(`Ng${invisible}uyễn`, rule)).toBe(
          `${rule.label} chứa ký tự ẩn (không nhìn thấy) không hợp lệ: hãy gõ lại giá trị này.`,
        );
      }
    }
    // A zero-width space at the edge is not trimmed away either.
    expect(cleanText('Nguyễn Văn An\u200b', NAME).ok).toBe(false);
    // A note may hold emoji built with joiners and variation selectors, not zero-width spaces.
    expect(cleaned('Gia đình 👨\u200d👩\u200d👧 ❤\ufe0f', NOTE)).toBe('Gia đình 👨\u200d👩\u200d👧 ❤\ufe0f');
    expect(cleanText('a\u200bb', NOTE).ok).toBe(false);
  });

  it('refuses bidirectional controls everywhere', () => {
    for (const rule of ALL) {
      for (const bidi of BIDI) {
        expect(problemOf(`An${bidi}nh`, rule)).toBe(
          `${rule.label} chứa ký tự đảo chiều văn bản không hợp lệ.`,
        );
      }
    }
    expect(problemOf('Nguyễn \u202egnaV', NAME)).toBe('Họ và tên chứa ký tự đảo chiều văn bản không hợp lệ.');
  });

  it('refuses lone surrogates', () => {
    for (const rule of ALL) {
      expect(problemOf('An\ud800', rule)).toBe(`${rule.label} chứa ký tự không hợp lệ (mã Unicode hỏng).`);
      expect(problemOf('\udc00An', rule)).toBe(`${rule.label} chứa ký tự không hợp lệ (mã Unicode hỏng).`);
    }
  });

  it('bounds the length in characters, after cleaning, and refuses huge values before any work', () => {
    expect(cleaned('A'.repeat(100), NAME)).toHaveLength(100);
    expect(problemOf('A'.repeat(101), NAME)).toBe('Họ và tên không được dài quá 100 ký tự.');
    expect(problemOf('A'.repeat(100_000), NAME)).toBe('Họ và tên không được dài quá 100 ký tự.');
    expect(problemOf('Thôn 1 '.repeat(150_000), ADDRESS)).toBe('Địa chỉ không được dài quá 300 ký tự.');
    expect(problemOf('x'.repeat(1001), NOTE)).toBe('Ghi chú không được dài quá 1.000 ký tự.');
    // Emoji count as one character each; spaces folded away do not count.
    expect(cleaned('😀'.repeat(1000), NOTE)).toHaveLength(2000);
    expect(cleaned(`${'A  '.repeat(50)}`, NAME)).toHaveLength(99);
    const started = performance.now();
    cleanText('\u0301'.repeat(1_000_000), NAME);
    expect(performance.now() - started).toBeLessThan(200);
  });

  it('keeps codes of letters, digits and - _ . /', () => {
    expect(cleaned(' HN-12/3 ', CODE)).toBe('HN-12/3');
    expect(cleaned('Hộ 05', CODE)).toBe('Hộ 05');
    expect(problemOf('=1+1', CODE)).toContain('"=", "+"');
    expect(problemOf('--', CODE)).toBe('Mã hộ phải có chữ cái hoặc chữ số.');
  });

  it('keeps free text of a line as written, but refuses markup and a leading spreadsheet formula', () => {
    expect(cleaned('Số 12/3, ngõ 45 (cạnh chợ); "Thôn 1" - 50% +84', ADDRESS)).toBe(
      'Số 12/3, ngõ 45 (cạnh chợ); "Thôn 1" - 50% +84',
    );
    expect(problemOf('Thôn <b>1</b>', ADDRESS)).toBe('Địa chỉ không được có dấu < hoặc >.');
    expect(problemOf('<script>alert(1)</script>', ADDRESS)).toBe('Địa chỉ không được có dấu < hoặc >.');
    expect(problemOf('=HYPERLINK("http://x","Thôn 1")', ADDRESS)).toContain('bắt đầu bằng dấu = hoặc @');
    expect(problemOf('  @SUM(A1)', ADDRESS)).toContain('bắt đầu bằng dấu = hoặc @');
    expect(cleaned('+84 912 345 678', ADDRESS)).toBe('+84 912 345 678');
  });

  it('takes the same decision on its fast path (text already clean) as on the full one', () => {
    for (const rule of ALL) {
      for (let code = 0x20; code < 0x2100; code++) {
        const text = `A${String.fromCharCode(code)}b c${String.fromCharCode(code)}`;
        // A leading non-breaking space keeps the text off the fast path; it is trimmed away.
        expect([code, cleanText(text, rule)]).toEqual([code, cleanText(`\u00a0${text}`, rule)]);
      }
    }
  });

  describe('properties over generated strings', () => {
    const anyText = fc.string({ unit: 'binary', maxLength: 400 });
    const forbidden = fc.constantFrom(...CONTROLS, ...BIDI, '\ud800', '\udfff');

    it('is idempotent: what it accepts, it accepts again unchanged', () => {
      fc.assert(
        fc.property(anyText, fc.constantFrom(...ALL), (value, rule) => {
          const first = cleanText(value, rule);
          if (!first.ok) return;
          expect(cleanText(first.text, rule)).toEqual(first);
        }),
        { numRuns: 2000 },
      );
    });

    it('never returns text with controls, bidi, invisible characters, lone surrogates, edge spaces or too long', () => {
      fc.assert(
        fc.property(anyText, fc.constantFrom(...ALL), (value, rule) => {
          const result = cleanText(value, rule);
          if (!result.ok) {
            expect(result.message.startsWith(rule.label)).toBe(true);
            return;
          }
          const { text } = result;
          expect(text.isWellFormed()).toBe(true);
          expect(text).toBe(text.normalize('NFC'));
          expect(text).toBe(text.trim());
          expect([...text].length).toBeLessThanOrEqual(rule.maxLength);
          // eslint-disable-next-line no-control-regex -- finding control characters is the point
          expect(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/.test(text)).toBe(false);
          expect(/[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]/.test(text)).toBe(false);
          if (rule.kind !== 'multiline') {
            expect(/[\t\n\r\u200b-\u200d\u2060\ufeff\u00ad]/.test(text)).toBe(false);
            expect(text).not.toMatch(/ {2}/);
          }
          if (rule.kind === 'name' && text !== '') expect(text).toMatch(/^\p{L}[\p{L}\p{M}0-9 '\u2019.-]*$/u);
        }),
        { numRuns: 3000 },
      );
    });

    it('refuses any text holding a forbidden character, wherever it is', () => {
      fc.assert(
        fc.property(
          fc.string({ maxLength: 50 }),
          forbidden,
          fc.string({ maxLength: 50 }),
          fc.constantFrom(...ALL),
          (before, character, after, rule) => {
            expect(cleanText(`${before}${character}${after}`, rule).ok).toBe(false);
          },
        ),
        { numRuns: 2000 },
      );
    });

    it('refuses invisible characters in names wherever they are, and never deletes them', () => {
      fc.assert(
        fc.property(
          fc.stringMatching(/^[A-Za-zÀ-ỹ ]{0,30}$/),
          fc.constantFrom(...INVISIBLES),
          fc.stringMatching(/^[A-Za-zÀ-ỹ ]{0,30}$/),
          (before, invisible, after) => {
            expect(cleanText(`${before}${invisible}${after}`, NAME).ok).toBe(false);
          },
        ),
      );
    });

    it('accepts every name made of Vietnamese words, unchanged but for spacing', () => {
      const word = fc.stringMatching(
        /^[A-ZĐÂĂÊÔƠƯ][a-zàáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ]{0,6}$/,
      );
      fc.assert(
        fc.property(fc.array(word, { minLength: 1, maxLength: 6 }), (words) => {
          expect(cleanText(`  ${words.join('   ')} `, NAME)).toEqual({ ok: true, text: words.join(' ') });
        }),
      );
    });
  });
});

describe('checkIdentifier', () => {
  it('accepts ids of their format and refuses anything else without repeating it', () => {
    expect(checkIdentifier('6f1c2a8e-1b2c-4d5e-8f90-1234567890ab', UUID_FORMAT, 'Mã')).toEqual({
      ok: true,
      text: '6f1c2a8e-1b2c-4d5e-8f90-1234567890ab',
    });
    expect(checkIdentifier('18073', UNIT_CODE_FORMAT, 'Mã xã').ok).toBe(true);
    for (const bad of ['1807', '18073\u0000', 'x'.repeat(100_000), 42, undefined, null, { code: '42' }]) {
      expect(checkIdentifier(bad, UNIT_CODE_FORMAT, 'Mã xã')).toEqual({
        ok: false,
        message: 'Mã xã không hợp lệ.',
      });
    }
  });
});
