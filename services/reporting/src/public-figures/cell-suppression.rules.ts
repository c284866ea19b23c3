/**
 * Statistical disclosure control of the public figures (công khai số liệu), without GraphQL or SQL.
 *
 * The figures form a table of any number of dimensions (unit × program × month), with totals: a cell's
 * key holds one coordinate per dimension, a member of that dimension or TOTAL (null), where the cell sums
 * the dimension. Every line of the table (the cells that differ in one coordinate only, with that
 * coordinate's TOTAL) satisfies `total = sum of members`; a cell absent from the table is known to be 0.
 *
 * 1. Primary suppression: a cell about fewer than `minimum` persons (paid or due, or paid when the amount
 *    is about some) is hidden, totals included (a month total of one person over twelve months sums to
 *    12, but is about one person).
 * 2. Complementary suppression, by hypercubes: for each primary cell, 2^D hidden cells are chosen, the
 *    corners of a box through it (in each dimension, its own coordinate and one other: another member,
 *    or TOTAL), every corner a cell of the table. Adding +t and −t alternately around such a box (same
 *    sign for a member and its TOTAL) keeps every line's equation true, so no combination of published
 *    figures fixes any hidden cell, not only no single subtraction: every hidden cell is a corner of a
 *    box. Boxes whose other corners are already hidden, then small, are preferred (least loss), among
 *    those that let the primary cell reach `minimum` (an attacker cannot prove it is small).
 */

/** A coordinate: a member of its dimension, or TOTAL (the sum over the dimension). */
export type Coordinate = string | null;
export const TOTAL = null;

export type CellFigures = {
  key: readonly Coordinate[];
  /** Persons paid or due. Read for cells without TOTAL; a total's is the sum of its members'. */
  beneficiaries: number;
  /** Amount paid (VND). Read for cells without TOTAL; a total's is the sum of its members'. */
  amountPaid: number;
  /** Distinct persons behind the cell's figures (for a total over months, each person once). */
  persons: number;
  /** Distinct persons whose payments make up `amountPaid`. */
  payees: number;
};

export type SuppressedCell = {
  key: Coordinate[];
  beneficiaries: number | null;
  amountPaid: number | null;
  suppressed: boolean;
  /** Why a cell is hidden: about too few persons itself, or to protect one that is. */
  reason: 'small' | 'complementary' | null;
};

type Cell = {
  key: Coordinate[];
  id: string;
  beneficiaries: number;
  amountPaid: number;
  persons: number;
  payees: number;
  primary: boolean;
  hidden: boolean;
  /** Position in key order: ties between equally cheap cells go to the first. */
  rank: number;
  /** The line through the cell along each dimension. */
  lines: Line[];
};

// Keys as text: coordinates joined by a unit separator, TOTAL as a NUL (neither occurs in a code or month).
const TOTAL_TEXT = '\u0000';
const idOf = (key: readonly Coordinate[]) => key.map((coordinate) => coordinate ?? TOTAL_TEXT).join('\u001f');
const lineIdOf = (key: readonly Coordinate[], dimension: number) =>
  key.map((coordinate, index) => (index === dimension ? '*' : (coordinate ?? TOTAL_TEXT))).join('\u001f');

/**
 * Other coordinates tried per dimension for one primary cell: the cheapest ones (already hidden, then
 * small) and TOTAL. A box over them always exists for a cell without TOTAL (its totals); for a total, when
 * none of these members closes a box, every member is tried.
 */
const ALTERNATIVES_TRIED = 8;

/**
 * The table with its totals, each cell published or hidden (see the module's comment). `cells` holds the
 * figures of the cells without TOTAL (those with no beneficiary are absent from the table) and, for the
 * totals, the distinct persons behind them (a total without a row is taken to be about as few persons as
 * its largest member, the fewest it can be about). Deterministic: the same input gives the same table.
 */
export function suppressSmallCells(cells: readonly CellFigures[], minimum: number): SuppressedCell[] {
  if (!Number.isInteger(minimum) || minimum < 1) throw new RangeError('minimum must be a positive integer');
  const dimensions = cells[0]?.key.length ?? 0;
  if (cells.some((cell) => cell.key.length !== dimensions))
    throw new RangeError('every cell needs one coordinate per dimension');
  const table = buildTable(cells, dimensions);
  const ordered = [...table.values()].sort(byKey);
  ordered.forEach((cell, rank) => (cell.rank = rank));
  linkLines(table, dimensions);
  for (const cell of table.values()) {
    cell.primary = cell.persons < minimum || (cell.payees > 0 && cell.payees < minimum);
    cell.hidden = cell.primary;
  }
  const primaries = ordered.filter((cell) => cell.primary);
  for (const cell of primaries) {
    for (const corner of protectingBox(cell, dimensions, minimum)) corner.hidden = true;
  }
  return ordered.map((cell) => ({
    key: cell.key,
    beneficiaries: cell.hidden ? null : cell.beneficiaries,
    amountPaid: cell.hidden ? null : cell.amountPaid,
    suppressed: cell.hidden,
    reason: cell.primary ? 'small' : cell.hidden ? 'complementary' : null,
  }));
}

/** Cells without TOTAL that have a beneficiary, and every total over them (sums; persons from the input). */
function buildTable(input: readonly CellFigures[], dimensions: number): Map<string, Cell> {
  const given = new Map(input.map((cell) => [idOf(cell.key), cell]));
  const table = new Map<string, Cell>();
  const largestMember = new Map<string, { persons: number; payees: number }>();
  for (const inner of input) {
    if (inner.key.some((coordinate) => coordinate === TOTAL) || inner.beneficiaries <= 0) continue;
    for (let subset = 0; subset < 2 ** dimensions; subset++) {
      const key = inner.key.map((coordinate, index) => ((subset >> index) & 1 ? TOTAL : coordinate));
      const id = idOf(key);
      let cell = table.get(id);
      if (!cell) {
        cell = {
          key,
          id,
          beneficiaries: 0,
          amountPaid: 0,
          persons: 0,
          payees: 0,
          primary: false,
          hidden: false,
          rank: 0,
          lines: [],
        };
        table.set(id, cell);
      }
      cell.beneficiaries += inner.beneficiaries;
      cell.amountPaid += inner.amountPaid;
      const largest = largestMember.get(id) ?? { persons: 0, payees: 0 };
      largestMember.set(id, {
        persons: Math.max(largest.persons, inner.persons),
        payees: Math.max(largest.payees, inner.payees),
      });
    }
  }
  for (const cell of table.values()) {
    const figures = given.get(cell.id) ?? largestMember.get(cell.id)!;
    cell.persons = figures.persons;
    cell.payees = figures.payees;
  }
  return table;
}

type Line = { members: Cell[]; total: Cell | undefined; byCoordinate: Map<Coordinate, Cell> };

/** Gives each cell the line through it along each dimension (cells equal but in that coordinate). */
function linkLines(table: Map<string, Cell>, dimensions: number): void {
  const byDimension = Array.from({ length: dimensions }, () => new Map<string, Line>());
  for (const cell of table.values()) {
    for (let dimension = 0; dimension < dimensions; dimension++) {
      const id = lineIdOf(cell.key, dimension);
      let line = byDimension[dimension]!.get(id);
      if (!line)
        byDimension[dimension]!.set(id, (line = { members: [], total: undefined, byCoordinate: new Map() }));
      if (cell.key[dimension] === TOTAL) line.total = cell;
      else line.members.push(cell);
      line.byCoordinate.set(cell.key[dimension] as Coordinate, cell);
      cell.lines[dimension] = line;
    }
  }
}

type Box = { corners: Cell[]; cost: number; protects: boolean };

/**
 * The cheapest box (2^D corners, all cells of the table) through `cell`, preferring those that protect it
 * (its value plus the smallest corner of the opposite sign reaches `minimum`).
 */
function protectingBox(cell: Cell, dimensions: number, minimum: number): Cell[] {
  const costOf = (corner: Cell) => (corner.hidden ? 0 : corner.beneficiaries + 1);
  // Per dimension, the other coordinates the box may take: another member of the line, or its TOTAL.
  const cheaper = (a: Cell, b: Cell) => costOf(a) - costOf(b) || a.rank - b.rank;
  const alternatives = (limit: number) =>
    Array.from({ length: dimensions }, (_, dimension) => {
      const line = cell.lines[dimension]!;
      const options = cheapest(
        line.members.filter((member) => member !== cell),
        limit,
        cheaper,
      );
      if (cell.key[dimension] !== TOTAL && line.total) options.push(line.total);
      return options.sort(cheaper).map((option) => option.key[dimension] as Coordinate);
    });
  let best: Box | undefined;
  const done = () => best !== undefined && best.protects && best.cost === 0;

  // Corners with their sign: a sign flips where the box takes its other member in a dimension between two
  // members; a member and its TOTAL move together. Alternatives are tried cheapest first and a box only
  // replaces a strictly better one, so the first of equal boxes is kept: the same input, the same box.
  type Corner = { cell: Cell; sign: 1 | -1 };
  const search = (options: Coordinate[][], dimension: number, corners: Corner[], cost: number) => {
    if (done() || (best && best.protects && cost >= best.cost)) return;
    if (dimension === dimensions) {
      let room = Number.POSITIVE_INFINITY;
      for (const corner of corners) if (corner.sign === -1) room = Math.min(room, corner.cell.beneficiaries);
      const protects = cell.beneficiaries + room >= minimum;
      if (!best || (protects && !best.protects) || (protects === best.protects && cost < best.cost))
        best = { corners: corners.map((corner) => corner.cell), cost, protects };
      return;
    }
    const own = cell.key[dimension] as Coordinate;
    for (const other of options[dimension]!) {
      const flips = own !== TOTAL && other !== TOTAL;
      const next: Corner[] = [...corners];
      let addedCost = 0;
      let complete = true;
      for (const corner of corners) {
        const found = corner.cell.lines[dimension]!.byCoordinate.get(other);
        if (!found) {
          complete = false;
          break;
        }
        next.push({ cell: found, sign: flips ? (-corner.sign as 1 | -1) : corner.sign });
        addedCost += costOf(found);
      }
      if (complete) search(options, dimension + 1, next, cost + addedCost);
      if (done()) return;
    }
  };
  search(alternatives(ALTERNATIVES_TRIED), 0, [{ cell, sign: 1 }], 0);
  if (!best) search(alternatives(Number.POSITIVE_INFINITY), 0, [{ cell, sign: 1 }], 0);
  if (!best) throw new Error(`no box of hidden cells protects ${cell.id}`);
  return best.corners;
}

/** The `limit` first of `cells` in `order` (all of them when fewer), without sorting them all. */
function cheapest(cells: Cell[], limit: number, order: (a: Cell, b: Cell) => number): Cell[] {
  if (cells.length <= limit) return [...cells];
  const chosen: Cell[] = [];
  for (const candidate of cells) {
    if (chosen.length === limit && order(candidate, chosen[limit - 1]!) >= 0) continue;
    let index = Math.min(chosen.length, limit - 1);
    chosen[index] = candidate;
    while (index > 0 && order(chosen[index]!, chosen[index - 1]!) < 0) {
      [chosen[index], chosen[index - 1]] = [chosen[index - 1]!, chosen[index]!];
      index--;
    }
  }
  return chosen;
}

function byKey(a: { key: readonly Coordinate[] }, b: { key: readonly Coordinate[] }): number {
  for (let index = 0; index < a.key.length; index++) {
    const [x, y] = [a.key[index], b.key[index]];
    if (x === y) continue;
    if (x === TOTAL) return 1;
    if (y === TOTAL) return -1;
    return x! < y! ? -1 : 1;
  }
  return 0;
}
