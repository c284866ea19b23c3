import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DocumentNode } from 'graphql';
import { gql } from 'graphql-tag';

/**
 * The SDL files of a subgraph package: every `*.graphql` under its `src/` (each capability keeps its
 * part beside its code, `src/persons/persons.graphql`), the package-wide one (`src/<name>.graphql`,
 * with the federation `@link`s and directives) first, then by path so that the order is stable.
 */
export function subgraphSdlFiles(packageDirectory: string): string[] {
  const source = join(packageDirectory, 'src');
  const files = readdirSync(source, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.graphql'))
    .map((entry) => join(entry.parentPath, entry.name))
    .filter((file) => !relative(source, file).startsWith('generated'));
  const depth = (file: string) => relative(source, file).split(/[\\/]/).length;
  return [
    ...files.sort((a, b) => depth(a) - depth(b) || a.localeCompare(b)),
    ...sharedSdlFiles(packageDirectory),
  ];
}

/**
 * Parts of services/common's SDL that a subgraph includes, named in its package.json
 * (`"ansinh": { "sharedSdl": ["jobs"] }` → services/common/src/jobs/jobs.graphql): the job API is
 * the same in every subgraph that runs jobs, so it is written once.
 */
export function sharedSdlFiles(packageDirectory: string): string[] {
  const manifest = JSON.parse(readFileSync(join(packageDirectory, 'package.json'), 'utf8')) as {
    ansinh?: { sharedSdl?: string[] };
  };
  return (manifest.ansinh?.sharedSdl ?? []).map((part) => {
    if (!/^[a-z][a-z-]*$/.test(part)) throw new Error(`${packageDirectory}: no shared SDL part "${part}"`);
    return fileURLToPath(new URL(`../${part}/${part}.graphql`, import.meta.url));
  });
}

/** A subgraph's SDL, all its parts in one text (what `compose` and the security model read too). */
export function subgraphSdl(packageDirectory: string): string {
  return subgraphSdlFiles(packageDirectory)
    .map((file) => readFileSync(file, 'utf8'))
    .join('\n');
}

/** The SDL of the subgraph package whose `src/` module calls this. */
export function loadTypeDefs(moduleUrl: string): DocumentNode {
  return gql(subgraphSdl(fileURLToPath(new URL('..', moduleUrl))));
}
