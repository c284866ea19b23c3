/**
 * What the launcher needs to run each subgraph (its name, PostgreSQL schema and port), without loading
 * the subgraph's code: SUBGRAPHS (subgraphs.ts) holds the definitions, and a test checks the two agree.
 * In migration order: each may read the published views of those before it.
 */
export const SUBGRAPH_SERVICES: readonly { name: string; schema: string; defaultPort: number }[] = [
  { name: 'registry', schema: 'registry', defaultPort: 4001 },
  { name: 'approvals', schema: 'approvals', defaultPort: 4002 },
  { name: 'payments', schema: 'payments', defaultPort: 4003 },
  { name: 'reporting', schema: 'reporting', defaultPort: 4004 },
];

/**
 * Node flags the subgraphs and the gateway run with. A young generation of 16 MiB per semi-space (V8 grows
 * it to its default maximum, 64 MiB, during any long, allocation-heavy run): a 1,000,000-row export or
 * import then peaks about 120 MB lower, at no cost in speed (`npm run bench -- export` measures both),
 * and the gateway under load holds about 90 MB less (`npm run bench -- graph`).
 */
export const SERVICE_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=16'];
