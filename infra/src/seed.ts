// `npm run seed`: loads the demo data into DATABASE_URL (or the embedded PostgreSQL), migrating first.
import { cliDatabase } from './cli-database.ts';
import { seedDemoData } from './demo/demo-data.ts';
import { migrateAll, roleLoginsOrExit } from './migrate.ts';

const logins = roleLoginsOrExit('seed', process.env);
const postgres = await cliDatabase();
try {
  await migrateAll(postgres.url, console.log, logins);
  console.log(await seedDemoData(postgres.url));
} finally {
  await postgres.stop();
}
