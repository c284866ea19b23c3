/**
 * The deployment the console talks to, served by the console server as /config.json
 * (server/console-server.ts): one build serves every deployment.
 */
export type ConsoleConfig = {
  graphqlUrl: string;
  keycloakUrl: string;
  realm: string;
  clientId: string;
};

export async function loadConfig(): Promise<ConsoleConfig> {
  const answer = await fetch('/config.json', { cache: 'no-cache' });
  if (!answer.ok) throw new Error(`/config.json: HTTP ${answer.status}`);
  return (await answer.json()) as ConsoleConfig;
}
