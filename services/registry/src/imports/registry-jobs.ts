import { jobResolvers, type SubgraphJobs } from '@ansinh/common';
import { registryFiles } from '../context.ts';
import { personImportJob } from './person-import.job.ts';
import { personImportResolvers } from './person-import.resolvers.ts';
import { reformCarryOverJob } from '../reform/reform-carry-over.job.ts';
import { reformResolvers } from '../reform/reform.resolvers.ts';
import { personExportJob } from '../persons/person-export.job.ts';
import { personExportResolvers } from '../persons/person-export.resolvers.ts';

/** The registry's job kinds (the person import, the reform carry-over, the person list export), run on its own pool with its file store. */
export const registryJobs: SubgraphJobs = (orm) => ({
  kinds: [personImportJob, reformCarryOverJob, personExportJob],
  files: registryFiles(orm.em),
});

/** `job`, `jobs`, `cancelJob` and the `Job` entity (services/common), with the registry's typed results. */
export const registryJobResolvers = {
  Query: jobResolvers.Query,
  Mutation: jobResolvers.Mutation,
  Job: {
    ...jobResolvers.Job,
    ...personImportResolvers.Job,
    ...reformResolvers.Job,
    ...personExportResolvers.Job,
  },
};
