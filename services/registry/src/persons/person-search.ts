import { foldText } from '../text/fold-text.ts';
import type { FieldProblem } from './person.rules.ts';

export type PersonSearch = {
  /** Words of the name, folded; each must begin a word of the person's name. */
  nameWords: string[];
  citizenId: string | null;
  oldIdNumber: string | null;
  status: 'living' | 'deceased' | 'moved_away' | null;
  householdId: string | null;
};

const REGEX_SPECIAL = /[.*+?^${}()|[\]\\]/g;

/** A name pattern for one folded word: it must start a word of the name (`an` finds An and Anh, not Lan). */
export const wordStartPattern = (word: string) => `(^| )${word.replace(REGEX_SPECIAL, '\\$&')}`;

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
  const nameWords = filter.name ? foldText(filter.name).split(' ').filter(Boolean) : [];
  if (nameWords.length > 8) return { field: 'filter.name', message: 'Tên tìm kiếm quá dài (tối đa 8 từ).' };
  const id = filter.idNumber?.replace(/[\s.]/g, '') ?? '';
  if (id && !/^(\d{9}|\d{12})$/.test(id)) {
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
