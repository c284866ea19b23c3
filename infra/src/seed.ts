// `npm run seed`: loads the country's units and the demo data into DATABASE_URL (or the embedded
// PostgreSQL), migrating first: Hà Tĩnh's demo persons with pre-reform records, carried across the
// 1 July 2025 reform (the split commune's persons wait in the review queue).
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
