import { readFileSync, writeFileSync, mkdirSync, existsSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';

export type BenchResult = {
  name: string;
  /** Figures written to tests/bench/results/NAME.json (the fields the issue names). */
  fields: Record<string, number | Record<string, number>>;
  /** Rows of the printed table: what, value, unit. */
  table: [string, number, string][];
  notes?: string[];
};

const root = new URL('../../', import.meta.url);

export function machine(): string {
  const cores = cpus();
  return `${cores[0]?.model ?? 'unknown CPU'}, ${cores.length} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`;
}

/** Prints the table, writes the JSON result, and replaces this benchmark's section of BENCHMARKS.md. */
export function report(result: BenchResult, command: string): void {
  const date = new Date().toISOString();
  const width = Math.max(...result.table.map(([what]) => what.length));
  console.log(`\n${result.name} — ${date}\n${machine()}`);
  for (const [what, value, unit] of result.table)
    console.log(`  ${what.padEnd(width)}  ${String(value).padStart(10)} ${unit}`);

  const resultsDir = fileURLToPath(new URL('tests/bench/results/', root));
  if (!existsSync(resultsDir)) mkdirSync(resultsDir, { recursive: true });
  writeFileSync(
    `${resultsDir}${result.name}.json`,
    `${JSON.stringify({ name: result.name, date, machine: machine(), command, ...result.fields }, null, 2)}\n`,
  );

  const file = fileURLToPath(new URL('BENCHMARKS.md', root));
  const begin = `<!-- bench:${result.name} -->`;
  const end = `<!-- /bench:${result.name} -->`;
  const section = [
    begin,
    `## ${result.name}`,
    `${date.slice(0, 10)} · ${machine()} · \`${command}\``,
    '',
    '| what | value | unit |',
    '|---|---:|---|',
    ...result.table.map(([what, value, unit]) => `| ${what} | ${value} | ${unit} |`),
    ...(result.notes?.length ? ['', ...result.notes.map((note) => `- ${note}`)] : []),
    end,
  ].join('\n');
  let text = existsSync(file)
    ? readFileSync(file, 'utf8')
    : '# Benchmarks\n\nWritten by `npm run bench -- NAME`; each section is replaced by the latest run of its benchmark.\n';
  text = text.includes(begin)
    ? text.replace(new RegExp(`${begin}[\\s\\S]*?${end}`), section)
    : `${text.trimEnd()}\n\n${section}\n`;
  writeFileSync(file, text);
}
