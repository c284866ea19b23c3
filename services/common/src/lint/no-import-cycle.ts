import type { Rule } from 'eslint';
import { readFileSync, statSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import ts from 'typescript';

// An ESLint rule that refuses import circles between the files of a package (`a.ts` imports `b.ts`,
// which imports `a.ts`, directly or through others). A circle makes the order in which modules run
// depend on which one is loaded first, and says that a type or a helper lives away from its owner.
// Static imports count, `import type` included (a type belongs to one module, which the others
// import); dynamic `import()` does not: it runs after every module has loaded. Only relative
// imports are followed: packages depend on each other through their declared dependencies.

type ImportsOf = { mtimeMs: number; imports: readonly string[] };

/** Imports of each file read from disk, kept while the file is unchanged (one lint run, or an editor's). */
const importsByFile = new Map<string, ImportsOf>();

const isFile = (path: string) => {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
};

/** The file a relative specifier names (with its extension, as this repository writes them), if any. */
function resolveImport(fromFile: string, specifier: string): string | undefined {
  if (!specifier.startsWith('./') && !specifier.startsWith('../')) return undefined;
  const target = resolve(dirname(fromFile), specifier);
  return [target, `${target}.ts`, `${target}/index.ts`].find(isFile);
}

/** The files a module imports statically (imports and re-exports, types included). */
export function staticImportsOf(file: string, source: string): string[] {
  const sourceFile = ts.createSourceFile(file, source, ts.ScriptTarget.Latest, false);
  const imports: string[] = [];
  for (const statement of sourceFile.statements) {
    const specifier =
      (ts.isImportDeclaration(statement) || ts.isExportDeclaration(statement)) &&
      statement.moduleSpecifier &&
      ts.isStringLiteral(statement.moduleSpecifier)
        ? statement.moduleSpecifier.text
        : undefined;
    const target = specifier === undefined ? undefined : resolveImport(file, specifier);
    if (target !== undefined) imports.push(target);
  }
  return imports;
}

function importsOnDisk(file: string): readonly string[] {
  let mtimeMs: number;
  try {
    mtimeMs = statSync(file).mtimeMs;
  } catch {
    return [];
  }
  const known = importsByFile.get(file);
  if (known?.mtimeMs === mtimeMs) return known.imports;
  const imports = staticImportsOf(file, readFileSync(file, 'utf8'));
  importsByFile.set(file, { mtimeMs, imports });
  return imports;
}

/** A chain of imports from `start` back to `target` (both included), or undefined when there is none. */
function pathBack(start: string, target: string, seen: Set<string>): string[] | undefined {
  if (start === target) return [target];
  if (seen.has(start)) return undefined;
  seen.add(start);
  for (const next of importsOnDisk(start)) {
    const rest = pathBack(next, target, seen);
    if (rest) return [start, ...rest];
  }
  return undefined;
}

export const noImportCycle: Rule.RuleModule = {
  meta: {
    type: 'problem',
    docs: { description: 'Refuse import circles between the modules of a package.' },
    schema: [],
    messages: {
      cycle: 'Import circle: {{path}}. Move what both need to the module that owns it.',
    },
  },
  create(context) {
    const file = context.filename;
    const check = (node: Rule.Node, source: unknown) => {
      if (typeof source !== 'string') return;
      const target = resolveImport(file, source);
      if (target === undefined) return;
      const path = pathBack(target, file, new Set([file]));
      if (!path) return;
      const names = [file, ...path].map((step) => relative(dirname(file), step) || step);
      context.report({ node, messageId: 'cycle', data: { path: names.join(' → ') } });
    };
    return {
      ImportDeclaration: (node) => check(node, node.source.value),
      ExportNamedDeclaration: (node) => check(node, node.source?.value),
      ExportAllDeclaration: (node) => check(node, node.source.value),
    };
  },
};

/** The rule as an ESLint plugin: `plugins: { ansinh: importCyclePlugin }`, rule `ansinh/no-import-cycle`. */
export const importCyclePlugin = { rules: { 'no-import-cycle': noImportCycle } };
