import type { FieldProblem } from '../text/field-text.ts';
import type { PovertyStatus } from './household.entity.ts';

// The rules of a household, for the API (household.service.ts) and the spreadsheet import
// (imports/person-row.rules.ts) alike.

export const HOUSEHOLD_CODE_MISSING: FieldProblem = Object.freeze({
  field: 'code',
  message: 'Mã hộ không được để trống.',
});

const POVERTY_YEAR_MISSING: FieldProblem = Object.freeze({
  field: 'povertyYear',
  message: 'Hộ nghèo / cận nghèo cần năm xét duyệt.',
});

let yearRangeProblem: FieldProblem | undefined;
let yearRangeProblemYear = 0;

/**
 * Hộ nghèo / cận nghèo is decided by a yearly review (rà soát hằng năm), so a poor or near-poor
 * household has the year of its review, from 2000 (the first national poverty lines in force) to this
 * year in Vietnam; a household that is neither may keep the year it was last reviewed.
 */
export function checkPoverty(
  status: PovertyStatus,
  year: number | null,
  currentYear: number,
): FieldProblem | undefined {
  if (year !== null && (!Number.isInteger(year) || year < 2000 || year > currentYear)) {
    // One problem object per current year: the import checks a million rows against the same year.
    if (yearRangeProblem === undefined || yearRangeProblemYear !== currentYear) {
      yearRangeProblemYear = currentYear;
      yearRangeProblem = Object.freeze({
        field: 'povertyYear',
        message: `Năm xét duyệt hộ nghèo phải là một năm từ 2000 đến ${currentYear}.`,
      });
    }
    return yearRangeProblem;
  }
  if (status !== 'none' && year === null) return POVERTY_YEAR_MISSING;
  return undefined;
}
