import { fileURLToPath } from 'node:url';
import {
  fileRoutes,
  jobResolvers,
  loadTypeDefs,
  mergeResolvers,
  VndScalar,
  type SubgraphDefinition,
} from '@ansinh/common';
import { createReportingContext, reportingFiles, type ReportingContext } from './context.ts';
import { complianceModule } from './compliance/compliance.module.ts';
import { exportsModule } from './exports/exports.module.ts';
import { publicFiguresModule } from './public-figures/public-figures.module.ts';
import { regulationReportsModule } from './regulation-reports/regulation-reports.module.ts';
import { statisticsModule } from './statistics/stats.resolvers.ts';
import { REPORTING_SCHEMA, unitSummaryResolvers } from './unit-summary/unit-summary.resolvers.ts';

export const reportingTypeDefs = loadTypeDefs(import.meta.url);

const reportExports = exportsModule([...regulationReportsModule.reports, ...complianceModule.reports]);

/** Reporting reads the other subgraphs' published views; it owns its exports and its statistics. */
export const reportingSubgraph: SubgraphDefinition<ReportingContext> = {
  name: 'reporting',
  defaultPort: 4004,
  schema: REPORTING_SCHEMA,
  typeDefs: reportingTypeDefs,
  resolvers: {
    VND: VndScalar,
    ...mergeResolvers(
      'reporting',
      unitSummaryResolvers,
      statisticsModule.resolvers,
      regulationReportsModule.resolvers,
      complianceModule.resolvers,
      publicFiguresModule.resolvers,
      reportExports.resolvers,
      // `job`, `jobs`, `cancelJob` and the `Job` entity (services/common), with the exports' results.
      jobResolvers,
    ),
  },
  entities: [],
  migrationsPath: fileURLToPath(new URL('../migrations', import.meta.url)),
  createContext: createReportingContext,
  // Downloads of the exports only: reporting takes no uploads.
  routes: (contextOf) => ({ '/files/*': fileRoutes(contextOf)['/files/*']! }),
  jobs: (orm) => ({ kinds: reportExports.kinds, files: reportingFiles(orm.em) }),
};
