import { describe, expect, it } from '@jest/globals';
import {
  addressFilterProblem,
  assignedReason,
  assignmentProblem,
  checkReformDate,
  formatReformReport,
  lastDayBefore,
  noReformOnMessage,
  reformReason,
  reformTotals,
  type ReformCarryOverReport,
  type ReviewToAssign,
} from './reform.rules.ts';

const unit = (id: string, code: string, name: string) => ({ id, code, name, level: 'commune' });
const OLD = unit('u-18070', '18070', 'Xã Thạch Hạ');
const A = unit('u-18073', '18073', 'Phường Thành Sen');
const B = unit('u-18100', '18100', 'Xã Thạch Khê');
const C = unit('u-18200', '18200', 'Xã Đồng Tiến');

const review = (overrides: Partial<ReviewToAssign> = {}): ReviewToAssign => ({
  id: 'r1',
  fromUnit: OLD,
  candidateUnitIds: [A.id, B.id],
  candidates: [A, B],
  assignedUnitId: null,
  assignedUnit: null,
  ...overrides,
});

describe('reform reasons and dates', () => {
  it('names the change-history reasons after the reform date', () => {
    expect(reformReason('2025-07-01')).toBe('reform 2025-07-01');
    expect(assignedReason('2025-07-01')).toBe('reform 2025-07-01 assigned');
  });

  it('takes the units that ended the day before', () => {
    expect(lastDayBefore('2025-07-01')).toBe('2025-06-30');
    expect(lastDayBefore('2024-03-01')).toBe('2024-02-29');
  });

  it('accepts a calendar date up to today and refuses others in Vietnamese', () => {
    expect(checkReformDate('2025-07-01', '2026-12-02')).toEqual({ ok: true, on: '2025-07-01' });
    expect(checkReformDate('2026-12-02', '2026-12-02')).toEqual({ ok: true, on: '2026-12-02' });
    expect(checkReformDate('01/07/2025', '2026-12-02')).toEqual({
      ok: false,
      message: 'Ngày sắp xếp "01/07/2025" không phải ngày yyyy-mm-dd.',
    });
    expect(checkReformDate('2025-02-30', '2026-12-02').ok).toBe(false);
    expect(checkReformDate('2027-01-01', '2026-12-02')).toEqual({
      ok: false,
      message: 'Chưa đến ngày sắp xếp 01/01/2027: chỉ chuyển đối tượng sang đơn vị mới từ ngày đó.',
    });
  });

  it('says when a date names no re-organisation', () => {
    expect(noReformOnMessage('2025-07-02')).toContain('hết hiệu lực ngày 01/07/2025');
  });
});

describe('assignmentProblem', () => {
  it('accepts a candidate of every entry', () => {
    expect(assignmentProblem([review(), review({ id: 'r2' })], A)).toBeNull();
    expect(assignmentProblem([review()], B)).toBeNull();
  });

  it('refuses a unit the old one was not split into, naming the candidates', () => {
    expect(assignmentProblem([review()], C)).toBe(
      '18200 Xã Đồng Tiến không phải đơn vị nhận dân của 18070 Xã Thạch Hạ (được chia về: 18073 Phường Thành Sen, 18100 Xã Thạch Khê): chỉ phân được về một trong các đơn vị đó.',
    );
  });

  it('refuses the lot when one entry of several is not for that unit', () => {
    const other = review({ id: 'r2', candidateUnitIds: [B.id, C.id], candidates: [B, C] });
    expect(assignmentProblem([review(), other], A)).toMatch(/^18073 Phường Thành Sen không phải/);
  });

  it('lets an entry already assigned to the same unit be, and refuses moving it elsewhere', () => {
    const assigned = review({ assignedUnitId: A.id, assignedUnit: A });
    expect(assignmentProblem([assigned], A)).toBeNull();
    expect(assignmentProblem([assigned], B)).toBe(
      'Đối tượng này đã được phân về 18073 Phường Thành Sen: không phân lại được.',
    );
  });
});

describe('addressFilterProblem', () => {
  it('needs two characters of address', () => {
    expect(addressFilterProblem('Thôn 1')).toBeNull();
    expect(addressFilterProblem(' a ')).toMatch(/ít nhất 2 ký tự/);
  });
});

describe('formatReformReport', () => {
  const moves = [
    {
      from: unit('u-18077', '18077', 'Bắc Hà'),
      to: A,
      persons: 1200,
      households: 400,
      householdsRenamed: 3,
      duplicateWarnings: 0,
    },
    {
      from: unit('u-old-18073', '18073', 'Nam Hà'),
      to: A,
      persons: 900,
      households: 310,
      householdsRenamed: 0,
      duplicateWarnings: 2,
    },
  ];
  const splits = [{ from: OLD, candidates: [A, B], queued: 50, waiting: 50, assigned: 0 }];
  const report: ReformCarryOverReport = {
    on: '2025-07-01',
    dryRun: true,
    moves,
    splits,
    stranded: [],
    endedUnits: 10_794,
    splitUnits: 460,
    totals: reformTotals(moves, splits),
    entitlements: null,
    seconds: 1.25,
  };

  it('sums the counts', () => {
    expect(report.totals).toEqual({
      persons: 2100,
      households: 710,
      householdsRenamed: 3,
      duplicateWarnings: 2,
      queued: 50,
      waiting: 50,
    });
  });

  it('prints each old → new unit and each split case in Vietnamese', () => {
    const text = formatReformReport(report);
    expect(text).toContain('Chạy thử (không ghi gì) theo sắp xếp đơn vị hành chính ngày 01/07/2025');
    expect(text).toContain(
      '18077 Bắc Hà → 18073 Phường Thành Sen: sẽ chuyển 1.200 đối tượng, 400 hộ (3 mã hộ trùng được thêm tiền tố 18077-)',
    );
    expect(text).toContain(
      '18073 Nam Hà → 18073 Phường Thành Sen: sẽ chuyển 900 đối tượng, 310 hộ (2 cảnh báo trùng đang mở)',
    );
    expect(text).toContain(
      '18070 Xã Thạch Hạ → 18073 Phường Thành Sen | 18100 Xã Thạch Khê: sẽ đưa 50 đối tượng vào hàng chờ',
    );
    expect(text).not.toContain('Không có gì thay đổi');
  });

  it('says so when a real run found nothing left to carry', () => {
    const empty = { ...report, dryRun: false, moves: [], splits: [], totals: reformTotals([], []) };
    expect(formatReformReport(empty)).toContain('Không có gì thay đổi: đã chuyển xong từ trước.');
  });

  it('warns of persons left on a unit that ended without a successor', () => {
    const stranded = {
      ...report,
      stranded: [{ unit: unit('u-436', '436', 'Thành phố Hà Tĩnh'), persons: 2 }],
    };
    expect(formatReformReport(stranded)).toContain('436 Thành phố Hà Tĩnh: 2 đối tượng');
  });
});
