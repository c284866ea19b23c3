// `npm run migrate`: applies every subgraph's migrations to DATABASE_URL (or the embedded PostgreSQL)
// as its user, the owner, then lets each subgraph's role log in with its <SCHEMA>_DATABASE_PASSWORD
// (development defaults; required in production).
import { cliDatabase } from './cli-database.ts';
import { migrateAll } from './migrate.ts';
import { roleLoginsOrExit } from './postgres/role-passwords.ts';

const logins = roleLoginsOrExit('migrate', process.env);
const postgres = await cliDatabase();
try {
  await migrateAll(postgres.url, console.log, logins);
} finally {
  await postgres.stop();
}
