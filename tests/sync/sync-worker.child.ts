// Ansinh's delivering service in a process of its own, for the restart test: `node sync-worker.child.ts`
// with the services' environment runs the relay and the webhook deliverer until it is killed, and
// prints `ready` once they run.
import { startSyncWorkers } from '@ansinh/approvals';

const workers = await startSyncWorkers(process.env);
process.stdout.write('ready\n');
process.on('SIGTERM', () => void workers.stop().then(() => process.exit(0)));
