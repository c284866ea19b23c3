// `npm run units:load [-- --dry-run] [--directory DIR]`: loads the whole country's administrative units
// (every list and merge map of services/registry/data/admin-units/units.json, or DIR's) into
// DATABASE_URL (or the embedded PostgreSQL) in one transaction. Running it again changes nothing.
// Exit code 0: loaded (or valid, with --dry-run); 1: rejected, nothing written; 2: wrong arguments or no database.
import { formatImportReport, loadNationalUnits, NATIONAL_UNITS_DIRECTORY } from '@ansinh/registry';
import { commandLine } from './cli-arguments.ts';
import { cliDatabase, pathFromCommandLine } from './cli-database.ts';

const USAGE = `Cách dùng: npm run units:load [-- --dry-run] [--directory THƯ_MỤC]
  Nạp toàn bộ đơn vị hành chính cả nước (các danh sách và tệp sáp nhập trong units.json của thư mục)
  --directory  thư mục có units.json (mặc định ${NATIONAL_UNITS_DIRECTORY})
  --dry-run    chỉ kiểm tra và báo cáo, không ghi gì`;

const { values } = commandLine(USAGE, {
  directory: { type: 'string' },
  'dry-run': { type: 'boolean', default: false },
});

const postgres = await cliDatabase();
let exitCode = 0;
try {
  const report = await loadNationalUnits(postgres.url, {
    dryRun: values['dry-run'],
    directory: values.directory ? pathFromCommandLine(values.directory) : undefined,
  });
  const text = formatImportReport(report, 'units.json');
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
