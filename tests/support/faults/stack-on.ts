import { startGateway, type RunningGateway } from '@ansinh/gateway';
import { SUBGRAPHS } from '@ansinh/infra';
import { startSubgraph, type RunningSubgraph } from '@ansinh/common';
import { testEnv } from '../stack.ts';

/** The graph in this process on a database the test controls, with subgraphs it can stop and start again. */
export type FaultStack = {
  gateway: RunningGateway;
  subgraphs: Map<string, RunningSubgraph>;
  env: NodeJS.ProcessEnv;
  /** Stops one subgraph (its port is free afterwards). */
  stopSubgraph(name: string): Promise<void>;
  /** Starts a stopped subgraph again on the port it had, so the gateway finds it where it was. */
  restartSubgraph(name: string): Promise<RunningSubgraph>;
  stop(): Promise<void>;
};

/**
 * Four subgraphs and the gateway on `databaseUrl` (already migrated and seeded), with `overrides`
 * on top of the test environment (another KEYCLOAK_URL, ...).
 */
export async function startStackOn(
  databaseUrl: string,
  overrides: NodeJS.ProcessEnv = {},
): Promise<FaultStack> {
  const env = { ...testEnv(databaseUrl), ...overrides };
  const subgraphs = new Map<string, RunningSubgraph>();
  const ports = new Map<string, number>();
  const stopped = new Set<string>();
  let gateway: RunningGateway | undefined;
  let stopping: Promise<void> | undefined;
  // Once only: a test may stop the stack itself and the cleanup stop it again.
  const stopAll = () =>
    (stopping ??= (async () => {
      await gateway?.stop();
      await Promise.allSettled(
        [...subgraphs].filter(([name]) => !stopped.has(name)).map(([, subgraph]) => subgraph.stop()),
      );
    })());
  try {
    for (const definition of SUBGRAPHS) {
      const subgraph = await startSubgraph(definition, env);
      subgraphs.set(subgraph.name, subgraph);
      ports.set(subgraph.name, subgraph.port);
    }
    const urlOf = (name: string) => subgraphs.get(name)!.url;
    gateway = await startGateway({
      ...env,
      REGISTRY_URL: urlOf('registry'),
      APPROVALS_URL: urlOf('approvals'),
      PAYMENTS_URL: urlOf('payments'),
      REPORTING_URL: urlOf('reporting'),
    });
  } catch (error) {
    await stopAll();
    throw error;
  }
  return {
    gateway,
    subgraphs,
    env,
    async stopSubgraph(name) {
      if (stopped.has(name)) return;
      stopped.add(name);
      await subgraphs.get(name)!.stop();
    },
    async restartSubgraph(name) {
      const definition = SUBGRAPHS.find((candidate) => candidate.name === name)!;
      const subgraph = await startSubgraph(definition, { ...env, PORT: String(ports.get(name)) });
      subgraphs.set(name, subgraph);
      stopped.delete(name);
      return subgraph;
    },
    stop: stopAll,
  };
}
