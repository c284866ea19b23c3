// What a process outside the servers needs (the spreadsheet import, its CLI and benchmark), without
// loading the ORM, GraphQL and HTTP stack that the main entry brings: that stack alone is about 80 MB.
export { arrayLiteral } from './db/array-literal.ts';
export { copyRows, copyValue, type CopyValue } from './db/copy-rows.ts';
export { applyScopedSession, inScopedTransaction, type ScopedSession } from './jobs/scoped-transaction.ts';
export {
  ACTOR_SETTINGS,
  CHANGE_REASON_SETTING,
  SCOPE_SETTING,
  WRITABLE_UNIT_IDS,
  subgraphRole,
  type Actor,
} from './scope/row-level-security.ts';
export { todayInVietnam } from './time/today.ts';
export { displayDate } from './time/display-date.ts';
export { foldText } from './text/fold-text.ts';
export {
  checkIdentifier,
  cleanText,
  TEXT_LIMITS,
  UNIT_CODE_FORMAT,
  UUID_FORMAT,
  type TextKind,
  type TextResult,
  type TextRule,
} from './text/text-policy.ts';
export {
  csvField,
  isNeutralizedFormula,
  neutralizeFormula,
  spreadsheetValue,
} from './text/spreadsheet-cell.ts';
export {
  DEFAULT_SPREADSHEET_LIMITS,
  openSpreadsheet,
  SpreadsheetError,
  type OpenedSpreadsheet,
  type OpenSpreadsheetOptions,
  type SpreadsheetCell,
  type SpreadsheetErrorCode,
  type SpreadsheetLimits,
  type SpreadsheetRow,
} from './spreadsheets/spreadsheet-source.ts';
