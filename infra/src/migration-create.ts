// Generates a migration for one subgraph from the difference between its entities and its
// migrated schema: `npm run migration:create -- registry`. Review the file, add what the diff
// cannot know (extensions, views, GiST indexes), and commit it with the snapshot.
import { openOwnerOrm } from '@ansinh/common';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { migrateAll } from './migrate.ts';
import { ensurePostgres, withDatabase } from './postgres/postgres.ts';
import { repoRoot } from './repo-root.ts';
import { SUBGRAPHS } from './subgraphs.ts';

const name = process.argv[2];
const subgraph = SUBGRAPHS.find((candidate) => candidate.name === name);
if (!subgraph) {
  console.error(`usage: npm run migration:create -- <${SUBGRAPHS.map((s) => s.name).join('|')}>`);
  process.exit(2);
}
const postgres = await ensurePostgres({ databaseUrl: process.env.DATABASE_URL, repoRoot });
const scratch = `migration_${randomBytes(4).toString('hex')}`;
const admin = new pg.Client({ connectionString: withDatabase(postgres.url, 'postgres') });
await admin.connect();
await admin.query(`create database ${scratch}`);
try {
  const url = withDatabase(postgres.url, scratch);
  await migrateAll(url);
  const orm = await openOwnerOrm({ ...subgraph, databaseUrl: url });
  const result = await orm.migrator.create();
  await orm.close(true);
  console.log(result.fileName ? `created ${result.fileName}` : 'no changes');
} finally {
  await admin.query(`drop database ${scratch} with (force)`);
  await admin.end();
  await postgres.stop();
}
