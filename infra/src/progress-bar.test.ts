import { describe, expect, it } from '@jest/globals';
import {
  formatDuration,
  progressBar,
  progressBarLine,
  progressLine,
  type ProgressState,
} from './progress-bar.ts';

const PHASES = {
  reading: { label: 'Đọc tệp', unit: 'bytes' },
  checking: { label: 'Kiểm tra dòng', unit: 'dòng' },
};
const checking = (done: number, more: Partial<ProgressState> = {}): ProgressState => ({
  phase: 'checking',
  done,
  total: 20_000,
  ratePerSecond: 8_000,
  secondsLeft: Math.ceil((20_000 - done) / 8_000),
  ...more,
});

/** A stream that records what is written, and a clock the test moves. */
function terminal(isTTY: boolean, columns = 100) {
  const written: string[] = [];
  let time = 0;
  return {
    output: { isTTY, columns, write: (text: string) => written.push(text) },
    written,
    now: () => time,
    advance: (ms: number) => (time += ms),
  };
}

describe('progress lines', () => {
  it('say the phase, percent, counts, rate and time left, in Vietnamese number format', () => {
    expect(progressLine(checking(10_400), PHASES.checking)).toBe(
      'Kiểm tra dòng: 52% 10.400/20.000 dòng · 8.000 dòng/giây · còn 2 giây',
    );
    expect(
      progressLine(
        { phase: 'reading', done: 3 * 1024 * 1024, total: null, ratePerSecond: null, secondsLeft: null },
        PHASES.reading,
      ),
    ).toBe('Đọc tệp: 3,0 MB');
    expect(
      progressLine(
        { phase: null, done: 0, total: null, ratePerSecond: null, secondsLeft: null },
        {
          label: 'Đang bắt đầu',
          unit: '',
        },
      ),
    ).toBe('Đang bắt đầu…');
  });

  it('draw a bar of a steady width that fits the terminal', () => {
    const half = progressBarLine(checking(10_000), PHASES.checking, 120);
    expect(half).toBe(
      `Kiểm tra dòng [${'█'.repeat(15)}${'░'.repeat(15)}]  50% 10.000/20.000 dòng · 8.000/giây · còn 2 giây`,
    );
    const full = progressBarLine(checking(20_000, { secondsLeft: 0 }), PHASES.checking, 120);
    expect(full.indexOf(']')).toBe(half.indexOf(']'));
    const fitted = progressBarLine(checking(10_000), PHASES.checking, 80);
    expect(fitted).toMatch(/^Kiểm tra dòng \[█{5}░{4}\] {2}50% /);
    expect(fitted.length).toBeLessThan(80);
    // Too narrow for a bar: the numbers, cut to the width.
    const narrow = progressBarLine(checking(10_000), PHASES.checking, 40);
    expect(narrow).not.toContain('[');
    expect(narrow.length).toBeLessThan(40);
  });

  it('write durations briefly', () => {
    expect([42, 185, 3725].map(formatDuration)).toEqual(['42 giây', '3:05', '1:02:05']);
  });
});

describe('progressBar', () => {
  it('redraws a terminal line in place, at most every 100 ms, and ends it when finished', () => {
    const { output, written, now, advance } = terminal(true);
    const bar = progressBar(output, { phases: PHASES, now });
    bar.update(checking(1_000));
    advance(50);
    bar.update(checking(2_000));
    advance(60);
    bar.update(checking(3_000));
    bar.finish(checking(20_000, { secondsLeft: 0 }));
    expect(written).toHaveLength(4);
    expect(
      written.slice(0, 3).every((text) => text.startsWith('\rKiểm tra dòng [') && text.endsWith('\x1b[K')),
    ).toBe(true);
    expect(written[1]).toContain('3.000/20.000');
    expect(written[2]).toContain('100% 20.000/20.000');
    expect(written[3]).toBe('\n');
  });

  it('keeps a finished phase on its own line on a terminal', () => {
    const { output, written, now } = terminal(true);
    const bar = progressBar(output, { phases: PHASES, now });
    bar.update({
      phase: 'reading',
      done: 1024 * 1024,
      total: 2 * 1024 * 1024,
      ratePerSecond: null,
      secondsLeft: null,
    });
    bar.update(checking(1_000));
    expect(written).toEqual([
      expect.stringContaining('Đọc tệp ['),
      '\n',
      expect.stringContaining('Kiểm tra dòng ['),
    ]);
  });

  it('writes plain lines elsewhere: at each new phase, then every few seconds, and the last state', () => {
    const { output, written, now, advance } = terminal(false);
    const bar = progressBar(output, { phases: PHASES, now, lineEveryMs: 5_000 });
    bar.update({ phase: null, done: 0, total: null, ratePerSecond: null, secondsLeft: null });
    bar.update(checking(1_000));
    advance(4_000);
    bar.update(checking(5_000));
    advance(1_000);
    bar.update(checking(6_000));
    advance(100);
    bar.update(checking(7_000));
    bar.finish(checking(20_000, { secondsLeft: 0 }));
    bar.finish();
    bar.update(checking(1));
    expect(written.join('')).toBe(
      [
        'Đang chờ…',
        'Kiểm tra dòng: 5% 1.000/20.000 dòng · 8.000 dòng/giây · còn 3 giây',
        'Kiểm tra dòng: 30% 6.000/20.000 dòng · 8.000 dòng/giây · còn 2 giây',
        'Kiểm tra dòng: 100% 20.000/20.000 dòng · 8.000 dòng/giây · còn 0 giây',
        '',
      ].join('\n'),
    );
  });

  it('does not repeat the last line when the job ends as it was last shown', () => {
    const { output, written, now } = terminal(false);
    const bar = progressBar(output, { phases: PHASES, now });
    bar.update(checking(20_000, { secondsLeft: 0 }));
    bar.finish(checking(20_000, { secondsLeft: 0 }));
    expect(written).toHaveLength(1);
  });
});
