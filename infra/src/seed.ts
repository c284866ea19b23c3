// `npm run seed`: loads the country's units and the demo data into DATABASE_URL (or the embedded
// PostgreSQL), migrating first: Hà Tĩnh's demo persons with pre-reform records, carried across the
// 1 July 2025 reform (the split commune's persons wait in the review queue).
// `npm start` runs it as a child process on its database, so that the launcher does not hold the
// ORM and the subgraphs' code (about 100 MB) for as long as the product runs.
import { cliDatabase } from './cli-database.ts';
import { seedDemoData } from './demo/demo-data.ts';
import { DEMO_REFORM_DATE, DEMO_SPLIT_COMMUNE } from './demo/demo-units.ts';
import { migrateAll } from './migrate.ts';
import { roleLoginsOrExit } from './postgres/role-passwords.ts';

const log = (line: string) => console.log(`[seed] ${line}`);
const logins = roleLoginsOrExit('seed', process.env);
const postgres = await cliDatabase();
try {
  await migrateAll(postgres.url, log, logins);
  const seeded = await seedDemoData(postgres.url);
  if (seeded.units) log(`administrative units loaded from the national lists: ${seeded.units}`);
  log(
    seeded.persons
      ? `demo data loaded: ${seeded.persons} persons, ${seeded.entitlements} entitlements, ${seeded.decisions} decisions, ${seeded.applications} applications, ${seeded.paymentLists} payment lists with ${seeded.paymentLines} lines; ` +
          `carried across the ${DEMO_REFORM_DATE} reform: ${seeded.carried} persons, ${seeded.inReview} of the split ${DEMO_SPLIT_COMMUNE} in the review queue`
      : 'demo data already present',
  );
} finally {
  await postgres.stop();
}
