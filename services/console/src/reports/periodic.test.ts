import { describe, expect, it } from '@jest/globals';
import { changesByReason, paymentSummaryLines, periodicFilterOfParams, periodicParams } from './periodic.ts';

describe('periodicParams and periodicFilterOfParams', () => {
  it('keep the unit and month in the address and read them back', () => {
    const params = new URLSearchParams(periodicParams({ unitCode: ' 42 ', month: '2026-03' }));
    expect(periodicFilterOfParams(params)).toEqual({ unitCode: '42', month: '2026-03' });
  });

  it('read nothing before a report was asked for', () => {
    expect(periodicFilterOfParams(new URLSearchParams('tab=dinh-ky'))).toBeNull();
  });

  it('read a report asked without a unit as such, for the graph to refuse at the field', () => {
    expect(periodicFilterOfParams(new URLSearchParams('thang=2026-03'))).toEqual({
      unitCode: '',
      month: '2026-03',
    });
  });
});

describe('paymentSummaryLines', () => {
  const commune = (id: string, districtCode: string | null) => ({
    unit: { id },
    unitName: `Xã ${id}`,
    districtCode,
    listState: 'CLOSED',
    figures: id,
  });

  it('puts each former district’s subtotal after its last commune', () => {
    const lines = paymentSummaryLines(
      [commune('a', '436'), commune('b', '436'), commune('c', '437')],
      [
        { unitCode: '436', unitName: 'Huyện Can Lộc', communes: 2, figures: 'ab' },
        { unitCode: '437', unitName: 'Huyện Lộc Hà', communes: 1, figures: 'c' },
      ],
    );
    expect(lines.map((line) => [line.kind, line.name, line.figures])).toEqual([
      ['commune', 'Xã a', 'a'],
      ['commune', 'Xã b', 'b'],
      ['district', 'Huyện Can Lộc', 'ab'],
      ['commune', 'Xã c', 'c'],
      ['district', 'Huyện Lộc Hà', 'c'],
    ]);
  });

  it('lists the communes alone since the reform', () => {
    const lines = paymentSummaryLines([commune('a', null), commune('b', null)], []);
    expect(lines.map((line) => line.kind)).toEqual(['commune', 'commune']);
  });
});

describe('changesByReason', () => {
  it('gathers the rows of each reason and direction', () => {
    const grant = { direction: 'INCREASE', reasonCode: 'grant', category: null };
    const stop = { direction: 'DECREASE', reasonCode: 'stop', category: null };
    const rows = [
      { direction: 'INCREASE', reasonCode: 'grant', category: '5.1' },
      { direction: 'DECREASE', reasonCode: 'stop', category: '5.1' },
      { direction: 'INCREASE', reasonCode: 'grant', category: '5.6' },
    ];
    expect(changesByReason([grant, stop], rows)).toEqual([
      { reason: grant, rows: [rows[0], rows[2]] },
      { reason: stop, rows: [rows[1]] },
    ]);
  });
});
