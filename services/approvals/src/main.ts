import { runSubgraphMain } from '@ansinh/common';
import { approvalsSubgraph } from './index.ts';

await runSubgraphMain(approvalsSubgraph);
