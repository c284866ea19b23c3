import { runUntilSignal } from '@ansinh/common';
import { startGateway } from './gateway.ts';

await runUntilSignal(() => startGateway(process.env), { name: 'gateway' });
