// `npm run units:reform -- --on 2025-07-01 [--dry-run]`: carries the register of DATABASE_URL (or the
// embedded PostgreSQL) across the re-organisation of units that took effect on that day: persons and
// households of units merged whole move to their successor, those of split units enter the review queue,
// then approvals carries the active entitlements. Prints the counts per old → new unit and the split cases.
// Exit code 0: carried (or counted, with --dry-run); 1: refused, nothing written; 2: wrong arguments or no database.
import { userInfo } from 'node:os';
import pg from 'pg';
import { AppError } from '@ansinh/common';
import { carryAcrossReform, formatReformReport, parseIsoDate } from '@ansinh/registry';
import { commandLine } from './cli-arguments.ts';
import { cliDatabase } from './cli-database.ts';

const USAGE = `Cách dùng: npm run units:reform -- --on yyyy-mm-dd [--dry-run]
  --on       ngày các đơn vị mới bắt đầu hiệu lực (2025-07-01): chuyển đối tượng của các đơn vị hết hiệu lực ngày trước đó
  --dry-run  chỉ đếm và báo cáo, không ghi gì`;

const { values, fail } = commandLine(USAGE, {
  on: { type: 'string' },
  'dry-run': { type: 'boolean', default: false },
});
const on = values.on ?? fail('Thiếu --on: ngày sắp xếp đơn vị hành chính.');
if (!parseIsoDate(on)) fail(`--on "${on}" không phải ngày yyyy-mm-dd.`);

const postgres = await cliDatabase();
const pool = new pg.Pool({ connectionString: postgres.url, max: 1 });
const login = userInfo().username;

let exitCode = 0;
try {
  const report = await carryAcrossReform(pool, {
    on,
    dryRun: values['dry-run'],
    actor: { id: `cli:${login}`, name: login },
  });
  console.log(formatReformReport(report));
} catch (error) {
  console.error(error instanceof AppError ? error.message : `Lỗi: ${(error as Error).message}`);
  exitCode = error instanceof AppError ? 1 : 2;
} finally {
  await pool.end();
  await postgres.stop();
}
process.exit(exitCode);
