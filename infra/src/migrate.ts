import { migrateSubgraph } from '@ansinh/common';
import { SUBGRAPHS } from './subgraphs.ts';

/** Applies every subgraph's pending migrations, registry first; running it again changes nothing. */
export async function migrateAll(
  databaseUrl: string,
  log: (line: string) => void = () => undefined,
): Promise<void> {
  for (const subgraph of SUBGRAPHS) {
    const applied = await migrateSubgraph({
      schema: subgraph.schema,
      databaseUrl,
      entities: subgraph.entities,
      migrationsPath: subgraph.migrationsPath,
    });
    log(`${subgraph.name}: ${applied.length ? `applied ${applied.join(', ')}` : 'up to date'}`);
  }
}
