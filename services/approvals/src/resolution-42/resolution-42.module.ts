import type { JobKind } from '@ansinh/common';
import { R42List, R42ListRow, R42Priority } from './r42-list.entity.ts';
import { r42ImportJob } from './r42-import.job.ts';
import { resolution42Resolvers } from './r42.resolvers.ts';

/**
 * Resolution 42/NQ-CP lists (issue 11, point 5): imported from spreadsheets as jobs, matched across
 * the six groups' lists, one support per person. Needs, in the subgraph: `files` in the request
 * context (`approvalsFiles(base.em)`), the file routes, `jobs` with these kinds and the same store,
 * and the `jobs` shared SDL (see README of this folder).
 */
export const resolution42Module = {
  resolvers: resolution42Resolvers,
  entities: [R42List, R42ListRow, R42Priority],
  kinds: [r42ImportJob] as JobKind[],
};

export { seedDemoResolution42, type DemoResolution42Summary } from './r42-demo.seed.ts';
export { R42_IMPORT } from './r42-import.job.ts';
export { R42List, R42ListRow, R42Priority };
