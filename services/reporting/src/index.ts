import { fileURLToPath } from 'node:url';
import { VndScalar, loadTypeDefs, type SubgraphDefinition } from '@ansinh/common';
import { createReportingContext, type ReportingContext } from './context.ts';
import { REPORTING_SCHEMA, unitSummaryResolvers } from './unit-summary/unit-summary.resolvers.ts';

export const reportingTypeDefs = loadTypeDefs(import.meta.url);

/** Reporting owns no tables yet: it reads the other subgraphs' published views. */
export const reportingSubgraph: SubgraphDefinition<ReportingContext> = {
  name: 'reporting',
  defaultPort: 4004,
  schema: REPORTING_SCHEMA,
  typeDefs: reportingTypeDefs,
  resolvers: { VND: VndScalar, ...unitSummaryResolvers },
  entities: [],
  migrationsPath: fileURLToPath(new URL('../migrations', import.meta.url)),
  createContext: createReportingContext,
};

export { unitFigures } from './unit-summary/unit-summary.repository.ts';
