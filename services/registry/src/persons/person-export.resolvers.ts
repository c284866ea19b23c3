import {
  exportFormatArgument,
  idArgument,
  jobOwnerOf,
  lower,
  reportExportOf,
  subtreeFor,
  badInput,
  type JobRecord,
} from '@ansinh/common';
import type { Resolvers } from '../generated/resolvers-types.ts';
import { readPersonSearch } from './person-search.ts';
import { assertSearchAllowed } from './person.resolvers.ts';
import { PERSON_EXPORT, type PersonExportPayload } from './person-export.job.ts';

export const personExportResolvers = {
  Mutation: {
    /**
     * Queues the export of the persons the `persons` query would find with the same unit and filter, in
     * the caller's scope; the columns follow the caller's rights as they are now.
     */
    exportPersons: async (_parent, args, context) => {
      const { session } = context;
      session.assert('report:export');
      const unitPaths = await subtreeFor(session, 'person:read', args.unitCode, context.loaders.scopeUnits);
      assertSearchAllowed(args.filter, session);
      const search = readPersonSearch({
        ...args.filter,
        status: args.filter?.status ? lower(args.filter.status) : undefined,
        householdId: args.filter?.householdId
          ? idArgument(args.filter.householdId, 'filter.householdId')
          : null,
      });
      if ('field' in search) throw badInput(search.field, search.message);
      const payload: PersonExportPayload = {
        report: 'persons',
        format: exportFormatArgument(args.format),
        readConfidential: session.allows('entitlement:read-confidential'),
        unitCode: args.unitCode ?? session.requirePrincipal().unitCode,
        unitPaths,
        search,
        rights: {
          identity: session.allows('person:read-identity'),
          contact: session.allows('person:read-contact'),
        },
      };
      const jobs = context.jobs;
      if (!jobs) throw new Error('registry: the subgraph runs without its jobs');
      return jobs.enqueue(PERSON_EXPORT, payload, jobOwnerOf(session));
    },
  },
  Job: {
    personExport: (job: JobRecord) => reportExportOf(job, PERSON_EXPORT),
  },
} satisfies Pick<Resolvers, 'Mutation' | 'Job'>;
