import { describe, expect, it } from '@jest/globals';
import { paymentUpdates, refusedLines, toggleSelection, type BulkUpdate } from './payment-updates.ts';

const PAID: BulkUpdate = {
  status: 'PAID',
  date: '2026-12-03',
  time: '09:15',
  receiver: 'PERSON',
  receiverName: 'ignored',
  reference: ' PT-12 ',
  note: '',
};

describe('paymentUpdates', () => {
  it('pays each line at the time given in Vietnam, with the version the officer saw', () => {
    expect(paymentUpdates([{ id: 'a', version: 3 }], PAID)).toEqual([
      {
        lineId: 'a',
        expectedVersion: 3,
        status: 'PAID',
        paidAt: '2026-12-03T09:15:00+07:00',
        forDate: null,
        receiver: 'PERSON',
        receiverName: null,
        reference: 'PT-12',
        note: null,
      },
    ]);
  });

  it('names the authorised receiver, and records other outcomes for a day without a time or receiver', () => {
    const [authorised] = paymentUpdates([{ id: 'a', version: 1 }], {
      ...PAID,
      receiver: 'AUTHORISED',
      receiverName: 'Lê Văn Con',
    });
    expect(authorised).toMatchObject({ receiver: 'AUTHORISED', receiverName: 'Lê Văn Con' });
    const [unreachable] = paymentUpdates([{ id: 'b', version: 2 }], { ...PAID, status: 'UNREACHABLE' });
    expect(unreachable).toMatchObject({
      status: 'UNREACHABLE',
      paidAt: null,
      forDate: '2026-12-03',
      receiver: null,
      receiverName: null,
    });
  });
});

describe('refusedLines', () => {
  it('reads the refused lines of the error and ignores anything malformed', () => {
    expect(
      refusedLines({
        lines: [
          { index: 0, lineId: 'a', field: 'paidAt', message: 'Không được ở tương lai.' },
          { index: 1, lineId: 'b', message: 'Dòng đã thay đổi.' },
          'junk',
          { lineId: 3 },
        ],
      }),
    ).toEqual([
      { lineId: 'a', field: 'paidAt', message: 'Không được ở tương lai.' },
      { lineId: 'b', field: null, message: 'Dòng đã thay đổi.' },
    ]);
    expect(refusedLines(null)).toEqual([]);
    expect(refusedLines({ lines: 'x' })).toEqual([]);
  });
});

describe('toggleSelection', () => {
  const order = ['a', 'b', 'c', 'd', 'e'];
  it('toggles one line on a plain click', () => {
    expect([...toggleSelection(new Set(['a']), order, 'c', true, 'a', false)]).toEqual(['a', 'c']);
    expect([...toggleSelection(new Set(['a', 'c']), order, 'a', false, 'c', false)]).toEqual(['c']);
  });

  it('sets the whole range from the last line clicked on a shift-click, in either direction', () => {
    expect([...toggleSelection(new Set(), order, 'd', true, 'b', true)].sort()).toEqual(['b', 'c', 'd']);
    expect([...toggleSelection(new Set(order), order, 'a', false, 'c', true)].sort()).toEqual(['d', 'e']);
    // Without a previous click, a shift-click is a plain click.
    expect([...toggleSelection(new Set(), order, 'e', true, null, true)]).toEqual(['e']);
  });
});
