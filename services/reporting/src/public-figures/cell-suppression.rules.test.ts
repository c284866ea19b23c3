import { describe, expect, it } from '@jest/globals';
import {
  cellsDeterminedByTotals,
  cellsRevealedBySubtraction,
  type AuditedCell,
} from './cell-disclosure.audit.ts';
import {
  suppressSmallCells,
  TOTAL,
  type CellFigures,
  type SuppressedCell,
} from './cell-suppression.rules.ts';

const MINIMUM = 10;

/** A cell without totals, about `persons` distinct persons, all paid `perPerson` each. */
const cell = (key: string[], persons: number, perPerson = 500_000): CellFigures => ({
  key,
  beneficiaries: persons,
  amountPaid: persons * perPerson,
  persons,
  payees: persons,
});

const find = (table: SuppressedCell[], key: (string | null)[]) =>
  table.find((candidate) => JSON.stringify(candidate.key) === JSON.stringify(key))!;

const audited = (table: SuppressedCell[], measure: 'beneficiaries' | 'amountPaid' = 'beneficiaries') =>
  table.map((published): AuditedCell => ({ key: published.key, value: published[measure] }));

/** Each line of the table (cells along one dimension and their total), as lists of cells. */
function linesOf(table: SuppressedCell[]): { members: SuppressedCell[]; total: SuppressedCell }[] {
  const dimensions = table[0]!.key.length;
  const lines: { members: SuppressedCell[]; total: SuppressedCell }[] = [];
  for (const total of table) {
    for (let dimension = 0; dimension < dimensions; dimension++) {
      if (total.key[dimension] !== TOTAL) continue;
      const members = table.filter(
        (other) =>
          other.key[dimension] !== TOTAL &&
          other.key.every((coordinate, index) => index === dimension || coordinate === total.key[index]),
      );
      lines.push({ members, total });
    }
  }
  return lines;
}

/** A small deterministic generator (mulberry32), so that a failing random table can be reproduced. */
function random(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A random unit × program × month table: some cells absent, some small, some large. */
function randomTable(seed: number): CellFigures[] {
  const next = random(seed);
  const units = Array.from({ length: 2 + Math.floor(next() * 5) }, (_, index) => `u${index}`);
  const programs = Array.from({ length: 1 + Math.floor(next() * 3) }, (_, index) => `p${index}`);
  const months = Array.from({ length: 1 + Math.floor(next() * 5) }, (_, index) => `2026-0${index + 1}`);
  const cells: CellFigures[] = [];
  for (const unit of units)
    for (const program of programs)
      for (const month of months) {
        const draw = next();
        if (draw < 0.15) continue;
        const persons = draw < 0.45 ? 1 + Math.floor(next() * 9) : 10 + Math.floor(next() * 60);
        cells.push(cell([unit, program, month], persons, 500_000 + Math.floor(next() * 4) * 250_000));
      }
  return cells;
}

describe('suppressSmallCells', () => {
  it('publishes a table without small cells whole, totals as sums', () => {
    const table = suppressSmallCells(
      [
        cell(['a', '2026-01'], 12),
        cell(['b', '2026-01'], 15),
        cell(['a', '2026-02'], 11),
        cell(['b', '2026-02'], 20),
      ],
      MINIMUM,
    );
    expect(table.every((published) => !published.suppressed)).toBe(true);
    expect(find(table, [TOTAL, '2026-01'])).toMatchObject({ beneficiaries: 27, amountPaid: 27 * 500_000 });
    expect(find(table, ['a', TOTAL])).toMatchObject({ beneficiaries: 23 });
    expect(find(table, [TOTAL, TOTAL])).toMatchObject({ beneficiaries: 58 });
    expect(table).toHaveLength(9);
  });

  it('hides a small cell with count and amount, and a second one in its row so that the row total does not give it away', () => {
    const table = suppressSmallCells(
      [
        cell(['a', '2026-01'], 3),
        cell(['b', '2026-01'], 40),
        cell(['c', '2026-01'], 25),
        cell(['a', '2026-02'], 30),
        cell(['b', '2026-02'], 45),
        cell(['c', '2026-02'], 28),
      ],
      MINIMUM,
    );
    expect(find(table, ['a', '2026-01'])).toEqual({
      key: ['a', '2026-01'],
      beneficiaries: null,
      amountPaid: null,
      suppressed: true,
      reason: 'small',
    });
    for (const line of linesOf(table)) {
      const hidden = [...line.members, line.total].filter((published) => published.suppressed);
      expect(hidden.length === 0 || hidden.length >= 2).toBe(true);
    }
    const month = table.filter((published) => published.key[1] === '2026-01' && published.key[0] !== TOTAL);
    expect(month.filter((published) => published.suppressed).length).toBeGreaterThanOrEqual(2);
    expect(table.filter((published) => published.reason === 'complementary').length).toBeGreaterThanOrEqual(
      3,
    );
    expect(cellsRevealedBySubtraction(audited(table))).toEqual([]);
    expect(cellsDeterminedByTotals(audited(table))).toEqual([]);
  });

  it('publishes a total over hidden cells only when at least two of its members are hidden', () => {
    for (let seed = 1; seed <= 60; seed++) {
      const table = suppressSmallCells(randomTable(seed), MINIMUM);
      for (const { members, total } of linesOf(table)) {
        const hiddenMembers = members.filter((published) => published.suppressed).length;
        if (hiddenMembers > 0 && !total.suppressed) expect(hiddenMembers).toBeGreaterThanOrEqual(2);
        if (hiddenMembers === 1) expect(total.suppressed).toBe(true);
      }
    }
  });

  it('leaves no hidden value that a subtraction in a line, or any combination of lines, recomputes', () => {
    for (let seed = 1; seed <= 60; seed++) {
      const input = randomTable(seed);
      const table = suppressSmallCells(input, MINIMUM);
      for (const measure of ['beneficiaries', 'amountPaid'] as const) {
        expect({ seed, measure, revealed: cellsRevealedBySubtraction(audited(table, measure)) }).toEqual({
          seed,
          measure,
          revealed: [],
        });
        expect({ seed, measure, determined: cellsDeterminedByTotals(audited(table, measure)) }).toEqual({
          seed,
          measure,
          determined: [],
        });
      }
      // Every cell about fewer than MINIMUM persons is hidden; every shown figure is the sum it says it is.
      for (const source of input) {
        const published = find(table, [...source.key]);
        if (source.persons < MINIMUM) expect(published.suppressed).toBe(true);
        else if (!published.suppressed) expect(published.beneficiaries).toBe(source.beneficiaries);
      }
      for (const { members, total } of linesOf(table)) {
        if (total.suppressed || members.some((member) => member.suppressed)) continue;
        expect(total.beneficiaries).toBe(members.reduce((sum, member) => sum + member.beneficiaries!, 0));
      }
    }
  });

  it('finds the audit able to fail: one hidden cell in a line, or a box left open, is reported', () => {
    const open: AuditedCell[] = [
      { key: ['a', 'x'], value: null },
      { key: ['b', 'x'], value: 20 },
      { key: [null, 'x'], value: 25 },
      { key: ['a', null], value: 5 },
      { key: ['b', null], value: 20 },
      { key: [null, null], value: 25 },
    ];
    expect(cellsRevealedBySubtraction(open).map((hidden) => hidden.key)).toEqual([['a', 'x']]);
    expect(cellsDeterminedByTotals(open).map((hidden) => hidden.key)).toEqual([['a', 'x']]);
    // Two hidden cells per line everywhere, yet a combination of lines fixes the one between two boxes.
    const keys = ['r1', 'r2', 'r3', 'r4'].flatMap((row) => ['c1', 'c2', 'c3', 'c4'].map((col) => [row, col]));
    const hiddenKeys = new Set(['r1c1', 'r1c2', 'r2c1', 'r2c2', 'r3c3', 'r3c4', 'r4c3', 'r4c4', 'r1c3']);
    const bridge: AuditedCell[] = [
      ...keys.map(([row, col]) => ({ key: [row!, col!], value: hiddenKeys.has(`${row}${col}`) ? null : 12 })),
      ...['r1', 'r2', 'r3', 'r4'].map((row) => ({ key: [row, null], value: 60 })),
      ...['c1', 'c2', 'c3', 'c4'].map((col) => ({ key: [null, col], value: 60 })),
      { key: [null, null], value: 240 },
    ];
    expect(cellsRevealedBySubtraction(bridge)).toEqual([]);
    expect(cellsDeterminedByTotals(bridge).map((hidden) => hidden.key)).toEqual([['r1', 'c3']]);
  });

  it('hides a total over months that is about one person, though its sum of months is larger', () => {
    const months = Array.from({ length: 12 }, (_, index) => `2026-${String(index + 1).padStart(2, '0')}`);
    const input: CellFigures[] = [
      ...months.map((month) => cell(['alone', month], 1)),
      ...months.map((month) => cell(['many', month], 30)),
      { key: ['alone', TOTAL], beneficiaries: 0, amountPaid: 0, persons: 1, payees: 1 },
      { key: ['many', TOTAL], beneficiaries: 0, amountPaid: 0, persons: 31, payees: 31 },
    ];
    const table = suppressSmallCells(input, MINIMUM);
    expect(find(table, ['alone', TOTAL])).toMatchObject({ suppressed: true, reason: 'small' });
    expect(find(table, ['many', TOTAL]).reason).not.toBe('small');
    expect(cellsDeterminedByTotals(audited(table))).toEqual([]);
  });

  it('hides a cell whose amount is paid to only a few persons, however many are due', () => {
    const table = suppressSmallCells(
      [
        { key: ['a', '2026-12'], beneficiaries: 40, amountPaid: 1_000_000, persons: 40, payees: 2 },
        cell(['b', '2026-12'], 30),
        cell(['c', '2026-12'], 35),
        { key: ['d', '2026-12'], beneficiaries: 45, amountPaid: 0, persons: 45, payees: 0 },
      ],
      MINIMUM,
    );
    expect(find(table, ['a', '2026-12'])).toMatchObject({ suppressed: true, reason: 'small' });
    // Nobody paid yet is no one's payment: published as 0 (the second hidden cell is the smallest other).
    expect(find(table, ['b', '2026-12'])).toMatchObject({ suppressed: true, reason: 'complementary' });
    expect(find(table, ['d', '2026-12'])).toMatchObject({ suppressed: false, amountPaid: 0 });
    expect(cellsDeterminedByTotals(audited(table, 'amountPaid'))).toEqual([]);
  });

  it('hides a whole line when its only other cell is its total, and never lists cells nobody is in', () => {
    const table = suppressSmallCells(
      [cell(['a', 'p', '2026-01'], 4), cell(['b', 'p', '2026-01'], 50)],
      MINIMUM,
    );
    expect(find(table, ['a', 'p', '2026-01']).suppressed).toBe(true);
    // The program total of (a, 2026-01) equals its one program: hidden with it.
    expect(find(table, ['a', TOTAL, '2026-01']).suppressed).toBe(true);
    expect(table.some((published) => JSON.stringify(published.key) === '["a","q","2026-01"]')).toBe(false);
    expect(cellsDeterminedByTotals(audited(table))).toEqual([]);
  });

  it('answers the same table for the same figures in any order', () => {
    const input = randomTable(7);
    expect(suppressSmallCells([...input].reverse(), MINIMUM)).toEqual(suppressSmallCells(input, MINIMUM));
  });

  it('refuses a threshold that is not a positive integer and keys of different lengths', () => {
    expect(() => suppressSmallCells([], 0)).toThrow(RangeError);
    expect(() => suppressSmallCells([cell(['a'], 3), cell(['a', 'b'], 3)], MINIMUM)).toThrow(RangeError);
    expect(suppressSmallCells([], MINIMUM)).toEqual([]);
  });
});
