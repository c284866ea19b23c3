import { describe, expect, it } from '@jest/globals';
import { progressTracker, throttledWriter } from './job-progress.ts';

describe('progressTracker', () => {
  it('gives the phase average rate and the time left when the total is known', () => {
    let now = 0;
    const track = progressTracker(() => now);
    expect(track({ phase: 'checking', done: 0, total: 1000 })).toEqual({
      phase: 'checking',
      done: 0,
      total: 1000,
      ratePerSecond: null,
      secondsLeft: null,
    });
    now = 2_000;
    expect(track({ phase: 'checking', done: 200, total: 1000 })).toMatchObject({
      ratePerSecond: 100,
      secondsLeft: 8,
    });
    now = 4_000;
    expect(track({ phase: 'checking', done: 500 })).toMatchObject({
      total: null,
      ratePerSecond: 125,
      secondsLeft: null,
    });
  });

  it('starts the rate afresh in a new phase and ignores nonsense counts', () => {
    let now = 0;
    const track = progressTracker(() => now);
    track({ phase: 'checking', done: 10 });
    now = 10_000;
    expect(track({ phase: 'writing', done: 1, total: 7 })).toMatchObject({ ratePerSecond: null });
    now = 10_100;
    expect(track({ phase: 'writing', done: Number.NaN, total: -3 })).toMatchObject({ done: 0, total: null });
    now = 11_000;
    expect(track({ phase: 'writing', done: 3, total: 7 })).toMatchObject({
      ratePerSecond: 3,
      secondsLeft: 2,
    });
  });
});

describe('throttledWriter', () => {
  it('writes only the latest value, once per interval, and flush writes what is pending', async () => {
    const written: number[] = [];
    const writer = throttledWriter(async (value: number) => void written.push(value), 60_000);
    writer.push(1);
    writer.push(2);
    writer.push(3);
    expect(written).toEqual([]);
    await writer.flush();
    expect(written).toEqual([3]);
    await writer.flush();
    expect(written).toEqual([3]);
    writer.push(4);
    await writer.stop();
    writer.push(5);
    await writer.flush();
    expect(written).toEqual([3]);
  });

  it('keeps going after a failed write', async () => {
    const written: number[] = [];
    const writer = throttledWriter(async (value: number) => {
      if (value === 1) throw new Error('database away');
      written.push(value);
    }, 10);
    writer.push(1);
    await writer.flush();
    writer.push(2);
    await new Promise((resolve) => setTimeout(resolve, 30));
    await writer.flush();
    expect(written).toEqual([2]);
  });
});
