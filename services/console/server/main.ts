import { buildConsole } from './build.ts';
import { startConsoleServer } from './console-server.ts';

// `node server/main.ts [--build]`: serves the built console (--build builds it first, as `npm start` does).
const env = process.env;
const url = (name: string, fallback: string): string => {
  const value = env[name] ?? fallback;
  try {
    return new URL(value).toString().replace(/\/$/, '');
  } catch {
    console.error(`[console] ${name} is not a URL: ${value.slice(0, 200)}`);
    process.exit(1);
  }
};

const config = {
  graphqlUrl: url('CONSOLE_GRAPHQL_URL', 'http://localhost:4000/graphql'),
  keycloakUrl: url('KEYCLOAK_URL', 'http://localhost:8180'),
  realm: env['KEYCLOAK_REALM'] ?? 'ansinh',
  clientId: env['CONSOLE_CLIENT_ID'] ?? 'ansinh-admin-console',
};
if (process.argv.includes('--build')) await buildConsole();
const server = await startConsoleServer({
  config,
  port: Number(env['PORT'] ?? 4100),
  host: env['HOST'] ?? '127.0.0.1',
});
console.log(`[console] serving ${server.url} (graph ${config.graphqlUrl}, Keycloak ${config.keycloakUrl})`);
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => void server.stop().then(() => process.exit(0)));
}
