// A registry job worker in a process of its own, for the killed-worker test: `node job-worker.child.ts
// DATABASE_URL` runs the test kinds until it is killed, and prints `ready` once it takes jobs.
import { slowWriteJob, testJobs } from './test-job-kinds.ts';

const worker = testJobs(process.argv[2]!, [slowWriteJob]);
await worker.jobs.start();
process.stdout.write('ready\n');
process.on('SIGTERM', () => void worker.stop().then(() => process.exit(0)));
