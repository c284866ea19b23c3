import { Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ReportColumn, ReportRow, ReportTable } from './report-table.ts';

/** What the writers' tests write: a payment list of a commune, with the values reports carry. */

export const PAYMENT_COLUMNS: readonly ReportColumn[] = [
  { key: 'unitCode', header: 'Mã đơn vị', kind: 'text', width: 10 },
  { key: 'unitName', header: 'Đơn vị', kind: 'text' },
  { key: 'fullName', header: 'Họ và tên', kind: 'text', width: 28 },
  { key: 'month', header: 'Tháng', kind: 'month' },
  { key: 'people', header: 'Số người', kind: 'integer', total: true },
  { key: 'amount', header: 'Số tiền (đồng)', kind: 'vnd', total: true },
  { key: 'paidOn', header: 'Ngày chi trả', kind: 'date' },
];

export const PAYMENT_ROWS: readonly ReportRow[] = [
  {
    unitCode: '18073',
    unitName: 'Phường Thành Sen',
    fullName: 'Nguyễn Thị Hồng',
    month: '2026-01',
    people: 1,
    amount: 500_000,
    paidOn: '2026-01-05',
  },
  {
    unitCode: '18073',
    unitName: 'Phường Thành Sen',
    fullName: 'Trần Văn Đức, "Út"',
    month: '2025-12',
    people: 2,
    // A bigint as PostgreSQL hands it over.
    amount: '1234567890',
    paidOn: new Date('2026-01-04T18:30:00Z'),
  },
  {
    unitCode: '18262',
    unitName: 'Xã Cẩm Xuyên',
    fullName: '=HYPERLINK("http://x","bấm")',
    month: '2026-11',
    people: 3,
    amount: 2_160_000,
    paidOn: null,
  },
  {
    unitCode: '18229',
    unitName: 'Xã Thạch Hà\nthôn 2',
    fullName: '+84 912 345 678',
    month: '2026-02',
    people: null,
    amount: undefined,
    paidOn: '2026-02-28',
  },
];

export function paymentTable(overrides: Partial<ReportTable> = {}): ReportTable {
  return {
    title: 'Danh sách chi trả trợ cấp xã hội hằng tháng',
    subtitle: 'Đơn vị: Tỉnh Hà Tĩnh · Kỳ: 1/2026',
    columns: PAYMENT_COLUMNS,
    rows: PAYMENT_ROWS,
    ...overrides,
  };
}

/** The sum of a column over rows, as the test computes it on its own. */
export function sumOf(rows: readonly ReportRow[], key: string): number {
  return rows.reduce((sum, row) => sum + Number(row[key] ?? 0), 0);
}

/** `count` generated rows, as an async source (a database cursor). */
export async function* manyRows(count: number): AsyncGenerator<ReportRow> {
  for (let index = 0; index < count; index++) {
    yield {
      unitCode: String(18000 + (index % 300)),
      unitName: index % 2 ? 'Phường Thành Sen' : 'Xã Cẩm Xuyên',
      fullName: `Nguyễn Thị Hồng ${index}`,
      month: '2026-11',
      people: 1,
      amount: 500_000 + (index % 1000),
      paidOn: '2026-11-05',
    };
  }
}

/** A rows source that yields `before` rows and then throws. */
export async function* failingRows(before: number, error: Error): AsyncGenerator<ReportRow> {
  yield* PAYMENT_ROWS.slice(0, before);
  throw error;
}

/**
 * A target that keeps what it is given; `slow` makes it take a pause per write with a small buffer, so
 * that the writers meet backpressure.
 */
export class CollectingTarget extends Writable {
  readonly chunks: Buffer[] = [];
  private readonly slow: boolean;

  constructor(options: { slow?: boolean } = {}) {
    super({ highWaterMark: options.slow ? 1024 : 16 * 1024 });
    this.slow = options.slow ?? false;
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.chunks.push(Buffer.from(chunk));
    if (this.slow) sleep(1).then(() => callback(), callback);
    else callback();
  }

  get content(): Buffer {
    return Buffer.concat(this.chunks);
  }

  /** Listeners a writer may have added, per event. */
  listenerCounts(): Record<string, number> {
    return Object.fromEntries(
      ['error', 'close', 'drain', 'finish', 'unpipe', 'end'].map((event) => [
        event,
        this.listenerCount(event),
      ]),
    );
  }
}
