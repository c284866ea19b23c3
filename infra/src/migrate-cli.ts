// `npm run migrate`: applies every subgraph's migrations to DATABASE_URL (or the embedded PostgreSQL).
import { migrateAll } from './migrate.ts';
import { ensurePostgres } from './postgres/postgres.ts';
import { repoRoot } from './repo-root.ts';

const postgres = await ensurePostgres({ databaseUrl: process.env.DATABASE_URL, repoRoot, log: console.log });
await migrateAll(postgres.url, console.log);
await postgres.stop();
