// `npm run units:import -- FILE [--valid-from DATE] [--valid-to DATE] [--merges FILE] [--dry-run]`: loads
// administrative units into DATABASE_URL (or the embedded PostgreSQL). Exit code 0: imported (or valid, with
// --dry-run); 1: the file was rejected and nothing written; 2: wrong arguments or no database.
import { formatImportReport, importUnitsFile, parseIsoDate } from '@ansinh/registry';
import { commandLine } from './cli-arguments.ts';
import { cliDatabase, pathFromCommandLine } from './cli-database.ts';

const USAGE = `Cách dùng: npm run units:import -- TỆP.csv [--valid-from yyyy-mm-dd] [--valid-to yyyy-mm-dd] [--merges TỆP.json] [--dry-run]
  --valid-from, --valid-to  ngày bắt đầu / hết hiệu lực cho các dòng không có cột valid_from / valid_to
  --merges                  tệp sáp nhập (merges-2025-07-01.json): đặt đơn vị kế thừa cho các đơn vị cũ
  --dry-run                 chỉ kiểm tra và báo cáo, không ghi gì
Nạp toàn bộ đơn vị cả nước (các danh sách và tệp sáp nhập có sẵn): npm run units:load`;

const { values, positionals, fail } = commandLine(
  USAGE,
  {
    'valid-from': { type: 'string' },
    'valid-to': { type: 'string' },
    merges: { type: 'string' },
    'dry-run': { type: 'boolean', default: false },
  },
  { positionals: true },
);
if (positionals.length !== 1) fail('Cần đúng một tệp CSV.');
for (const option of ['valid-from', 'valid-to'] as const) {
  const value = values[option];
  if (value !== undefined && !parseIsoDate(value)) fail(`--${option} "${value}" không phải ngày yyyy-mm-dd.`);
}
const file = pathFromCommandLine(positionals[0]!);

const postgres = await cliDatabase();

let exitCode = 0;
try {
  const report = await importUnitsFile({
    databaseUrl: postgres.url,
    file,
    mergesFile: values.merges ? pathFromCommandLine(values.merges) : null,
    validFrom: values['valid-from'],
    validTo: values['valid-to'],
    dryRun: values['dry-run'],
  });
  const text = formatImportReport(report, file);
  if (report.ok) {
    console.log(text);
  } else {
    console.error(text);
    exitCode = 1;
  }
} catch (error) {
  const code = (error as { code?: string }).code;
  console.error(
    code === 'ENOENT' ? `Không đọc được tệp: ${(error as Error).message}` : (error as Error).message,
  );
  exitCode = 2;
} finally {
  await postgres.stop();
}
process.exit(exitCode);
