import { runSubgraphMain } from '@ansinh/common';
import { paymentsSubgraph } from './index.ts';

await runSubgraphMain(paymentsSubgraph);
