import type { BaseContext, SubgraphDefinition } from '@ansinh/common';
import { approvalsSubgraph } from '@ansinh/approvals';
import { paymentsSubgraph } from '@ansinh/payments';
import { registrySubgraph } from '@ansinh/registry';
import { reportingSubgraph } from '@ansinh/reporting';

/** The four subgraphs, in migration order (as SUBGRAPH_SERVICES lists them): each may read the published views of those before it. */
export const SUBGRAPHS: readonly SubgraphDefinition<BaseContext>[] = [
  registrySubgraph,
  approvalsSubgraph,
  paymentsSubgraph,
  reportingSubgraph,
];
