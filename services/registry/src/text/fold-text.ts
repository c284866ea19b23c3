/**
 * Text folded for accent-insensitive comparison: NFC-insensitive, lower case, Vietnamese marks
 * removed (đ becomes d), runs of white space as one space. `Nguyễn  Văn Án` → `nguyen van an`.
 * The database folds names the same way (`registry.fold_name`) so that search matches this.
 */
export function foldText(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[đĐ]/g, 'd')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim();
}
