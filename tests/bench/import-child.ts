// The import benchmark's child process: `node import-child.ts DATABASE_URL FILE SCOPE_PATH` runs the real
// person import and prints its figures as JSON.
import { importPersons } from '@ansinh/registry/person-import';

const [url, file, scopePath] = process.argv.slice(2) as [string, string, string];
const started = performance.now();
const steps: [string, number][] = [];
const report = await importPersons({
  databaseUrl: url,
  file,
  fileName: 'bench.csv',
  scopePath,
  actor: { id: 'bench', name: 'bench', unitCode: scopePath },
  onStep: (step, seconds) => steps.push([step, seconds]),
});
process.stdout.write(
  JSON.stringify({
    seconds: (performance.now() - started) / 1000,
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    rows: report.rows,
    created: report.created,
    rejected: report.rejected,
    steps,
  }),
);
