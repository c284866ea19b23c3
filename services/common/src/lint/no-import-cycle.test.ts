import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Linter } from 'eslint';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tseslint from 'typescript-eslint';
import { importCyclePlugin } from './no-import-cycle.ts';

let folder: string;

const files: Record<string, string> = {
  'person.entity.ts': "export type Gender = 'male' | 'female';\n",
  'citizen-id.rule.ts':
    "import type { Gender } from './person.entity.ts';\nexport const check = (gender: Gender) => gender;\n",
  // person.rules ↔ citizen-id (through a type), as the registry once had.
  'person.rules.ts':
    "import { check } from './citizen-id-circle.ts';\nexport type Gender = 'male';\nexport const rule = check;\n",
  'citizen-id-circle.ts':
    "import type { Gender } from './person.rules.ts';\nexport const check = (gender: Gender) => gender;\n",
  // Three files in a circle: a → b → c → a.
  'a.ts': "export { b } from './b.ts';\nexport const a = 1;\n",
  'b.ts': "import { c } from './c.ts';\nexport const b = c;\n",
  'c.ts': "import { a } from './a.ts';\nexport const c = a;\n",
  // A dynamic import runs after the modules have loaded: no circle.
  'lazy.ts': "import { later } from './later.ts';\nexport const lazy = later;\n",
  'later.ts': "export const later = () => import('./lazy.ts');\n",
};

beforeAll(() => {
  folder = mkdtempSync(join(tmpdir(), 'import-cycle-'));
  for (const [name, source] of Object.entries(files)) writeFileSync(join(folder, name), source);
});

afterAll(() => rmSync(folder, { recursive: true, force: true }));

function lint(name: string): string[] {
  const linter = new Linter({ configType: 'flat', cwd: folder });
  const filename = join(folder, name);
  return linter
    .verify(
      readFileSync(filename, 'utf8'),
      [
        {
          files: ['**/*.ts'],
          languageOptions: { parser: tseslint.parser },
          plugins: { ansinh: importCyclePlugin },
          rules: { 'ansinh/no-import-cycle': 'error' },
        },
      ],
      filename,
    )
    .map((message) => message.message);
}

describe('ansinh/no-import-cycle', () => {
  it('passes modules that import their types from the owner', () => {
    expect(lint('citizen-id.rule.ts')).toEqual([]);
    expect(lint('person.entity.ts')).toEqual([]);
  });

  it('refuses a circle through a type import, on both sides', () => {
    expect(lint('person.rules.ts')).toEqual([
      'Import circle: person.rules.ts → citizen-id-circle.ts → person.rules.ts. Move what both need to the module that owns it.',
    ]);
    expect(lint('citizen-id-circle.ts')).toHaveLength(1);
  });

  it('refuses a longer circle, re-exports included', () => {
    expect(lint('a.ts')).toEqual([expect.stringContaining('a.ts → b.ts → c.ts → a.ts')]);
    expect(lint('c.ts')).toEqual([expect.stringContaining('c.ts → a.ts → b.ts → c.ts')]);
  });

  it('lets a dynamic import close a loop', () => {
    expect(lint('lazy.ts')).toEqual([]);
    expect(lint('later.ts')).toEqual([]);
  });
});
