// `npm run persons:import -- FILE --unit CODE [--as NAME] [--report FILE.xlsx] [--mapping FILE.json]`: imports
// an official's list of persons (CSV or XLSX) into the communes under a unit, as the GraphQL importPersons
// does: the file goes into the registry's file store and a `person-import` job of that unit (owner
// `cli:<user>`, named by --as) imports it, through the registry's own job kind, in a session scoped to
// the unit. Its progress is drawn on stderr (a bar on a terminal, a line every few seconds elsewhere);
// its report of refused rows is copied out of the store. DATABASE_URL when set, else the embedded
// PostgreSQL. Exit code 0: imported (bad rows reported, good rows kept); 1: the file was refused and
// nothing written; 2: wrong arguments, a bad mapping file or no database; 130: cancelled with Ctrl-C.
import { createReadStream, createWriteStream } from 'node:fs';
import { readFile, rm, stat } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { basename } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import type pg from 'pg';
import {
  createJobs,
  createLogger,
  displayDate,
  unitScopeOf,
  openOwnerOrm,
  type JobKind,
  type JobOwner,
  type JobRecord,
  type Jobs,
} from '@ansinh/common';
import {
  PERSON_IMPORT,
  registrySubgraph,
  type PersonImportPayload,
  type PersonImportResult,
} from '@ansinh/registry';
import { MappingFileError, parseMappingFile } from '@ansinh/registry/person-import';
import { cliDatabase, pathFromCommandLine } from './cli-database.ts';
import { progressBar, type PhaseLabel } from './progress-bar.ts';

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

/** The phases the person-import job reports, as an official reads them. */
const PHASES: Record<string, PhaseLabel> = {
  reading: { label: 'Đọc tệp', unit: 'bytes' },
  checking: { label: 'Kiểm tra dòng', unit: 'dòng' },
  writing: { label: 'Ghi vào sổ', unit: 'bước' },
};
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
/** How often the job's record is read while it runs (the bar is redrawn at most this often). */
const FOLLOW_EVERY_MS = 100;

const contentTypeOf = (path: string) =>
  /\.xlsx$/i.test(path) ? XLSX : /\.csv$/i.test(path) ? 'text/csv' : 'application/octet-stream';

function printResult(result: PersonImportResult, seconds: number) {
  console.log(
    `Đã đọc ${result.rows} dòng trong ${seconds.toFixed(1)} giây: thêm mới ${result.created}, cập nhật ${result.updated}, ` +
      `không đổi ${result.unchanged}, lỗi ${result.rejected}, cảnh báo trùng ${result.duplicateWarnings}.`,
  );
  if (result.ignoredColumns.length) console.log(`Cột không dùng: ${result.ignoredColumns.join(', ')}`);
  for (const problem of result.problems.slice(0, 20)) {
    console.log(`  dòng ${problem.row}, cột ${problem.column}: ${problem.message}`);
  }
}

/**
 * Runs the import as a job in this process (`runNow`, as GraphQL does for a small upload) and draws
 * its progress from the job's record, as a GraphQL client following `job(id)` sees it. Ctrl-C cancels
 * the job (its transaction rolls back); a second Ctrl-C leaves at once.
 */
async function runFollowed(
  jobs: Jobs,
  started: Promise<string>,
  payload: PersonImportPayload,
  owner: JobOwner,
): Promise<JobRecord> {
  const bar = progressBar(process.stderr, { phases: PHASES, waitingLabel: 'Đang bắt đầu' });
  const running = jobs.runNow(PERSON_IMPORT, payload, owner);
  let id: string | undefined;
  let interrupted = false;
  // While the job runs, Ctrl-C is this tool's: it cancels the job. The handlers already there (the
  // embedded PostgreSQL's exit hook, which would end the process at once and leave the job `running`
  // until a sweep settles it) are set aside meanwhile, and given the second Ctrl-C.
  const others = process.listeners('SIGINT');
  const restore = () => {
    process.off('SIGINT', onInterrupt);
    for (const listener of others)
      if (!process.listeners('SIGINT').includes(listener)) process.on('SIGINT', listener);
  };
  const leave = () => {
    restore();
    if (others.length) process.kill(process.pid, 'SIGINT');
    else process.exit(130);
  };
  const onInterrupt = () => {
    if (interrupted || !id) return leave();
    interrupted = true;
    process.stderr.write('\nĐang huỷ; không có dữ liệu nào được ghi. (Ctrl-C lần nữa để thoát ngay.)\n');
    // Cancelled as `cancelJob` does it, which needs the queue: started only now, as few imports are cancelled.
    jobs
      .start()
      .then(() => jobs.cancel(id!, owner))
      .catch((error: unknown) => {
        process.stderr.write(`Không huỷ được: ${(error as Error).message}\n`);
        leave();
      });
  };
  for (const listener of others) process.off('SIGINT', listener);
  process.on('SIGINT', onInterrupt);
  let following = true;
  const follow = (async () => {
    id = await Promise.race([
      started,
      running.then(
        () => undefined,
        () => undefined,
      ),
    ]);
    while (following && id) {
      const job = await jobs.find(id, owner).catch(() => undefined);
      if (job?.state === 'running') bar.update(job.progress);
      await sleep(FOLLOW_EVERY_MS);
    }
  })();
  let record: JobRecord | undefined;
  try {
    record = await running;
    return record;
  } finally {
    following = false;
    await follow;
    bar.finish(record?.state === 'done' ? record.progress : undefined);
    restore();
  }
}

const postgres = await cliDatabase();

let exitCode = 0;
let orm: Awaited<ReturnType<typeof openOwnerOrm>> | undefined;
let jobs: Jobs | undefined;
try {
  // The owner's login, as this tool has always used: the job still runs as the registry's role,
  // scoped to the unit (every job transaction sets both), so row-level security holds it there.
  orm = await openOwnerOrm({ ...registrySubgraph, databaseUrl: postgres.url });
  // The unit the code names today (a code reused after the 2025 reform names the new unit); a unit that
  // has ended (a former district) takes no new persons.
  const unit = await unitScopeOf(orm.em.fork(), values.unit);
  if (!unit) throw new Error(`Không có đơn vị mã "${values.unit}".`);
  if (unit.validTo !== null) {
    throw new Error(
      `Đơn vị ${values.unit} đã chấm dứt hoạt động từ sau ngày ${displayDate(unit.validTo)}: không nhập được đối tượng vào đơn vị này.`,
    );
  }
  const owner: JobOwner = {
    subject: `cli:${userInfo().username}`,
    name: values.as ?? userInfo().username,
    unitCode: values.unit!,
    unitPath: unit.path,
  };
  const { kinds, files } = registrySubgraph.jobs!(orm);
  // The registry's own kind, unchanged; only told to say which job it is, so that it can be followed.
  let jobStarted: (id: string) => void = () => undefined;
  const started = new Promise<string>((resolve) => (jobStarted = resolve));
  const followed = kinds.map((kind): JobKind<never, unknown> =>
    kind.kind === PERSON_IMPORT
      ? {
          ...kind,
          run: (context) => {
            jobStarted(context.id);
            return kind.run(context);
          },
        }
      : kind,
  );
  jobs = createJobs({
    service: registrySubgraph.schema,
    pool: (await orm.em.getConnection().getNativeClient()) as pg.Pool,
    queueDatabaseUrl: postgres.url,
    kinds: followed,
    files,
    logger: createLogger('persons-import', process.env.LOG_LEVEL ?? 'error'),
    // Runs only this import, in this process; nothing is taken from the queue.
    concurrency: 0,
    progressIntervalMs: 250,
  });

  const startedAt = performance.now();
  const upload = await files.put(createReadStream(file), {
    fileName: basename(file),
    contentType: contentTypeOf(file),
    owner: { subject: owner.subject, unitCode: owner.unitCode, unitPath: owner.unitPath },
  });
  try {
    const payload: PersonImportPayload = {
      fileId: upload.id,
      fileName: upload.fileName,
      mapping,
      defaultUnitCode: unit.level === 'commune' ? values.unit : undefined,
    };
    const job = await runFollowed(jobs, started, payload, owner);
    if (job.state === 'cancelled') {
      console.error('Đã huỷ việc nhập; không có dữ liệu nào được ghi.');
      exitCode = 130;
    } else if (job.state !== 'done' || !job.result) {
      console.error(job.error ?? `Việc nhập ${job.id} kết thúc ở trạng thái ${job.state}.`);
      exitCode = 1;
    } else {
      const result = job.result as PersonImportResult;
      printResult(result, (performance.now() - startedAt) / 1000);
      if (result.reportFileId) {
        const report = await files.read(result.reportFileId, owner.unitPath);
        await pipeline(report.content, createWriteStream(reportPath));
        console.log(`Các dòng lỗi: ${reportPath}`);
      } else {
        await rm(reportPath, { force: true });
      }
    }
  } finally {
    // Kept by a failed job for its retry; this one is not retried. The job removed it when done.
    await files.remove(upload.id, owner.unitPath).catch(() => undefined);
  }
} catch (error) {
  console.error((error as Error).message);
  exitCode = 1;
} finally {
  await jobs?.stop().catch(() => undefined);
  await orm?.close(true).catch(() => undefined);
  await postgres.stop();
}
process.exit(exitCode);
