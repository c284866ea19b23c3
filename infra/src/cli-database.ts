import { resolve } from 'node:path';
import { ensurePostgres, type RunningPostgres } from './postgres/postgres.ts';
import { repoRoot } from './repo-root.ts';

/** A path given on an `npm run` command line: npm starts in the repository root, the user typed it elsewhere. */
export function pathFromCommandLine(path: string): string {
  return resolve(process.env.INIT_CWD ?? process.cwd(), path);
}

/**
 * The database of a command-line tool, as `npm run seed` finds it: DATABASE_URL when set, else the
 * embedded PostgreSQL. Exits with code 2 and a message when it cannot be reached.
 */
export async function cliDatabase(): Promise<RunningPostgres> {
  try {
    return await ensurePostgres({
      databaseUrl: process.env.DATABASE_URL,
      repoRoot,
      log: (line) => console.error(line),
    });
  } catch (error) {
    console.error(`Không kết nối được PostgreSQL: ${(error as Error).message.split('\n')[0]}`);
    process.exit(2);
  }
}
