/**
 * What an attacker can work out from a published table with totals, computed independently of how the
 * cells were chosen (cell-suppression.rules.ts): the tests run it on the rule's output and on the real
 * answers of `publicFigures`, and the resolver refuses to publish a table that fails the line check.
 *
 * A table: cells keyed by one coordinate per dimension, `null` where the cell is the total over that
 * dimension; `value` null when hidden. Every line (cells differing in one coordinate, with its total)
 * satisfies `total = sum of members`; a cell not in the table is 0.
 */

export type AuditedCell = { key: readonly (string | null)[]; value: number | null };

type LineOfCells = { members: AuditedCell[]; total: AuditedCell | undefined };

function linesOf(cells: readonly AuditedCell[]): LineOfCells[] {
  const lines = new Map<string, LineOfCells>();
  for (const cell of cells) {
    cell.key.forEach((coordinate, dimension) => {
      const id = `${dimension}:${JSON.stringify(cell.key.map((c, index) => (index === dimension ? '*' : c)))}`;
      let line = lines.get(id);
      if (!line) lines.set(id, (line = { members: [], total: undefined }));
      if (coordinate === null) line.total = cell;
      else line.members.push(cell);
    });
  }
  return [...lines.values()].filter((line) => line.total !== undefined && line.members.length > 0);
}

/**
 * The hidden cells that one subtraction reveals: in a line with exactly one hidden cell (a member: the
 * total minus the others; the total: the sum of the members).
 */
export function cellsRevealedBySubtraction(cells: readonly AuditedCell[]): AuditedCell[] {
  const revealed = new Set<AuditedCell>();
  for (const line of linesOf(cells)) {
    const hidden = [...line.members, line.total!].filter((cell) => cell.value === null);
    if (hidden.length === 1) revealed.add(hidden[0]!);
  }
  return [...revealed];
}

/**
 * The hidden cells whose value the published figures fix, by any combination of lines (exact linear
 * algebra over the rationals: a hidden cell is fixed when, in the reduced row echelon form of the lines'
 * equations over the hidden cells, its pivot row has no other variable). Meant for tables of up to a few
 * thousand cells (tests); cellsRevealedBySubtraction is the fast part of it.
 */
export function cellsDeterminedByTotals(cells: readonly AuditedCell[]): AuditedCell[] {
  const hidden = cells.filter((cell) => cell.value === null);
  const column = new Map(hidden.map((cell, index) => [cell, index]));
  // One equation per line, over the hidden cells only: members +1, total −1 (the rest is a constant).
  const rows: Map<number, bigint>[] = [];
  for (const line of linesOf(cells)) {
    const row = new Map<number, bigint>();
    for (const member of line.members) if (column.has(member)) row.set(column.get(member)!, 1n);
    if (column.has(line.total!)) row.set(column.get(line.total!)!, -1n);
    if (row.size > 0) rows.push(row);
  }
  const pivotRowOf = new Map<number, Map<number, bigint>>();
  const reduced: Map<number, bigint>[] = [];
  for (const candidate of rows) {
    let row: Map<number, bigint> | undefined = candidate;
    // Eliminate the pivots found so far from the new row.
    for (const [pivotColumn, pivotRow] of pivotRowOf) {
      const factor = row.get(pivotColumn);
      if (factor) row = combine(row, pivotRow, factor, pivotRow.get(pivotColumn)!);
    }
    if (row.size === 0) continue;
    const pivotColumn = Math.min(...row.keys());
    // Eliminate the new pivot from the rows found so far (Gauss–Jordan).
    for (let index = 0; index < reduced.length; index++) {
      const other = reduced[index]!;
      const factor = other.get(pivotColumn);
      if (!factor) continue;
      const updated = combine(other, row, factor, row.get(pivotColumn)!);
      reduced[index] = updated;
      for (const [column2, pivotRow] of pivotRowOf) if (pivotRow === other) pivotRowOf.set(column2, updated);
    }
    reduced.push(row);
    pivotRowOf.set(pivotColumn, row);
  }
  return [...pivotRowOf].filter(([, row]) => row.size === 1).map(([pivotColumn]) => hidden[pivotColumn]!);
}

/** `row·pivotValue − pivotRow·factor`, divided by the gcd of its coefficients (exact, small numbers). */
function combine(
  row: Map<number, bigint>,
  pivotRow: Map<number, bigint>,
  factor: bigint,
  pivotValue: bigint,
): Map<number, bigint> {
  const result = new Map<number, bigint>();
  for (const [column, value] of row) result.set(column, value * pivotValue);
  for (const [column, value] of pivotRow) {
    const next = (result.get(column) ?? 0n) - value * factor;
    if (next === 0n) result.delete(column);
    else result.set(column, next);
  }
  let divisor = 0n;
  for (const value of result.values()) divisor = gcd(divisor, value < 0n ? -value : value);
  if (divisor > 1n) for (const [column, value] of result) result.set(column, value / divisor);
  return result;
}

function gcd(a: bigint, b: bigint): bigint {
  while (b !== 0n) [a, b] = [b, a % b];
  return a;
}
