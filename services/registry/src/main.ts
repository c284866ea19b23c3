import { runSubgraphMain } from '@ansinh/common';
import { registrySubgraph } from './index.ts';

await runSubgraphMain(registrySubgraph);
