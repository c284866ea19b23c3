import type { EntityManager } from '@mikro-orm/postgresql';
import DataLoader from 'dataloader';
import {
  createApplicationEventsLoader,
  createApplicationLoader,
  createApplicationsByPersonLoader,
  loadWorkflows,
} from './application.repository.ts';
import type { Workflow } from './workflow.rule.ts';

/** The request's loaders of applications (categories and units come from the subgraph's own loaders). */
export function createApplicationLoaders(em: EntityManager) {
  let workflows: Promise<Map<string, Workflow>> | undefined;
  return {
    applicationById: createApplicationLoader(em),
    applicationsByPerson: createApplicationsByPersonLoader(em),
    applicationEvents: createApplicationEventsLoader(em),
    /** Every workflow, read once per request (a handful of rows). */
    applicationWorkflows: new DataLoader<string, Workflow | undefined>(async (ids) => {
      workflows ??= loadWorkflows(em).then((all) => new Map(all.map((workflow) => [workflow.id, workflow])));
      const byId = await workflows;
      return ids.map((id) => byId.get(id));
    }),
  };
}
