import { createLogger, runUntilSignal, startSubgraph } from '@ansinh/common';
import { approvalsSubgraph } from './index.ts';
import { startReformCarryTimer } from './reform/carry-entitlements.ts';

// The subgraph, and beside it the periodic carry-over of entitlements across a reform.
await runUntilSignal(
  async () => {
    const subgraph = await startSubgraph(approvalsSubgraph, process.env);
    const timer = startReformCarryTimer(
      subgraph.orm,
      createLogger(approvalsSubgraph.name, process.env.LOG_LEVEL ?? 'info').child({ module: 'reform' }),
    );
    return {
      async stop() {
        await timer.stop();
        await subgraph.stop();
      },
    };
  },
  { name: approvalsSubgraph.name },
);
