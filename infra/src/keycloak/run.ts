/**
 * `node infra/src/keycloak/run.ts`       starts (or reuses) the local Keycloak, detached.
 * `node infra/src/keycloak/run.ts stop`  stops the one started from this repo.
 */
import { repoRoot } from '../repo-root.ts';
import { DEFAULT_KEYCLOAK_PORT, ensureKeycloak, REALM, stopLocalKeycloak } from './keycloak.ts';

const log = (line: string): void => console.log(`[keycloak] ${line}`);
const command = process.argv[2] ?? 'start';

try {
  if (command === 'stop') {
    if (!(await stopLocalKeycloak({ repoRoot, log }))) log('no Keycloak started from this repo is running');
  } else if (command === 'start') {
    const port = process.env['KEYCLOAK_PORT'] ? Number(process.env['KEYCLOAK_PORT']) : DEFAULT_KEYCLOAK_PORT;
    const keycloak = await ensureKeycloak({ repoRoot, port, detached: true, log });
    console.log(`Keycloak:      ${keycloak.url}`);
    console.log(`Issuer:        ${keycloak.issuer}`);
    console.log(
      `Admin console: ${keycloak.url}/admin/master/console/#/${REALM} (admin / admin, local dev only)`,
    );
    console.log(
      `Account page:  ${keycloak.url}/realms/${REALM}/account (demo users, see infra/keycloak/README.md)`,
    );
    if (keycloak.startedHere) console.log('Stop it with:  node infra/src/keycloak/run.ts stop');
  } else {
    console.error('usage: node infra/src/keycloak/run.ts [start|stop]');
    process.exitCode = 2;
  }
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
}
