import { cleanText, type TextRule } from '@ansinh/common/standalone';
import { parseCsv } from './csv.ts';
import { addDays, covers, describePeriod, displayDate, overlaps, parseIsoDate } from '../unit-dates.ts';
import type { UnitMerge } from './unit-merges.ts';

export type UnitLevel = 'province' | 'district' | 'commune';

/** GSO code length of each level. */
export const CODE_LENGTH: Readonly<Record<UnitLevel, number>> = { province: 2, district: 3, commune: 5 };
const LEVEL_WORD: Readonly<Record<UnitLevel, string>> = {
  province: 'tỉnh',
  district: 'huyện',
  commune: 'xã',
};

/**
 * A unit as stored: one code within one validity period (dates `yyyy-mm-dd`, null an open end). Its
 * lineage (path, parent and successor versions, scope) is derived in SQL by
 * `registry.refresh_unit_lineage()`, the one place paths are computed.
 */
export type StoredUnit = {
  code: string;
  name: string;
  fullName: string;
  level: UnitLevel;
  kind: string;
  parentCode: string | null;
  validFrom: string | null;
  validTo: string | null;
  successorCodes: string[];
};

/** A unit read from a file. */
export type FileUnit = Omit<StoredUnit, 'successorCodes'> & {
  line: number;
  /** The file it was read from (its name), when several are imported together. */
  file?: string | null | undefined;
  /** The codes the file gives; null when it gives none (no `successor_code` column): keep what is stored. */
  successorCodes: string[] | null;
};

/** One thing wrong with an import, on a line of a file (null: not of one line). */
export type UnitProblem = {
  line: number | null;
  code: string | null;
  message: string;
  /** The file of the line, when several are imported together. */
  file?: string | null | undefined;
};

export function formatProblem(problem: UnitProblem): string {
  const where = [
    problem.file ? `Tệp ${problem.file}` : null,
    problem.line !== null ? `${problem.file ? 'dòng' : 'Dòng'} ${problem.line}` : null,
    problem.code ? `mã ${problem.code}` : null,
  ].filter(Boolean);
  return where.length ? `${where.join(', ')}: ${problem.message}` : problem.message;
}

export const REQUIRED_COLUMNS = ['code', 'name', 'level', 'parent_code'] as const;
export const OPTIONAL_COLUMNS = ['full_name', 'kind', 'valid_from', 'valid_to', 'successor_code'] as const;
type Column = (typeof REQUIRED_COLUMNS)[number] | (typeof OPTIONAL_COLUMNS)[number];
const KNOWN_COLUMNS = new Set<string>([...REQUIRED_COLUMNS, ...OPTIONAL_COLUMNS]);
const COLUMN_ALIASES: Readonly<Record<string, Column>> = { successor_codes: 'successor_code' };

/** Validity dates for rows that have none in the file (the CLI's `--valid-from` / `--valid-to`). */
export type ValidityDefaults = { validFrom?: string | null | undefined; validTo?: string | null | undefined };

const clean = (text: string) => text.normalize('NFC').replace(/\s+/g, ' ').trim();

/** The text policy (services/common/src/text) of the cells that become a unit's public names and code. */
const CELL_TEXT = {
  code: { label: 'mã đơn vị (code)', kind: 'line', maxLength: 10 },
  name: { label: 'tên đơn vị (name)', kind: 'line', maxLength: 100 },
  full_name: { label: 'tên đầy đủ (full_name)', kind: 'line', maxLength: 150 },
  kind: { label: 'loại đơn vị (kind)', kind: 'line', maxLength: 50 },
} as const satisfies Record<string, TextRule>;
const isCode = (text: string) => /^\d+$/.test(text);

/** Level words officials write, besides `province`, `district`, `commune`; `thành phố` depends on the code. */
const LEVEL_WORDS: Readonly<Record<string, UnitLevel | 'by-code'>> = {
  province: 'province',
  district: 'district',
  commune: 'commune',
  tỉnh: 'province',
  'thành phố trực thuộc trung ương': 'province',
  huyện: 'district',
  quận: 'district',
  'thị xã': 'district',
  'thành phố thuộc tỉnh': 'district',
  'thành phố thuộc thành phố trực thuộc trung ương': 'district',
  xã: 'commune',
  phường: 'commune',
  'thị trấn': 'commune',
  'đặc khu': 'commune',
  'đặc khu tại hải đảo': 'commune',
  'thành phố': 'by-code',
};

const LEVEL_BY_LENGTH = new Map<number, UnitLevel>(
  Object.entries(CODE_LENGTH).map(([level, length]) => [length, level as UnitLevel]),
);

/** The level a `level` cell means, or a problem; an empty cell means the level of the code's length. */
export function levelFromCell(cell: string, code: string): UnitLevel | { message: string } {
  const word = clean(cell).toLowerCase();
  const byLength = LEVEL_BY_LENGTH.get(code.length);
  const meaning = word === '' ? 'by-code' : LEVEL_WORDS[word];
  if (meaning === undefined) {
    return {
      message: `cấp "${clean(cell)}" không hợp lệ: dùng province, district, commune (hoặc tỉnh, huyện, quận, thị xã, thành phố, xã, phường, thị trấn, đặc khu)`,
    };
  }
  if (meaning !== 'by-code') return meaning;
  if (byLength) return byLength;
  return {
    message: `không xác định được cấp "${clean(cell)}" từ mã có ${code.length} chữ số (tỉnh 2, huyện 3, xã 5 chữ số)`,
  };
}

/** The kind in a full name (`Phường Nam Hà`, name `Nam Hà` → `Phường`), or the level word written. */
function kindFrom(fullName: string, name: string, levelCell: string): string {
  if (fullName.endsWith(` ${name}`)) return fullName.slice(0, -name.length - 1);
  const word = clean(levelCell);
  if (word && !['province', 'district', 'commune'].includes(word.toLowerCase())) {
    return word.charAt(0).toUpperCase() + word.slice(1).toLowerCase();
  }
  return '';
}

/** The short kind that starts a full name: `Thành phố` for `Thành phố thuộc tỉnh`, `Đặc khu` for `Đặc khu tại hải đảo`. */
function kindInFullName(kind: string): string {
  for (const prefix of ['Thành phố', 'Đặc khu']) if (kind.startsWith(prefix)) return prefix;
  return kind;
}

/**
 * Reads a units CSV (header row, columns by name, see the README): every row as a unit with its
 * line, and every problem of single rows (codes, levels, names, dates). Relations between rows and
 * with stored units are checked by {@link planUnitsImport}.
 */
export function readUnitsCsv(
  text: string,
  defaults: ValidityDefaults = {},
): { units: FileUnit[]; rows: number; problems: UnitProblem[]; warnings: UnitProblem[] } {
  let rowCount = 0;
  const problems: UnitProblem[] = [];
  const warnings: UnitProblem[] = [];
  const units: FileUnit[] = [];
  const defaultDate = (value: string | null | undefined, option: string): string | null => {
    if (value === null || value === undefined || value === '') return null;
    const date = parseIsoDate(value);
    if (!date)
      problems.push({ line: null, code: null, message: `${option} "${value}" không phải ngày yyyy-mm-dd` });
    return date;
  };
  const defaultFrom = defaultDate(defaults.validFrom, '--valid-from');
  const defaultTo = defaultDate(defaults.validTo, '--valid-to');

  const csv = parseCsv(text);
  if (csv.error) {
    problems.push({ line: csv.error.line, code: null, message: `tệp CSV sai cú pháp: ${csv.error.message}` });
    return { units, rows: rowCount, problems, warnings };
  }
  const [header, ...rows] = csv.records;
  if (!header) {
    problems.push({ line: null, code: null, message: 'tệp trống: cần dòng tiêu đề và các dòng đơn vị' });
    return { units, rows: rowCount, problems, warnings };
  }
  const columns = new Map<Column, number>();
  header.fields.forEach((cell, index) => {
    const name = cell.trim().toLowerCase();
    const column = COLUMN_ALIASES[name] ?? (KNOWN_COLUMNS.has(name) ? (name as Column) : undefined);
    if (!column) {
      warnings.push({
        line: header.line,
        code: null,
        message: `cột "${cell.trim()}" không dùng đến, bỏ qua`,
      });
    } else if (columns.has(column)) {
      problems.push({ line: header.line, code: null, message: `cột "${column}" có hai lần trong tiêu đề` });
    } else {
      columns.set(column, index);
    }
  });
  const missing = REQUIRED_COLUMNS.filter((column) => !columns.has(column));
  if (missing.length) {
    problems.push({
      line: header.line,
      code: null,
      message: `thiếu cột ${missing.join(', ')} trong dòng tiêu đề (cần: ${REQUIRED_COLUMNS.join(', ')}; tùy chọn: ${OPTIONAL_COLUMNS.join(', ')})`,
    });
    return { units, rows: rowCount, problems, warnings };
  }
  if (!rows.length) problems.push({ line: null, code: null, message: 'tệp không có dòng đơn vị nào' });

  for (const { line, fields } of rows) {
    if (fields.every((field) => field.trim() === '')) continue;
    const cell = (column: Column) => {
      const index = columns.get(column);
      return index === undefined ? '' : (fields[index] ?? '');
    };
    const rowProblems: UnitProblem[] = [];
    let code = '';
    const problem = (message: string) => rowProblems.push({ line, code: code || null, message });
    /** A cell through the text policy, or null when refused (its problem reported). */
    const text = (column: keyof typeof CELL_TEXT): string | null => {
      const result = cleanText(cell(column), CELL_TEXT[column]);
      if (result.ok) return result.text;
      problem(result.message);
      return null;
    };
    const codeText = text('code');
    code = codeText ?? '';
    if (fields.length > header.fields.length) {
      problem(`dòng có ${fields.length} cột, tiêu đề chỉ có ${header.fields.length} cột`);
    }
    if (codeText === '') problem('thiếu mã đơn vị (code)');
    else if (codeText !== null && !isCode(code)) problem(`mã "${code}" phải gồm các chữ số`);
    const nameText = text('name');
    const name = nameText ?? '';
    if (nameText === '') problem('tên đơn vị (name) không được để trống');

    const level = levelFromCell(cell('level'), code);
    if (typeof level === 'object') problem(level.message);
    else if (code && isCode(code) && code.length !== CODE_LENGTH[level]) {
      problem(`mã cấp ${LEVEL_WORD[level]} phải có ${CODE_LENGTH[level]} chữ số, mã này có ${code.length}`);
    }

    const parentCode = clean(cell('parent_code')) || null;
    if (parentCode && !isCode(parentCode)) problem(`mã đơn vị cha "${parentCode}" phải gồm các chữ số`);

    const date = (column: 'valid_from' | 'valid_to', fallback: string | null): string | null => {
      const value = cell(column).trim();
      if (!value) return fallback;
      const parsed = parseIsoDate(value);
      if (!parsed) problem(`${column} "${value}" không phải ngày có thật dạng yyyy-mm-dd`);
      return parsed ?? fallback;
    };
    const validFrom = date('valid_from', defaultFrom);
    const validTo = date('valid_to', defaultTo);
    if (validFrom && validTo && validTo < validFrom) {
      problem(
        `ngày hết hiệu lực (valid_to ${displayDate(validTo)}) trước ngày bắt đầu hiệu lực (valid_from ${displayDate(validFrom)})`,
      );
    }

    let successorCodes: string[] | null = null;
    if (columns.has('successor_code')) {
      const written = [...new Set(cell('successor_code').split('|').map(clean).filter(Boolean))];
      successorCodes = written.filter(
        (successor) => isCode(successor) && LEVEL_BY_LENGTH.has(successor.length),
      );
      for (const successor of written.filter((successor) => !successorCodes!.includes(successor))) {
        problem(`mã đơn vị kế thừa "${successor}" phải gồm 2, 3 hoặc 5 chữ số (nhiều mã cách nhau bởi |)`);
      }
    }

    const fullNameCell = text('full_name') ?? '';
    const kind = text('kind') || kindFrom(fullNameCell, name, cell('level'));
    const fullName = fullNameCell || (kind ? `${kindInFullName(kind)} ${name}` : name);
    problems.push(...rowProblems);
    rowCount += 1;
    // A row with a usable code and level takes part in the checks between rows even when it has other
    // problems, so that its children are not reported as orphans too.
    if (!code || !isCode(code) || typeof level === 'object') continue;
    if (validFrom && validTo && validTo < validFrom) continue;
    units.push({ line, code, name, fullName, level, kind, parentCode, validFrom, validTo, successorCodes });
  }
  return { units, rows: rowCount, problems, warnings };
}

/** What an import does: rows to insert and update, and every problem; nothing may be written when there is one. */
export type UnitsImportPlan = {
  problems: UnitProblem[];
  warnings: UnitProblem[];
  /** Units of the file that are not stored yet (no stored unit with that code and start). */
  inserts: StoredUnit[];
  /** Units of the file whose stored version differs. */
  updates: StoredUnit[];
  /** Units of the file stored exactly so. */
  unchanged: number;
  /** Stored units outside the file that change with it: successors from the merges. */
  relatedUpdates: StoredUnit[];
};

type Node = {
  unit: StoredUnit;
  /** Line in the file, null for a stored unit that the file does not name. */
  line: number | null;
  file: string | null;
  stored: StoredUnit | null;
  /** Successor codes from the file's column, null when it has none. */
  fileSuccessors: string[] | null;
  mergeSuccessors: string[] | null;
};

const keyOf = (unit: { code: string; validFrom: string | null }) => `${unit.code}|${unit.validFrom ?? ''}`;
const sameList = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && a.every((value, index) => value === b[index]);
export const sameUnit = (a: StoredUnit, b: StoredUnit): boolean =>
  a.code === b.code &&
  a.name === b.name &&
  a.fullName === b.fullName &&
  a.level === b.level &&
  a.kind === b.kind &&
  a.parentCode === b.parentCode &&
  a.validFrom === b.validFrom &&
  a.validTo === b.validTo &&
  sameList(a.successorCodes, b.successorCodes);

/** A merge map with the day its new units start (null: the one start of its new units in the files). */
export type MergeMap = {
  merges: readonly UnitMerge[];
  on?: string | null | undefined;
  file?: string | null | undefined;
};

/**
 * Checks the files' units against each other and against the stored units, and works out what to
 * write: successors (from the merge maps, from the file, else as stored), and which units are new,
 * changed or unchanged. Paths and the other lineage columns are computed in SQL after the write
 * (`registry.refresh_unit_lineage()`). Problems name their file and line.
 */
export function planUnitsImport(input: {
  units: readonly FileUnit[];
  stored: readonly StoredUnit[];
  /** One merge map (`merges`, its start taken from the files), or several with their days. */
  merges?: readonly UnitMerge[] | null | undefined;
  mergeMaps?: readonly MergeMap[] | null | undefined;
}): UnitsImportPlan {
  const problems: UnitProblem[] = [];
  const warnings: UnitProblem[] = [];
  const at = (node: { line: number | null; file: string | null }) =>
    node.file ? { line: node.line, file: node.file } : { line: node.line };
  const storedByKey = new Map<string, StoredUnit>();
  for (const unit of input.stored) if (!storedByKey.has(keyOf(unit))) storedByKey.set(keyOf(unit), unit);

  const fileByKey = new Map<string, Node>();
  for (const unit of input.units) {
    const key = keyOf(unit);
    const earlier = fileByKey.get(key);
    const file = unit.file ?? null;
    if (earlier) {
      const where =
        earlier.file && earlier.file !== file
          ? `dòng ${earlier.line} tệp ${earlier.file}`
          : `dòng ${earlier.line}`;
      problems.push({
        ...at({ line: unit.line, file }),
        code: unit.code,
        message: `trùng với ${where}: cùng mã và cùng ngày bắt đầu hiệu lực (${describePeriod(unit)})`,
      });
      continue;
    }
    const { line, successorCodes, file: _file, ...fields } = unit;
    void _file;
    const stored = storedByKey.get(key) ?? null;
    fileByKey.set(key, {
      unit: { ...fields, successorCodes: [] },
      line,
      file,
      stored,
      fileSuccessors: successorCodes,
      mergeSuccessors: null,
    });
  }
  const fileNodes = [...fileByKey.values()];
  const nodes: Node[] = [
    ...fileNodes,
    ...input.stored
      .filter((unit) => !fileByKey.has(keyOf(unit)))
      .map((unit) => ({
        unit,
        line: null,
        file: null,
        stored: unit,
        fileSuccessors: null,
        mergeSuccessors: null,
      })),
  ];
  const byCode = new Map<string, Node[]>();
  for (const node of nodes) {
    const list = byCode.get(node.unit.code);
    if (list) list.push(node);
    else byCode.set(node.unit.code, [node]);
  }
  const fileCodes = new Set(fileNodes.map((node) => node.unit.code));
  const lineOf = (node: Node) => (node.file ? `dòng ${node.line} tệp ${node.file}` : `dòng ${node.line}`);

  // One code, one unit a day: periods of a code must not overlap.
  for (const code of fileCodes) {
    const list = byCode.get(code)!;
    for (let i = 0; i < list.length; i += 1) {
      for (let j = i + 1; j < list.length; j += 1) {
        const [a, b] = [list[i]!, list[j]!];
        if (!overlaps(a.unit, b.unit)) continue;
        if (a.line !== null && b.line !== null) {
          problems.push({
            ...at(b),
            code,
            message: `trùng mã với ${lineOf(a)}: thời gian hiệu lực chồng lấn (${describePeriod(a.unit)} và ${describePeriod(b.unit)})`,
          });
        } else {
          const [inFile, stored] = a.line !== null ? [a, b] : [b, a];
          problems.push({
            ...at(inFile),
            code,
            message: `trùng thời gian hiệu lực (${describePeriod(inFile.unit)}) với đơn vị mã ${code} "${stored.unit.fullName}" đã có trong cơ sở dữ liệu (${describePeriod(stored.unit)}); hãy cho đơn vị cũ hết hiệu lực trước (valid_to)`,
          });
        }
      }
    }
  }

  const parentIn = (candidates: readonly Node[] | undefined, node: Node): Node | null =>
    candidates?.find((candidate) => candidate !== node && covers(candidate.unit, node.unit)) ?? null;
  const parents = new Map<Node, Node | null>();
  for (const node of nodes) {
    parents.set(node, node.unit.parentCode ? parentIn(byCode.get(node.unit.parentCode), node) : null);
  }
  const districtsOf = new Map<string, Node[]>();
  for (const node of nodes) {
    if (node.unit.level !== 'district' || !node.unit.parentCode) continue;
    const list = districtsOf.get(node.unit.parentCode);
    if (list) list.push(node);
    else districtsOf.set(node.unit.parentCode, [node]);
  }

  for (const node of fileNodes) {
    const { unit } = node;
    const problem = (message: string) => problems.push({ ...at(node), code: unit.code, message });
    if (unit.level === 'province') {
      if (unit.parentCode) problem(`đơn vị cấp tỉnh không có đơn vị cha (parent_code phải để trống)`);
      continue;
    }
    if (!unit.parentCode) {
      problem(`đơn vị cấp ${LEVEL_WORD[unit.level]} phải có mã đơn vị cha (parent_code)`);
      continue;
    }
    if (unit.parentCode === unit.code) {
      problem(
        `vòng lặp đơn vị cha: ${unit.code} → ${unit.code} (đơn vị không thể là đơn vị cha của chính nó)`,
      );
      continue;
    }
    const parent = parents.get(node);
    if (!parent) {
      const others = byCode.get(unit.parentCode);
      problem(
        others
          ? `đơn vị cha mã ${unit.parentCode} không có hiệu lực suốt thời gian của đơn vị (${describePeriod(unit)}); đơn vị cha ${others.map((other) => describePeriod(other.unit)).join('; ')}`
          : `không có đơn vị cha mã ${unit.parentCode} (không có trong tệp và trong cơ sở dữ liệu)`,
      );
      continue;
    }
    const parentLevel = parent.unit.level;
    if (unit.level === 'district' && parentLevel !== 'province') {
      problem(
        `đơn vị cấp huyện phải thuộc một tỉnh, đơn vị cha mã ${unit.parentCode} là cấp ${LEVEL_WORD[parentLevel]}`,
      );
    } else if (unit.level === 'commune' && parentLevel === 'commune') {
      problem(`đơn vị cấp xã phải thuộc một huyện hoặc một tỉnh, đơn vị cha mã ${unit.parentCode} là cấp xã`);
    } else if (unit.level === 'commune' && parentLevel === 'province') {
      const districts = (districtsOf.get(parent.unit.code) ?? []).filter((district) =>
        overlaps(district.unit, unit),
      );
      if (districts.length) {
        const sample = districts
          .slice(0, 5)
          .map((district) => district.unit.code)
          .join(', ');
        problem(
          `đơn vị cấp xã chỉ trực thuộc tỉnh khi tỉnh không có cấp huyện; trong thời gian ${describePeriod(unit)} tỉnh ${parent.unit.code} có ${districts.length} đơn vị cấp huyện (${sample}${districts.length > 5 ? ', …' : ''})`,
        );
      }
    }
  }

  // Cycles of parent links (each reported once, on the first of its lines in the files).
  const state = new Map<Node, 'visiting' | 'done'>();
  for (const start of fileNodes) {
    const chain: Node[] = [];
    let node: Node | null = start;
    while (node && !state.has(node)) {
      state.set(node, 'visiting');
      chain.push(node);
      node = parents.get(node) ?? null;
    }
    if (node && state.get(node) === 'visiting') {
      const cycle = chain.slice(chain.indexOf(node));
      const first = cycle.find((member) => member.line !== null) ?? cycle[0]!;
      const order = [...cycle.slice(cycle.indexOf(first)), ...cycle.slice(0, cycle.indexOf(first)), first];
      problems.push({
        ...at(first),
        code: first.unit.code,
        message: `vòng lặp đơn vị cha: ${order.map((member) => member.unit.code).join(' → ')} (dòng ${cycle
          .map((member) => member.line)
          .filter((value) => value !== null)
          .join(', ')})`,
      });
    }
    for (const member of chain) state.set(member, 'done');
  }

  // Stored units under a unit of the files must keep a parent for their whole period.
  const storedByCode = new Map<string, StoredUnit[]>();
  for (const unit of input.stored) {
    const list = storedByCode.get(unit.code);
    if (list) list.push(unit);
    else storedByCode.set(unit.code, [unit]);
  }
  for (const node of nodes) {
    if (node.line !== null || !node.unit.parentCode || !fileCodes.has(node.unit.parentCode)) continue;
    if (parents.get(node)) continue;
    const before = storedByCode.get(node.unit.parentCode)?.some((unit) => covers(unit, node.unit));
    if (before) {
      problems.push({
        line: null,
        code: node.unit.code,
        message: `đơn vị "${node.unit.fullName}" (${describePeriod(node.unit)}) đã có trong cơ sở dữ liệu sẽ không còn đơn vị cha mã ${node.unit.parentCode} có hiệu lực suốt thời gian của nó`,
      });
    }
  }

  const maps: MergeMap[] = [
    ...(input.merges?.length ? [{ merges: input.merges }] : []),
    ...(input.mergeMaps ?? []),
  ];
  for (const map of maps) applyMerges(map, fileNodes, byCode, problems);

  // Successors the files name must exist on the day after the unit ends.
  for (const node of fileNodes) {
    const successors = node.fileSuccessors;
    if (!successors?.length) continue;
    const { unit } = node;
    if (!unit.validTo) {
      problems.push({
        ...at(node),
        code: unit.code,
        message: 'có đơn vị kế thừa (successor_code) nhưng không có ngày hết hiệu lực (valid_to)',
      });
      continue;
    }
    const dayAfter = addDays(unit.validTo, 1);
    for (const successor of successors) {
      const candidates = byCode.get(successor);
      if (candidates?.some((candidate) => candidate.unit.validFrom === dayAfter)) continue;
      problems.push({
        ...at(node),
        code: unit.code,
        message: candidates
          ? `đơn vị kế thừa mã ${successor} không bắt đầu hiệu lực ngày ${displayDate(dayAfter)} (ngày sau khi đơn vị này hết hiệu lực)`
          : `không có đơn vị kế thừa mã ${successor} (không có trong tệp và trong cơ sở dữ liệu)`,
      });
    }
  }

  const successorsOf = (node: Node): string[] =>
    node.mergeSuccessors ?? node.fileSuccessors ?? node.stored?.successorCodes ?? [];
  problems.push(...successionCycles(nodes, byCode, successorsOf, at));

  const empty = { inserts: [], updates: [], unchanged: 0, relatedUpdates: [] };
  if (problems.length) return { problems: sortProblems(problems), warnings, ...empty };

  const plan: UnitsImportPlan = { problems, warnings, ...empty };
  for (const node of nodes) {
    if (node.line === null) {
      const changed: StoredUnit = { ...node.unit, successorCodes: successorsOf(node) };
      if (!sameUnit(changed, node.stored!)) plan.relatedUpdates.push(changed);
      continue;
    }
    const unit: StoredUnit = { ...node.unit, successorCodes: successorsOf(node) };
    if (!node.stored) plan.inserts.push(unit);
    else if (!sameUnit(unit, node.stored)) plan.updates.push(unit);
    else plan.unchanged += 1;
  }
  return plan;
}

/** The version of `code` whose period starts on `day` (the successor of a unit ending the day before). */
const startingOn = (byCode: ReadonlyMap<string, Node[]>, code: string, day: string) =>
  byCode.get(code)?.find((node) => node.unit.validFrom === day) ?? null;

/**
 * A chain of successions that comes back to a code it passed through another code (A → B → A
 * across periods): a territory cannot take itself over. A code kept from one period to the next
 * (A → A) is no cycle. Each cycle is reported once.
 */
function successionCycles(
  nodes: readonly Node[],
  byCode: ReadonlyMap<string, Node[]>,
  successorsOf: (node: Node) => string[],
  at: (node: Node) => { line: number | null; file?: string },
): UnitProblem[] {
  const next = (node: Node): Node[] => {
    if (!node.unit.validTo) return [];
    const day = addDays(node.unit.validTo, 1);
    return successorsOf(node)
      .map((code) => startingOn(byCode, code, day))
      .filter((successor): successor is Node => successor !== null);
  };
  const problems: UnitProblem[] = [];
  const reported = new Set<string>();
  for (const start of nodes) {
    if (!successorsOf(start).length) continue;
    // Depth-first over the chains from `start`, each version once.
    const seen = new Set<Node>([start]);
    const stack: Node[][] = [[start]];
    while (stack.length) {
      const chain = stack.pop()!;
      for (const successor of next(chain.at(-1)!)) {
        const path = [...chain, successor];
        const returns = successor.unit.code === start.unit.code;
        if (returns && path.some((member) => member.unit.code !== start.unit.code)) {
          const key = [...new Set(path.map((member) => member.unit.code))].sort().join('|');
          if (reported.has(key)) continue;
          reported.add(key);
          const first = path.find((member) => member.line !== null) ?? start;
          problems.push({
            ...at(first),
            code: start.unit.code,
            message: `vòng lặp kế thừa qua các thời kỳ: ${path
              .map((member) => `${member.unit.code} (${describePeriod(member.unit)})`)
              .join(' → ')}; một đơn vị không thể kế thừa lại chính mã của nó qua đơn vị khác`,
          });
          continue;
        }
        if (seen.has(successor)) continue;
        seen.add(successor);
        stack.push(path);
      }
    }
  }
  return problems;
}

/**
 * Successors from a merge map: each old unit that ends the day before the map's new units start
 * gets the codes of the new units that took it over (several when it was split). The map is checked
 * against the lists: an old or new code they do not have, or a new unit that does not start the day
 * after its old units end, is a problem and nothing is written.
 */
function applyMerges(
  map: MergeMap,
  fileNodes: readonly Node[],
  byCode: ReadonlyMap<string, Node[]>,
  problems: UnitProblem[],
): void {
  const name = map.file ? `tệp sáp nhập ${map.file}` : 'tệp sáp nhập';
  const problem = (code: string | null, message: string) =>
    problems.push({ line: null, code, message: `${name}: ${message}` });
  let on = map.on ?? null;
  if (!on) {
    const newCodes = new Set(map.merges.map((merge) => merge.newCode));
    const starts = new Set(
      fileNodes
        .filter((node) => node.unit.validFrom && newCodes.has(node.unit.code))
        .map((node) => node.unit.validFrom!),
    );
    if (starts.size === 0) {
      problem(
        null,
        'không đơn vị mới nào có trong tệp với ngày bắt đầu hiệu lực (cần --valid-from hoặc cột valid_from)',
      );
      return;
    }
    if (starts.size > 1) {
      problem(
        null,
        `các đơn vị mới trong tệp bắt đầu hiệu lực vào nhiều ngày khác nhau (${[...starts].sort().map(displayDate).join(', ')}); cần một ngày`,
      );
      return;
    }
    on = [...starts][0]!;
  }
  const lastDay = addDays(on, -1);
  const periods = (code: string) =>
    (byCode.get(code) ?? [])
      .map((node) => node.unit)
      .sort((a, b) => (a.validFrom ?? '').localeCompare(b.validFrom ?? ''))
      .map(describePeriod)
      .join('; ');
  const successors = new Map<string, string[]>();
  for (const merge of map.merges) {
    const target = startingOn(byCode, merge.newCode, on);
    if (!target) {
      problem(
        merge.newCode,
        byCode.has(merge.newCode)
          ? `đơn vị mới "${merge.newName}" không bắt đầu hiệu lực ngày ${displayDate(on)} (mã ${merge.newCode} có hiệu lực ${periods(merge.newCode)}): đơn vị kế thừa phải bắt đầu hiệu lực ngay sau ngày đơn vị cũ chấm dứt (${displayDate(lastDay)})`
          : `không có đơn vị mới mã ${merge.newCode} "${merge.newName}" trong danh sách đơn vị`,
      );
    }
    for (const old of merge.old) {
      const oldNode = byCode.get(old.code)?.find((node) => node.unit.validTo === lastDay);
      if (!oldNode) {
        problem(
          old.code,
          byCode.has(old.code)
            ? `đơn vị cũ "${old.name}" (mã ${old.code}, có hiệu lực ${periods(old.code)}) không chấm dứt ngày ${displayDate(lastDay)}, ngày trước khi đơn vị kế thừa mã ${merge.newCode} bắt đầu hiệu lực`
            : `không có đơn vị cũ mã ${old.code} "${old.name}" (sáp nhập vào mã ${merge.newCode}) trong danh sách đơn vị`,
        );
        continue;
      }
      if (!target) continue;
      const codes = successors.get(old.code) ?? [];
      if (!codes.includes(merge.newCode)) codes.push(merge.newCode);
      successors.set(old.code, codes);
    }
  }
  for (const [code, codes] of successors) {
    const old = byCode.get(code)!.find((node) => node.unit.validTo === lastDay)!;
    if (old.fileSuccessors?.length && !sameList([...old.fileSuccessors].sort(), [...codes].sort())) {
      problems.push({
        line: old.line,
        ...(old.file ? { file: old.file } : {}),
        code,
        message: `đơn vị kế thừa trong tệp (${old.fileSuccessors.join('|')}) khác với ${name} (${codes.join('|')})`,
      });
      continue;
    }
    old.mergeSuccessors = old.fileSuccessors?.length ? old.fileSuccessors : codes;
  }
}

/** Problems in the order of their files and lines, those of no line last. */
export function sortProblems(problems: UnitProblem[]): UnitProblem[] {
  return problems
    .map((problem, index) => ({ problem, index }))
    .sort(
      (a, b) =>
        (a.problem.line === null ? 1 : 0) - (b.problem.line === null ? 1 : 0) ||
        (a.problem.file ?? '').localeCompare(b.problem.file ?? '') ||
        (a.problem.line ?? Infinity) - (b.problem.line ?? Infinity) ||
        a.index - b.index,
    )
    .map(({ problem }) => problem);
}
