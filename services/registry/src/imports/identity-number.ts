import type { SpreadsheetCell } from '@ansinh/common/standalone';

export type IdentityNumbers = { citizenId: SpreadsheetCell; oldIdNumber: SpreadsheetCell };

const DIGITS_AND_SEPARATORS = /^'?[\d .-]+$/;

/**
 * The cell of a "Số CCCD/CMND" column as the CCCD or the old CMND it holds, told by its number of
 * digits: 12 a CCCD, 9 a CMND. A number Excel stored lost its leading 0 (every CCCD starts with one,
 * as do Hà Nội's CMNDs): 11 digits are a CCCD, 8 a CMND. Anything else goes to the CCCD, whose rules
 * say what is wrong with it.
 */
export function splitIdentityNumber(cell: SpreadsheetCell | undefined): IdentityNumbers {
  if (cell === null || cell === undefined) return { citizenId: null, oldIdNumber: null };
  if (typeof cell === 'number') {
    const digits = Number.isInteger(cell) && cell >= 0 ? String(cell) : null;
    if (digits?.length === 11) return { citizenId: `0${digits}`, oldIdNumber: null };
    if (digits?.length === 8) return { citizenId: null, oldIdNumber: `0${digits}` };
    if (digits?.length === 9) return { citizenId: null, oldIdNumber: digits };
    return { citizenId: cell, oldIdNumber: null };
  }
  if (typeof cell === 'string' && DIGITS_AND_SEPARATORS.test(cell.trim())) {
    let digits = 0;
    for (let i = 0; i < cell.length; i++) {
      const code = cell.charCodeAt(i);
      if (code >= 48 && code <= 57) digits++;
    }
    if (digits === 9) return { citizenId: null, oldIdNumber: cell };
  }
  return { citizenId: cell, oldIdNumber: null };
}
