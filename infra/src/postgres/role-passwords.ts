import { baseEnvSchema, databasePasswordOf, parseEnv } from '@ansinh/common/config';
import { SUBGRAPH_SERVICES } from '../subgraph-services.ts';

/** Password of each subgraph's database role, by schema (`registry` → password of `ansinh_registry`). */
export type RoleLogins = Readonly<Record<string, string>>;

const loginsEnvSchema = baseEnvSchema.pick({
  NODE_ENV: true,
  REGISTRY_DATABASE_PASSWORD: true,
  APPROVALS_DATABASE_PASSWORD: true,
  PAYMENTS_DATABASE_PASSWORD: true,
  REPORTING_DATABASE_PASSWORD: true,
});

/**
 * The role passwords `npm run migrate` and `npm start` give the subgraphs' roles, from
 * `<SCHEMA>_DATABASE_PASSWORD`: development defaults (each role's name), required in production.
 */
export function roleLoginsFromEnv(
  command: string,
  schemas: readonly string[],
  env: NodeJS.ProcessEnv,
): RoleLogins {
  const config = parseEnv(command, loginsEnvSchema, env);
  return Object.fromEntries(schemas.map((schema) => [schema, databasePasswordOf(command, config, schema)]));
}

/**
 * For the command-line tools: the roles' passwords from the environment, for every subgraph; a missing
 * or bad one ends the process with the problem, before any database is touched.
 */
export function roleLoginsOrExit(command: string, env: NodeJS.ProcessEnv): RoleLogins {
  try {
    return roleLoginsFromEnv(
      command,
      SUBGRAPH_SERVICES.map((subgraph) => subgraph.schema),
      env,
    );
  } catch (error) {
    console.error((error as Error).message);
    process.exit(1);
  }
}
