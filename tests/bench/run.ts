// `npm run bench -- NAME`: runs one benchmark, prints its table, writes tests/bench/results/NAME.json
// and updates BENCHMARKS.md.
import { report, type BenchResult } from './bench-report.ts';

const BENCHMARKS: Record<string, () => Promise<BenchResult>> = {
  stack: async () => (await import('./stack.bench.ts')).benchStack(),
  import: async () => (await import('./import.bench.ts')).benchImport(),
  search: async () => (await import('./search.bench.ts')).benchSearch(),
  armor: async () => (await import('./armor/armor.bench.ts')).benchArmor(),
};

const name = process.argv[2];
const bench = name ? BENCHMARKS[name] : undefined;
if (!bench) {
  console.error(`usage: npm run bench -- <${Object.keys(BENCHMARKS).join('|')}>`);
  process.exit(2);
}
report(await bench(), `npm run bench -- ${name}`);
