import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The documented matrix (docs/security/field-access.md), as the suite checks it. */
export const MATRIX_DOC = fileURLToPath(new URL('../../docs/security/field-access.md', import.meta.url));

export type MatrixRow = { coordinate: string; action: string; roles: Map<string, boolean> };

function tableBetween(markdown: string, name: string): string[][] {
  const begin = markdown.indexOf(`<!-- ${name}:begin -->`);
  const end = markdown.indexOf(`<!-- ${name}:end -->`);
  if (begin === -1 || end < begin) throw new Error(`${MATRIX_DOC} has no ${name} table`);
  return markdown
    .slice(begin, end)
    .split('\n')
    .filter((line) => line.trim().startsWith('|'))
    .map((line) =>
      line
        .trim()
        .slice(1, -1)
        .split('|')
        .map((cell) => cell.trim().replace(/^`|`$/g, '')),
    );
}

export function readFieldMatrix(markdown = readFileSync(MATRIX_DOC, 'utf8')): MatrixRow[] {
  const [header, separator, ...rows] = tableBetween(markdown, 'field-matrix');
  if (!header || !separator || header[0] !== 'field' || header[1] !== 'action') {
    throw new Error('the field matrix must start with the columns field | action | <roles…>');
  }
  const roles = header.slice(2);
  return rows.map((cells) => {
    const marks = cells.slice(2);
    if (marks.length !== roles.length || marks.some((mark) => mark !== '✓' && mark !== '–')) {
      throw new Error(`matrix row ${cells[0]}: one ✓ or – per role (${roles.join(', ')})`);
    }
    return {
      coordinate: cells[0]!,
      action: cells[1]!,
      roles: new Map(roles.map((role, index) => [role, marks[index] === '✓'])),
    };
  });
}

export const matrixRoles = (markdown = readFileSync(MATRIX_DOC, 'utf8')): string[] =>
  tableBetween(markdown, 'field-matrix')[0]!.slice(2);

/** Fields whose names look personal but stay open, with the reason (the doc's second table). */
export function readOpenFields(markdown = readFileSync(MATRIX_DOC, 'utf8')): Set<string> {
  const [, , ...rows] = tableBetween(markdown, 'open-fields');
  return new Set(rows.map((cells) => cells[0]!));
}

/** A leaf field whose name suggests personal data must be `@sensitive` or listed as open. */
export const LOOKS_PERSONAL =
  /name|birth|citizen|idnumber|phone|address|account|number|note|^before$|^after$|group/i;
