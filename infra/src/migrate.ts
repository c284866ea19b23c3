import { grantJobRunner, migrateJobs, migrateSubgraph } from '@ansinh/common';
import { grantRoleLogins } from './postgres/role-logins.ts';
import type { RoleLogins } from './postgres/role-passwords.ts';
import { SUBGRAPHS } from './subgraphs.ts';

/**
 * Applies the job platform's schemas (pg-boss's `pgboss` and Ansinh's `jobs`, see
 * services/common/src/jobs/job-schema.ts), then every subgraph's pending migrations, registry first,
 * as DATABASE_URL's user (the owner), gives the roles of the subgraphs with job kinds the right to
 * run jobs, then lets each subgraph's role log in: with `logins` (from `<SCHEMA>_DATABASE_PASSWORD`) every role
 * gets its password; without, only roles that cannot log in yet get the development one. Running it
 * again changes nothing.
 */
export async function migrateAll(
  databaseUrl: string,
  log: (line: string) => void = () => undefined,
  logins?: RoleLogins,
): Promise<void> {
  const jobs = await migrateJobs(databaseUrl);
  log(`jobs: ${jobs.length ? `applied ${jobs.join(', ')}` : 'up to date'}`);
  for (const subgraph of SUBGRAPHS) {
    const applied = await migrateSubgraph({
      schema: subgraph.schema,
      databaseUrl,
      entities: subgraph.entities,
      migrationsPath: subgraph.migrationsPath,
    });
    log(`${subgraph.name}: ${applied.length ? `applied ${applied.join(', ')}` : 'up to date'}`);
  }
  await grantJobRunner(
    databaseUrl,
    SUBGRAPHS.map((subgraph) => subgraph.schema),
    new Set(SUBGRAPHS.filter((subgraph) => subgraph.jobs).map((subgraph) => subgraph.schema)),
  );
  await grantRoleLogins(
    databaseUrl,
    SUBGRAPHS.map((subgraph) => subgraph.schema),
    logins,
  );
}
