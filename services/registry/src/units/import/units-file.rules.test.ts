import { describe, expect, it } from '@jest/globals';
import type { UnitMerge } from './unit-merges.ts';
import {
  formatProblem,
  levelFromCell,
  planUnitsImport,
  readUnitsCsv,
  type StoredUnit,
  type UnitProblem,
} from './units-file.rules.ts';

const HEADER = 'code,name,full_name,level,kind,parent_code';
/** The start of Hà Tĩnh before the reform, as in the national list. */
const BEFORE = [
  HEADER,
  '42,Hà Tĩnh,Tỉnh Hà Tĩnh,province,Tỉnh,',
  '436,Hà Tĩnh,Thành phố Hà Tĩnh,district,Thành phố thuộc tỉnh,42',
  '440,Đức Thọ,Huyện Đức Thọ,district,Huyện,42',
  '18073,Nam Hà,Phường Nam Hà,commune,Phường,436',
  '18077,Bắc Hà,Phường Bắc Hà,commune,Phường,436',
  '18229,Đức Thọ,Thị trấn Đức Thọ,commune,Thị trấn,440',
].join('\n');
/** And after it: communes directly under the province, codes reused. */
const AFTER = [
  HEADER,
  '42,Hà Tĩnh,Tỉnh Hà Tĩnh,province,Tỉnh,',
  '18073,Thành Sen,Phường Thành Sen,commune,Phường,42',
  '18229,Đức Thọ,Xã Đức Thọ,commune,Xã,42',
].join('\n');

function read(text: string, defaults = {}) {
  const result = readUnitsCsv(text, defaults);
  expect(result.problems).toEqual([]);
  return result.units;
}

/** Plans `text` over `stored`, returning the plan. */
function plan(text: string, stored: StoredUnit[] = [], defaults = {}, merges?: UnitMerge[]) {
  return planUnitsImport({ units: read(text, defaults), stored, merges });
}

/** The stored units after importing `text` into `stored` (what the database would hold). */
function imported(
  text: string,
  stored: StoredUnit[] = [],
  defaults = {},
  merges?: UnitMerge[],
): StoredUnit[] {
  const result = plan(text, stored, defaults, merges);
  expect(result.problems).toEqual([]);
  const key = (unit: StoredUnit) => `${unit.code}|${unit.validFrom}`;
  const next = new Map(stored.map((unit) => [key(unit), unit]));
  for (const unit of [...result.inserts, ...result.updates, ...result.relatedUpdates])
    next.set(key(unit), unit);
  return [...next.values()];
}

const messages = (problems: UnitProblem[]) => problems.map(formatProblem);

describe('readUnitsCsv', () => {
  it('reads the national lists’ six columns', () => {
    const [province, district, commune] = read(BEFORE);
    expect(province).toEqual({
      line: 2,
      code: '42',
      name: 'Hà Tĩnh',
      fullName: 'Tỉnh Hà Tĩnh',
      level: 'province',
      kind: 'Tỉnh',
      parentCode: null,
      validFrom: null,
      validTo: null,
      successorCodes: null,
    });
    expect(district).toMatchObject({
      code: '436',
      level: 'district',
      kind: 'Thành phố thuộc tỉnh',
      parentCode: '42',
    });
    expect(commune).toMatchObject({ code: '440', line: 4 });
  });

  it('applies the validity defaults only to rows without dates, and reads successors split by |', () => {
    const units = read(
      [
        'code,name,level,parent_code,valid_from,valid_to,successor_code',
        '18100,Thạch Hạ,commune,436,,2025-06-30,18073 | 18091',
        '18073,Thành Sen,commune,42,2025-07-01,,',
      ].join('\n'),
      { validFrom: '2020-01-01', validTo: '2030-12-31' },
    );
    expect(
      units.map(({ code, validFrom, validTo, successorCodes }) => [code, validFrom, validTo, successorCodes]),
    ).toEqual([
      ['18100', '2020-01-01', '2025-06-30', ['18073', '18091']],
      ['18073', '2025-07-01', '2030-12-31', []],
    ]);
  });

  it('accepts Vietnamese level words and an empty level (by the length of the code), and derives kind and full name', () => {
    const units = read(
      [
        'code,name,level,parent_code',
        '42,Hà Tĩnh,Tỉnh,',
        '436,Hà Tĩnh,thành phố,42',
        '437,Hồng Lĩnh,Thị xã,42',
        '18073,Nam Hà,phường,436',
        '18229,Đức Thọ,Thị trấn,440',
        '18112,Thạch Bình,,436',
      ].join('\n'),
    );
    expect(units.map(({ code, level, kind, fullName }) => [code, level, kind, fullName])).toEqual([
      ['42', 'province', 'Tỉnh', 'Tỉnh Hà Tĩnh'],
      ['436', 'district', 'Thành phố', 'Thành phố Hà Tĩnh'],
      ['437', 'district', 'Thị xã', 'Thị xã Hồng Lĩnh'],
      ['18073', 'commune', 'Phường', 'Phường Nam Hà'],
      ['18229', 'commune', 'Thị trấn', 'Thị trấn Đức Thọ'],
      ['18112', 'commune', '', 'Thạch Bình'],
    ]);
    expect(levelFromCell('Thành phố', '01')).toBe('province');
    expect(levelFromCell('Thành phố trực thuộc trung ương', '01')).toBe('province');
    expect(levelFromCell('Đặc khu', '26732')).toBe('commune');
    expect(levelFromCell('thành phố', '1234')).toEqual({ message: expect.stringContaining('4 chữ số') });
    expect(levelFromCell('ấp', '12345')).toEqual({ message: expect.stringContaining('không hợp lệ') });
  });

  it('holds names and codes to the text policy: control, bidirectional and invisible characters, length', () => {
    const { problems } = readUnitsCsv(
      [
        HEADER,
        '42,Hà\u0000Tĩnh,Tỉnh Hà Tĩnh,province,Tỉnh,',
        '436,Hà Tĩnh,Thành phố \u202eHà Tĩnh,district,Thành phố thuộc tỉnh,42',
        `18073,Nam\u200bHà,Phường Nam Hà,commune,${'P'.repeat(100_000)},436`,
        `${'1'.repeat(100_000)},Bắc Hà,Phường Bắc Hà,commune,Phường,436`,
      ].join('\n'),
    );
    expect(messages(problems)).toEqual([
      'Dòng 2, mã 42: tên đơn vị (name) chứa ký tự điều khiển không hợp lệ.',
      'Dòng 3, mã 436: tên đầy đủ (full_name) chứa ký tự đảo chiều văn bản không hợp lệ.',
      'Dòng 4, mã 18073: tên đơn vị (name) chứa ký tự ẩn (không nhìn thấy) không hợp lệ: hãy gõ lại giá trị này.',
      'Dòng 4, mã 18073: loại đơn vị (kind) không được dài quá 50 ký tự.',
      'Dòng 5: mã đơn vị (code) không được dài quá 10 ký tự.',
    ]);
  });

  it('reports every problem of single rows with its line', () => {
    const { problems, rows } = readUnitsCsv(
      [
        'code,name,full_name,level,kind,parent_code,valid_from,valid_to,extra',
        '42,,Tỉnh Hà Tĩnh,province,Tỉnh,,,,',
        '4360,Hà Tĩnh,,district,,42,,,',
        '18073,Nam Hà,,commune,,436,2025-07-01,2025-06-30,',
        '18077,Bắc Hà,,commune,,436,2025-02-30,,',
        '18079,Tân Giang,,ấp,,436,,,',
        'x18,Tân Giang,,commune,,436,,,',
        '18082,Đại Nài,,commune,,436,,,,',
      ].join('\n'),
    );
    expect(rows).toBe(7);
    expect(messages(problems)).toEqual([
      'Dòng 2, mã 42: tên đơn vị (name) không được để trống',
      'Dòng 3, mã 4360: mã cấp huyện phải có 3 chữ số, mã này có 4',
      'Dòng 4, mã 18073: ngày hết hiệu lực (valid_to 30/06/2025) trước ngày bắt đầu hiệu lực (valid_from 01/07/2025)',
      'Dòng 5, mã 18077: valid_from "2025-02-30" không phải ngày có thật dạng yyyy-mm-dd',
      expect.stringMatching(/^Dòng 6, mã 18079: cấp "ấp" không hợp lệ/),
      'Dòng 7, mã x18: mã "x18" phải gồm các chữ số',
      'Dòng 8, mã 18082: dòng có 10 cột, tiêu đề chỉ có 9 cột',
    ]);
  });

  it('reports a successor that is not a code, keeping the others', () => {
    const { units, problems } = readUnitsCsv(
      'code,name,level,parent_code,valid_to,successor_code\n18100,Thạch Hạ,commune,436,2025-06-30,18073|x1',
    );
    expect(messages(problems)).toEqual([
      'Dòng 2, mã 18100: mã đơn vị kế thừa "x1" phải gồm 2, 3 hoặc 5 chữ số (nhiều mã cách nhau bởi |)',
    ]);
    expect(units[0]!.successorCodes).toEqual(['18073']);
  });

  it('reports a header without the required columns, an unused column as a warning, and bad defaults', () => {
    expect(messages(readUnitsCsv('code,name\n42,Hà Tĩnh').problems)).toEqual([
      expect.stringMatching(/^Dòng 1: thiếu cột level, parent_code/),
    ]);
    const { warnings, problems } = readUnitsCsv(`${HEADER},note\n42,Hà Tĩnh,,province,,,x`, {
      validFrom: '2025-13-01',
    });
    expect(messages(warnings)).toEqual(['Dòng 1: cột "note" không dùng đến, bỏ qua']);
    expect(messages(problems)).toEqual(['--valid-from "2025-13-01" không phải ngày yyyy-mm-dd']);
    expect(messages(readUnitsCsv('').problems)).toEqual([expect.stringContaining('tệp trống')]);
  });
});

describe('planUnitsImport', () => {
  it('inserts every unit into an empty register (paths are computed in SQL, see the integration test)', () => {
    const result = plan(BEFORE, [], { validTo: '2025-06-30' });
    expect(result.problems).toEqual([]);
    expect(result.inserts.map((unit) => unit.code)).toEqual(['42', '436', '440', '18073', '18077', '18229']);
    expect(result.inserts[3]).toEqual({
      code: '18073',
      name: 'Nam Hà',
      fullName: 'Phường Nam Hà',
      level: 'commune',
      kind: 'Phường',
      parentCode: '436',
      validFrom: null,
      validTo: '2025-06-30',
      successorCodes: [],
    });
    expect([result.updates.length, result.unchanged, result.relatedUpdates.length]).toEqual([0, 0, 0]);
  });

  it('loads both systems: the reused codes are other units, communes under the province once districts are gone', () => {
    const before = imported(BEFORE, [], { validTo: '2025-06-30' });
    const result = plan(AFTER, before, { validFrom: '2025-07-01' });
    expect(result.problems).toEqual([]);
    expect(result.inserts.map((unit) => [unit.code, unit.parentCode, unit.validFrom])).toEqual([
      ['42', null, '2025-07-01'],
      ['18073', '42', '2025-07-01'],
      ['18229', '42', '2025-07-01'],
    ]);
  });

  it('leaves equal units unchanged and updates only those that differ', () => {
    const stored = imported(BEFORE, [], { validTo: '2025-06-30' });
    const again = plan(BEFORE, stored, { validTo: '2025-06-30' });
    expect([
      again.inserts.length,
      again.updates.length,
      again.unchanged,
      again.relatedUpdates.length,
    ]).toEqual([0, 0, 6, 0]);
    const renamed = plan(BEFORE.replace('Bắc Hà,Phường Bắc Hà', 'Bắc Hà,Phường Bắc Hà mới'), stored, {
      validTo: '2025-06-30',
    });
    expect(renamed.updates.map((unit) => [unit.code, unit.fullName])).toEqual([
      ['18077', 'Phường Bắc Hà mới'],
    ]);
    expect(renamed.unchanged).toBe(5);
  });

  it('moves a unit to another parent without touching the stored units under it (SQL recomputes their paths)', () => {
    const stored = imported(BEFORE, []);
    const moved = plan(
      `${HEADER}\n40,Nghệ An,Tỉnh Nghệ An,province,Tỉnh,\n436,Hà Tĩnh,,district,Thành phố,40`,
      stored,
    );
    expect(moved.problems).toEqual([]);
    expect(moved.updates.map((unit) => [unit.code, unit.parentCode])).toEqual([['436', '40']]);
    expect(moved.relatedUpdates).toEqual([]);
  });

  it('sets the successors of the old units from the merges, and keeps them when a file has no successor column', () => {
    const before = imported(BEFORE, [], { validTo: '2025-06-30' });
    const merges: UnitMerge[] = [
      { newCode: '42', newName: 'Tỉnh Hà Tĩnh', old: [{ code: '42', name: 'Tỉnh Hà Tĩnh', type: 'full' }] },
      {
        newCode: '18073',
        newName: 'Phường Thành Sen',
        old: [
          { code: '18073', name: 'Phường Nam Hà', type: 'full' },
          { code: '18077', name: 'Phường Bắc Hà', type: 'partial' },
        ],
      },
      {
        newCode: '18229',
        newName: 'Xã Đức Thọ',
        old: [{ code: '18077', name: 'Phường Bắc Hà', type: 'partial' }],
      },
    ];
    const result = plan(AFTER, before, { validFrom: '2025-07-01' }, merges);
    expect(result.problems).toEqual([]);
    expect(result.relatedUpdates.map((unit) => [unit.code, unit.validTo, unit.successorCodes])).toEqual([
      ['42', '2025-06-30', ['42']],
      ['18073', '2025-06-30', ['18073']],
      ['18077', '2025-06-30', ['18073', '18229']],
    ]);
    expect(result.warnings).toEqual([]);
    const after = imported(AFTER, before, { validFrom: '2025-07-01' }, merges);
    const again = plan(BEFORE, after, { validTo: '2025-06-30' });
    expect([again.updates.length, again.unchanged, again.relatedUpdates.length]).toEqual([0, 6, 0]);
  });

  it('accepts successors the file names when they exist on the day after the unit ends', () => {
    const after = imported(AFTER, [], { validFrom: '2025-07-01' });
    const text = `${HEADER},successor_code\n42,Hà Tĩnh,,province,Tỉnh,,42\n436,Hà Tĩnh,,district,Thành phố,42,18073`;
    const result = plan(text, after, { validTo: '2025-06-30' });
    expect(result.problems).toEqual([]);
    expect(result.inserts.map((unit) => unit.successorCodes)).toEqual([['42'], ['18073']]);
  });

  describe('rejects, naming the line', () => {
    const problemsOf = (text: string, stored: StoredUnit[] = [], defaults = {}) => {
      const result = planUnitsImport({ units: readUnitsCsv(text, defaults).units, stored });
      expect(result.inserts).toEqual([]);
      return messages(result.problems);
    };

    it('a code twice for the same period, in the file or against a stored unit', () => {
      expect(problemsOf(`${BEFORE}\n18073,Nam Hà,,commune,Phường,436`)).toEqual([
        expect.stringMatching(/^Dòng 8, mã 18073: trùng với dòng 5: cùng mã và cùng ngày bắt đầu hiệu lực/),
      ]);
      expect(
        problemsOf(
          `${HEADER},valid_from,valid_to\n42,Hà Tĩnh,,province,Tỉnh,,,2025-06-30\n42,Hà Tĩnh,,province,Tỉnh,,2025-06-01,`,
        ),
      ).toEqual([expect.stringMatching(/^Dòng 3, mã 42: trùng mã với dòng 2: thời gian hiệu lực chồng lấn/)]);
      const openEnded = imported(BEFORE);
      expect(problemsOf(AFTER, openEnded, { validFrom: '2025-07-01' })).toEqual([
        expect.stringMatching(
          /^Dòng 2, mã 42: trùng thời gian hiệu lực \(từ 01\/07\/2025\) với đơn vị mã 42 "Tỉnh Hà Tĩnh" đã có/,
        ),
        expect.stringMatching(/^Dòng 3, mã 18073: trùng thời gian hiệu lực/),
        // and, the old districts being still in force, the new communes cannot be under the province
        expect.stringMatching(
          /^Dòng 3, mã 18073: đơn vị cấp xã chỉ trực thuộc tỉnh khi tỉnh không có cấp huyện/,
        ),
        expect.stringMatching(/^Dòng 4, mã 18229: trùng thời gian hiệu lực/),
        expect.stringMatching(/^Dòng 4, mã 18229: đơn vị cấp xã chỉ trực thuộc tỉnh/),
      ]);
    });

    it('a parent that is neither in the file nor stored, or not valid over the whole period', () => {
      expect(problemsOf(`${BEFORE}\n18100,Thạch Hạ,,commune,Phường,435`)).toEqual([
        'Dòng 8, mã 18100: không có đơn vị cha mã 435 (không có trong tệp và trong cơ sở dữ liệu)',
      ]);
      const before = imported(BEFORE, [], { validTo: '2025-06-30' });
      expect(problemsOf(`${HEADER}\n18100,Thạch Hạ,,commune,Phường,436`, before)).toEqual([
        expect.stringMatching(
          /^Dòng 2, mã 18100: đơn vị cha mã 436 không có hiệu lực suốt thời gian của đơn vị \(không giới hạn thời gian\); đơn vị cha đến hết 30\/06\/2025/,
        ),
      ]);
      const units = readUnitsCsv(`${HEADER}\n18100,Thạch Hạ,,commune,Phường,436`, {
        validTo: '2025-06-30',
      }).units;
      expect(planUnitsImport({ units, stored: before }).problems).toEqual([]);
    });

    it('a parent of the wrong level', () => {
      expect(
        problemsOf(
          [
            BEFORE,
            '18100,Thạch Hạ,,commune,Phường,42',
            '439,Hương Sơn,,district,Huyện,436',
            '18101,Thạch Hạ,,commune,Phường,18073',
            '43,Quảng Bình,,province,Tỉnh,42',
            '441,Vũ Quang,,district,Huyện,',
          ].join('\n'),
        ),
      ).toEqual([
        expect.stringMatching(
          /^Dòng 8, mã 18100: đơn vị cấp xã chỉ trực thuộc tỉnh khi tỉnh không có cấp huyện; trong thời gian không giới hạn thời gian tỉnh 42 có 2 đơn vị cấp huyện \(436, 440\)/,
        ),
        'Dòng 9, mã 439: đơn vị cấp huyện phải thuộc một tỉnh, đơn vị cha mã 436 là cấp huyện',
        'Dòng 10, mã 18101: đơn vị cấp xã phải thuộc một huyện hoặc một tỉnh, đơn vị cha mã 18073 là cấp xã',
        'Dòng 11, mã 43: đơn vị cấp tỉnh không có đơn vị cha (parent_code phải để trống)',
        'Dòng 12, mã 441: đơn vị cấp huyện phải có mã đơn vị cha (parent_code)',
      ]);
    });

    it('a cycle of parent links, with its codes', () => {
      expect(
        problemsOf(`${HEADER}\n436,Hà Tĩnh,,district,Thành phố,18073\n18073,Nam Hà,,commune,Phường,436`),
      ).toEqual([
        'Dòng 2, mã 436: đơn vị cấp huyện phải thuộc một tỉnh, đơn vị cha mã 18073 là cấp xã',
        'Dòng 2, mã 436: vòng lặp đơn vị cha: 436 → 18073 → 436 (dòng 2, 3)',
      ]);
      expect(problemsOf(`${HEADER}\n436,Hà Tĩnh,,district,Thành phố,436`)).toEqual([
        'Dòng 2, mã 436: vòng lặp đơn vị cha: 436 → 436 (đơn vị không thể là đơn vị cha của chính nó)',
      ]);
    });

    it('a successor that does not exist on the day after the unit ends, or a unit that does not end', () => {
      const after = imported(AFTER, [], { validFrom: '2025-07-01' });
      const text = `${HEADER},valid_to,successor_code\n42,Hà Tĩnh,,province,Tỉnh,,2025-06-30,42|77\n436,Hà Tĩnh,,district,Thành phố,42,2025-05-31,18073\n440,Đức Thọ,,district,Huyện,42,,18229`;
      expect(problemsOf(text, after)).toEqual([
        'Dòng 2, mã 42: không có đơn vị kế thừa mã 77 (không có trong tệp và trong cơ sở dữ liệu)',
        'Dòng 3, mã 436: đơn vị kế thừa mã 18073 không bắt đầu hiệu lực ngày 01/06/2025 (ngày sau khi đơn vị này hết hiệu lực)',
        expect.stringMatching(
          /^Dòng 4, mã 440: đơn vị cha mã 42 không có hiệu lực suốt thời gian của đơn vị/,
        ),
        'Dòng 4, mã 440: có đơn vị kế thừa (successor_code) nhưng không có ngày hết hiệu lực (valid_to)',
      ]);
    });

    it('a stored unit that would lose its parent', () => {
      const stored = imported(BEFORE);
      expect(
        problemsOf(`${HEADER}\n436,Hà Tĩnh,,district,Thành phố,42`, stored, { validTo: '2024-12-31' }),
      ).toEqual([
        expect.stringMatching(
          /^mã 18073: đơn vị "Phường Nam Hà" \(không giới hạn thời gian\) đã có trong cơ sở dữ liệu sẽ không còn đơn vị cha mã 436/,
        ),
        expect.stringMatching(/^mã 18077: /),
      ]);
    });

    describe('a merge map that does not fit the lists', () => {
      const before = () => imported(BEFORE, [], { validTo: '2025-06-30' });
      const mergeProblems = (merges: UnitMerge[], stored = before(), text = AFTER) =>
        messages(plan(text, stored, { validFrom: '2025-07-01' }, merges).problems);
      const province: UnitMerge = {
        newCode: '42',
        newName: 'Tỉnh Hà Tĩnh',
        old: [{ code: '42', name: 'Tỉnh Hà Tĩnh', type: 'full' }],
      };

      it('a new code the lists do not have', () => {
        expect(
          mergeProblems([
            province,
            {
              newCode: '99999',
              newName: 'Xã Không Có',
              old: [{ code: '18229', name: 'Thị trấn Đức Thọ', type: 'full' }],
            },
          ]),
        ).toEqual([
          'mã 99999: tệp sáp nhập: không có đơn vị mới mã 99999 "Xã Không Có" trong danh sách đơn vị',
        ]);
      });

      it('an old code the lists do not have', () => {
        expect(
          mergeProblems([
            province,
            {
              newCode: '18229',
              newName: 'Xã Đức Thọ',
              old: [{ code: '18888', name: 'Xã Đã Giải Thể', type: 'full' }],
            },
          ]),
        ).toEqual([
          'mã 18888: tệp sáp nhập: không có đơn vị cũ mã 18888 "Xã Đã Giải Thể" (sáp nhập vào mã 18229) trong danh sách đơn vị',
        ]);
      });

      it('an old unit that does not end the day before its successor starts', () => {
        const stored = imported(BEFORE, [], { validTo: '2025-05-31' });
        expect(mergeProblems([province], stored)).toEqual([
          'mã 42: tệp sáp nhập: đơn vị cũ "Tỉnh Hà Tĩnh" (mã 42, có hiệu lực đến hết 31/05/2025; từ 01/07/2025) không chấm dứt ngày 30/06/2025, ngày trước khi đơn vị kế thừa mã 42 bắt đầu hiệu lực',
        ]);
      });

      it('a new unit that does not start the day after its old units end', () => {
        const result = planUnitsImport({
          units: read(AFTER, { validFrom: '2025-08-01' }),
          stored: before(),
          mergeMaps: [{ merges: [province], on: '2025-07-01', file: 'merges.json' }],
        });
        expect(messages(result.problems)).toEqual([
          'mã 42: tệp sáp nhập merges.json: đơn vị mới "Tỉnh Hà Tĩnh" không bắt đầu hiệu lực ngày 01/07/2025 (mã 42 có hiệu lực đến hết 30/06/2025; từ 01/08/2025): đơn vị kế thừa phải bắt đầu hiệu lực ngay sau ngày đơn vị cũ chấm dứt (30/06/2025)',
        ]);
      });

      it('a cycle across periods (A → B → A)', () => {
        // 18073 until 30/06/2025 → 18229 (01/07/2025–31/12/2025) → 18073 again from 01/01/2026.
        const text = [
          `${HEADER},valid_from,valid_to,successor_code`,
          '42,Hà Tĩnh,Tỉnh Hà Tĩnh,province,Tỉnh,,,,',
          '18073,Nam Hà,Phường Nam Hà,commune,Phường,42,,2025-06-30,18229',
          '18229,Đức Thọ,Xã Đức Thọ,commune,Xã,42,2025-07-01,2025-12-31,18073',
          '18073,Thành Sen,Phường Thành Sen,commune,Phường,42,2026-01-01,,',
        ].join('\n');
        expect(problemsOf(text)).toEqual([
          'Dòng 3, mã 18073: vòng lặp kế thừa qua các thời kỳ: 18073 (đến hết 30/06/2025) → 18229 (từ 01/07/2025 đến hết 31/12/2025) → 18073 (từ 01/01/2026); một đơn vị không thể kế thừa lại chính mã của nó qua đơn vị khác',
        ]);
        // Without the way back there is no cycle (the national lists, where split communes swap codes
        // within one reform and most new communes keep an old code, load: see the integration test).
        const kept = text.replace(',2025-12-31,18073', ',2025-12-31,');
        const accepted = planUnitsImport({ units: readUnitsCsv(kept).units, stored: [] });
        expect(accepted.problems).toEqual([]);
        expect(accepted.inserts).toHaveLength(4);
      });
    });
  });
});
