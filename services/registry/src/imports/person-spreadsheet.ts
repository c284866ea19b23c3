import type { Readable } from 'node:stream';
import {
  openSpreadsheet as openListSpreadsheet,
  type OpenedSpreadsheet,
  type OpenSpreadsheetOptions as ListSpreadsheetOptions,
} from '@ansinh/common/standalone';
import { headerRecogniser, type ColumnAssignment } from './column-mapping.ts';

export type OpenSpreadsheetOptions = Omit<ListSpreadsheetOptions, 'isKnownHeader'> & {
  /** Columns the user assigned by hand: their headers count as known when looking for the header row. */
  columns?: readonly ColumnAssignment[] | undefined;
};

/**
 * Opens an official's list of persons with common's spreadsheet reader (services/common/src/spreadsheets),
 * the header row recognised by the person import's columns and aliases (column-mapping.ts) and any the
 * user assigned.
 */
export function openSpreadsheet(
  input: string | Readable,
  options: OpenSpreadsheetOptions = {},
): Promise<OpenedSpreadsheet> {
  const { columns, ...rest } = options;
  return openListSpreadsheet(input, { ...rest, isKnownHeader: headerRecogniser(columns) });
}
