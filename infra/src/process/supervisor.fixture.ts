// A launcher in miniature for supervisor.test.ts: one child that ignores SIGTERM, stopped the way
// `npm start` stops its children. Usage: node supervisor.fixture.ts <grace ms>
import { createSupervisor, onStopSignals } from './supervisor.ts';

const log = (line: string) => console.log(line);
const supervisor = createSupervisor({ stopGraceMs: Number(process.argv[2]), log });
onStopSignals({
  log,
  stop: async () => {
    log('stopping');
    await supervisor.stop();
    process.exit(0);
  },
  force: () => {
    supervisor.kill();
    process.exit(130);
  },
});
supervisor.start({
  name: 'stubborn',
  command: process.execPath,
  args: [
    '-e',
    `process.on('SIGTERM', () => {}); console.log('child ' + process.pid + ' up'); setInterval(() => {}, 1000)`,
  ],
});
