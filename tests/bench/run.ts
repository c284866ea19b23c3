// `npm run bench -- NAME`: runs one benchmark, prints its table, writes tests/bench/results/NAME.json
// and updates BENCHMARKS.md.
import { report, type BenchResult } from './bench-report.ts';

const BENCHMARKS: Record<string, () => Promise<BenchResult>> = {
  stack: async () => (await import('./stack.bench.ts')).benchStack(),
  import: async () => {
    // The whole file (about 160 MB of CSV) goes through the upload too: wider file limits than the
    // defaults, set before the registry's module reads them.
    process.env.FILE_MAX_MB ??= '512';
    return (await import('./import.bench.ts')).benchImport();
  },
  search: async () => (await import('./search.bench.ts')).benchSearch(),
  armor: async () => (await import('./armor/armor.bench.ts')).benchArmor(),
  reform: async () => (await import('./reform.bench.ts')).benchReform(),
  ledger: async () => (await import('./ledger.bench.ts')).benchLedger(),
  'payment-lists': async () => (await import('./payment-lists.bench.ts')).benchPaymentLists(),
  stats: async () => (await import('./stats.bench.ts')).benchStats(),
  export: async () => (await import('./export.bench.ts')).benchExport(),
  webhooks: async () => (await import('./webhooks.bench.ts')).benchWebhooks(),
  graph: async () => (await import('./graph.bench.ts')).benchGraph(),
};

const name = process.argv[2];
const bench = name ? BENCHMARKS[name] : undefined;
if (!bench) {
  console.error(`usage: npm run bench -- <${Object.keys(BENCHMARKS).join('|')}>`);
  process.exit(2);
}
report(await bench(), `npm run bench -- ${name}`);
