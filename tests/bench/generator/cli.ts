// node tests/bench/generator/cli.ts --count 1000000 --seed 42 [--units units.csv [--province 42]] [--out persons.csv|.xlsx]
// Without --units, communes come from a small synthetic unit tree; without --out, records are only
// generated (to time the generator alone).
import { extname } from 'node:path';
import { parseArgs } from 'node:util';
import { generatePersons } from './persons.ts';
import { generateUnits, readCommunes } from './units.ts';
import { writePersonsCsv, writePersonsXlsx } from './write-files.ts';

const USAGE =
  'usage: node tests/bench/generator/cli.ts --count N [--seed S] [--units units.csv] [--province 42] [--out file.csv|file.xlsx]';

const { values } = parseArgs({
  options: {
    count: { type: 'string' },
    seed: { type: 'string', default: '42' },
    units: { type: 'string' },
    province: { type: 'string' },
    out: { type: 'string' },
  },
});

const count = Number(values.count);
const seed = Number(values.seed);
if (!Number.isSafeInteger(count) || count < 0 || !Number.isSafeInteger(seed)) {
  console.error(USAGE);
  process.exit(2);
}
const format = values.out ? extname(values.out).toLowerCase() : undefined;
if (format !== undefined && format !== '.csv' && format !== '.xlsx') {
  console.error(`--out must end in .csv or .xlsx\n${USAGE}`);
  process.exit(2);
}

const communes = values.units
  ? await readCommunes(values.units, values.province ? { province: values.province } : {})
  : generateUnits({ seed, provinces: 4, districtsPerProvince: 10, communesPerDistrict: 20 }).communes;
if (communes.length === 0) {
  console.error(`no communes${values.province ? ` in province ${values.province}` : ''}`);
  process.exit(1);
}

const started = performance.now();
const persons = generatePersons({ seed, count, communes });
let rows = 0;
if (!values.out) {
  for (const _ of persons) rows++;
} else if (format === '.csv') {
  rows = await writePersonsCsv(persons, values.out);
} else {
  rows = await writePersonsXlsx(persons, values.out);
}
const seconds = (performance.now() - started) / 1000;
console.log(
  `${rows} rows from ${communes.length} communes${values.out ? ` to ${values.out}` : ' (generated only)'} in ` +
    `${seconds.toFixed(2)} s (${Math.round(rows / seconds)} rows/s)`,
);
