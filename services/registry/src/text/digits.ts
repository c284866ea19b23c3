const ALL_DIGITS = /^\d+$/;

/**
 * The digits of a number written with the separators officials use (`042 195 000 123`,
 * `0912.345.678`, `(0239) 3855-123`); null when anything else is in it, or no digit.
 * Text already cleaned by the text policy, so white space is single spaces.
 */
export function digitsOf(text: string): string | null {
  if (ALL_DIGITS.test(text)) return text;
  let digits = '';
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code >= 48 && code <= 57) digits += text[i];
    // space . - ( )
    else if (code !== 32 && code !== 46 && code !== 45 && code !== 40 && code !== 41) return null;
  }
  return digits === '' ? null : digits;
}
