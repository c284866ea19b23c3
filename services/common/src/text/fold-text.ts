/** The rule, for any text. */
function foldByRule(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[đĐ]/g, 'd')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim();
}

// The rule applied once to each character of the blocks Vietnamese is written in (Latin, its accents, and
// the precomposed letters ạ…ỹ): a name is then folded character by character, several times faster than by
// normalising it, which the spreadsheet import does for every row. ' ' stands for white space.
const LATIN_END = 0x250;
const MARKS_START = 0x300;
const MARKS_END = 0x370;
const VIETNAMESE_START = 0x1e00;
const VIETNAMESE_END = 0x1f00;
const foldedCharacter = (code: number) => {
  const character = String.fromCharCode(code);
  return /\s/.test(character) ? ' ' : foldByRule(character);
};
const LATIN = Array.from({ length: LATIN_END }, (_, code) => foldedCharacter(code));
const VIETNAMESE = Array.from({ length: VIETNAMESE_END - VIETNAMESE_START }, (_, offset) =>
  foldedCharacter(VIETNAMESE_START + offset),
);

/**
 * Text folded for accent-insensitive comparison: NFC-insensitive, lower case, Vietnamese marks
 * removed (đ becomes d), runs of white space as one space. `Nguyễn  Văn Án` → `nguyen van an`.
 * The database folds names the same way (`registry.fold_name`) so that search matches this.
 */
export function foldText(text: string): string {
  let folded = '';
  let space = false;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    const character =
      code < LATIN_END
        ? LATIN[code]!
        : code >= MARKS_START && code < MARKS_END
          ? ''
          : code >= VIETNAMESE_START && code < VIETNAMESE_END
            ? VIETNAMESE[code - VIETNAMESE_START]!
            : undefined;
    if (character === undefined) return foldByRule(text);
    if (character === ' ') space = folded.length > 0;
    else if (character !== '') {
      if (space) {
        folded += ' ';
        space = false;
      }
      folded += character;
    }
  }
  return folded;
}
