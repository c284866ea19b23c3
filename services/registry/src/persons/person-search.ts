import { TEXT_LIMITS, foldText } from '@ansinh/common/standalone';
import { digitsOf } from '../text/digits.ts';
import type { FieldProblem } from '../text/field-text.ts';
import type { PersonStatus } from './person.entity.ts';

export type PersonSearch = {
  /** Words of the name, folded (letters and digits); each must begin a word of the person's name. */
  nameWords: string[];
  citizenId: string | null;
  oldIdNumber: string | null;
  status: PersonStatus | null;
  householdId: string | null;
};

/**
 * A text-search query for the folded words, in any order: each must be a word of the name, and the
 * last one (perhaps still being typed) the beginning of one (`nguyen van an` finds Nguyễn Văn An and
 * Nguyễn Văn Anh; `an` finds An and Anh, not Lan). Whole words keep the index lookups cheap. Words are
 * letters and digits only, so nothing else reaches the query.
 */
export const nameWordsQuery = (words: readonly string[]) =>
  words.map((word, index) => (index === words.length - 1 ? `${word}:*` : word)).join(' & ');

/**
 * Reads a search filter: the name accent- and case-insensitively, word by word in any order
 * (`nguyen van an` finds Nguyễn Văn An), an ID number (12-digit CCCD or 9-digit CMND), a status.
 */
export function readPersonSearch(filter: {
  name?: string | null | undefined;
  idNumber?: string | null | undefined;
  status?: PersonSearch['status'] | undefined;
  householdId?: string | null | undefined;
}): PersonSearch | FieldProblem {
  if (filter.name && filter.name.length > TEXT_LIMITS.name)
    return { field: 'filter.name', message: `Tên tìm kiếm quá dài (tối đa ${TEXT_LIMITS.name} ký tự).` };
  // Split as PostgreSQL's 'simple' text search splits the folded names: on anything but letters and digits.
  const nameWords = filter.name
    ? foldText(filter.name)
        .split(/[^a-z0-9]+/)
        .filter(Boolean)
    : [];
  if (nameWords.length > 8) return { field: 'filter.name', message: 'Tên tìm kiếm quá dài (tối đa 8 từ).' };
  // Written as the register takes it (separators allowed), so that any number it stored is found.
  const written = filter.idNumber?.trim() ?? '';
  const id = written === '' ? '' : written.length > 40 ? null : digitsOf(written.replace(/\s+/g, ' '));
  if (id === null || (id && !/^(\d{9}|\d{12})$/.test(id))) {
    return { field: 'filter.idNumber', message: 'Số CCCD phải gồm 12 chữ số, số CMND 9 chữ số.' };
  }
  return {
    nameWords,
    citizenId: id.length === 12 ? id : null,
    oldIdNumber: id.length === 9 ? id : null,
    status: filter.status ?? null,
    householdId: filter.householdId ?? null,
  };
}
