import { describe, expect, it } from '@jest/globals';
import { readMergesJson } from './unit-merges.ts';

describe('readMergesJson', () => {
  it('reads every new province and commune with the old units merged into it', () => {
    const text = JSON.stringify({
      data: [
        {
          level1_id: '42',
          name: 'Tỉnh Hà Tĩnh',
          merges: [{ old_id: '42', name: 'Tỉnh Hà Tĩnh', type: 'full' }],
          level2s: [
            {
              level2_id: '18073',
              name: 'Phường Thành Sen',
              merges: [
                { old_id: '18073', name: 'Phường Nam Hà', type: 'full' },
                { old_id: '18100', name: 'Phường Thạch Hạ', type: 'partial' },
              ],
            },
          ],
        },
      ],
      stats: {},
    });
    expect(readMergesJson(text)).toEqual({
      merges: [
        { newCode: '42', newName: 'Tỉnh Hà Tĩnh', old: [{ code: '42', name: 'Tỉnh Hà Tĩnh', type: 'full' }] },
        {
          newCode: '18073',
          newName: 'Phường Thành Sen',
          old: [
            { code: '18073', name: 'Phường Nam Hà', type: 'full' },
            { code: '18100', name: 'Phường Thạch Hạ', type: 'partial' },
          ],
        },
      ],
      problems: [],
    });
  });

  it('reports what is not JSON or not in the format', () => {
    expect(readMergesJson('{').problems).toEqual([expect.stringContaining('không phải JSON')]);
    expect(readMergesJson('[]').problems).toEqual([expect.stringContaining('"data"')]);
    const bad = readMergesJson(
      JSON.stringify({
        data: [
          null,
          {
            level1_id: '42',
            merges: [
              { old_id: 42, type: 'full' },
              { old_id: '42', type: 'some' },
            ],
            level2s: {},
          },
        ],
      }),
    );
    expect(bad.problems).toEqual([
      expect.stringContaining('mục thứ 1'),
      expect.stringContaining('"old_id"'),
      expect.stringContaining('"old_id"'),
      expect.stringContaining('"level2s" phải là danh sách'),
    ]);
  });
});
