// `npm run seed`: loads the demo data into DATABASE_URL (or the embedded PostgreSQL), migrating first.
import { seedDemoData } from './demo/demo-data.ts';
import { migrateAll } from './migrate.ts';
import { ensurePostgres } from './postgres/postgres.ts';
import { repoRoot } from './repo-root.ts';

const postgres = await ensurePostgres({ databaseUrl: process.env.DATABASE_URL, repoRoot, log: console.log });
await migrateAll(postgres.url, console.log);
console.log(await seedDemoData(postgres.url));
await postgres.stop();
