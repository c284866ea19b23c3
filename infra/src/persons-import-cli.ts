// `npm run persons:import -- FILE --unit CODE [--as NAME] [--report FILE.xlsx] [--mapping FILE.json]`: imports
// an official's list of persons (CSV or XLSX) into the communes under a unit, through the same path as the
// GraphQL importPersons, in a session scoped to that unit: DATABASE_URL when set, else the embedded
// PostgreSQL. Exit code 0: imported (bad rows reported, good rows kept); 1: the file was refused and nothing
// written; 2: wrong arguments, a bad mapping file or no database.
import { readFile, rm, stat } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { importPersons, MappingFileError, parseMappingFile } from '@ansinh/registry/person-import';
import { cliDatabase, pathFromCommandLine } from './cli-database.ts';

const USAGE = `Cách dùng: npm run persons:import -- TỆP.csv|TỆP.xlsx --unit MÃ_ĐƠN_VỊ [--as TÊN] [--report LỖI.xlsx] [--mapping CỘT.json]
  --unit     đơn vị nhận đối tượng: một xã (dòng không có cột Mã xã thuộc xã này), hoặc huyện/tỉnh (cần cột Mã xã)
  --as       tên người nhập, ghi vào lịch sử thay đổi (mặc định: tên người dùng máy)
  --report   nơi ghi tệp XLSX các dòng lỗi (mặc định: LỖI cạnh tệp nhập, tên ...-loi.xlsx)
  --mapping  tệp JSON gán cột của tệp cho trường, cho các tiêu đề không tự nhận ra:
             { "Tên người nhận": "fullName", "Sinh ngày": "birthDate", "Ghi chú": null }`;

function fail(message: string): never {
  console.error(`${message}\n\n${USAGE}`);
  process.exit(2);
}

let parsed;
try {
  parsed = parseArgs({
    allowPositionals: true,
    options: {
      unit: { type: 'string' },
      as: { type: 'string' },
      report: { type: 'string' },
      mapping: { type: 'string' },
    },
  });
} catch (error) {
  fail((error as Error).message);
}
const { values, positionals } = parsed;
if (positionals.length !== 1) fail('Cần đúng một tệp CSV hoặc XLSX.');
if (!values.unit) fail('Cần --unit: mã đơn vị nhận đối tượng.');
const file = pathFromCommandLine(positionals[0]!);
const reportPath = pathFromCommandLine(values.report ?? file.replace(/(\.\w+)?$/, '-loi.xlsx'));
let mapping;
if (values.mapping !== undefined) {
  const mappingPath = pathFromCommandLine(values.mapping);
  try {
    // Checked before reading: a mapping file is a few lines, not whatever path was given.
    if ((await stat(mappingPath)).size > 64 * 1024)
      throw new MappingFileError('Tệp ánh xạ cột lớn quá 64 KB.');
    mapping = parseMappingFile(await readFile(mappingPath));
  } catch (error) {
    if (error instanceof MappingFileError) fail(`--mapping ${values.mapping}: ${error.message}`);
    fail(`Không đọc được tệp ánh xạ cột ${values.mapping}: ${(error as Error).message}`);
  }
}

const postgres = await cliDatabase();

let exitCode = 0;
try {
  const client = new pg.Client({ connectionString: postgres.url });
  await client.connect();
  const { rows } = await client
    .query<{ path: string; level: string }>(
      'select path::text, level from registry.administrative_units where code = $1 and valid_to is null',
      [values.unit],
    )
    .finally(() => client.end());
  if (!rows[0]) throw new Error(`Không có đơn vị mã "${values.unit}".`);
  const started = performance.now();
  const report = await importPersons({
    databaseUrl: postgres.url,
    file,
    fileName: positionals[0]!,
    mapping,
    scopePath: rows[0].path,
    defaultUnitCode: rows[0].level === 'commune' ? values.unit : undefined,
    actor: {
      id: `cli:${userInfo().username}`,
      name: values.as ?? userInfo().username,
      unitCode: values.unit,
    },
    report: { id: 'cli', path: reportPath },
  });
  const seconds = (performance.now() - started) / 1000;
  console.log(
    `Đã đọc ${report.rows} dòng trong ${seconds.toFixed(1)} giây: thêm mới ${report.created}, cập nhật ${report.updated}, ` +
      `không đổi ${report.unchanged}, lỗi ${report.rejected}, cảnh báo trùng ${report.duplicateWarnings}.`,
  );
  if (report.ignoredColumns.length) console.log(`Cột không dùng: ${report.ignoredColumns.join(', ')}`);
  for (const problem of report.problems.slice(0, 20)) {
    console.log(`  dòng ${problem.row}, cột ${problem.column}: ${problem.message}`);
  }
  if (report.rejected) console.log(`Các dòng lỗi: ${reportPath}`);
  else await rm(reportPath, { force: true });
} catch (error) {
  console.error((error as Error).message);
  exitCode = 1;
} finally {
  await postgres.stop();
}
process.exit(exitCode);
