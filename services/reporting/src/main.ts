import { runSubgraphMain } from '@ansinh/common';
import { reportingSubgraph } from './index.ts';

await runSubgraphMain(reportingSubgraph);
