import { describe, expect, it } from '@jest/globals';
import { CostBudgets } from './cost-budget.ts';

describe('CostBudgets', () => {
  it('lets a caller spend its minute budget, then refuses with the wait until enough is refilled', () => {
    let now = 0;
    const budgets = new CostBudgets({ maxKeys: 100, now: () => now });
    const user = [{ key: 'user:a', perMinute: 600 }];
    expect(budgets.charge(user, 400)).toBeUndefined();
    expect(budgets.charge(user, 200)).toBeUndefined();
    expect(budgets.charge(user, 100)).toEqual({ retryAfterSeconds: 10 });
    now = 10_000; // 10 s refill 100
    expect(budgets.charge(user, 100)).toBeUndefined();
    expect(budgets.charge(user, 1)).toEqual({ retryAfterSeconds: 1 });
  });

  it('charges every key or none: a refused operation costs nothing', () => {
    let now = 0;
    const budgets = new CostBudgets({ maxKeys: 100, now: () => now });
    const user = { key: 'user:a', perMinute: 1000 };
    const client = { key: 'client:web', perMinute: 500 };
    expect(budgets.charge([user, client], 400)).toBeUndefined();
    expect(budgets.charge([user, client], 400)).toEqual({ retryAfterSeconds: 36 });
    // The user's own budget was not charged by the refused operation.
    expect(budgets.charge([user], 600)).toBeUndefined();
    expect(budgets.charge([user], 1)).toEqual({ retryAfterSeconds: 1 });
    now += 60_000;
    expect(budgets.charge([user, client], 500)).toBeUndefined();
  });

  it('keeps each caller apart', () => {
    const budgets = new CostBudgets({ maxKeys: 100, now: () => 0 });
    expect(budgets.charge([{ key: 'ip:1', perMinute: 10 }], 10)).toBeUndefined();
    expect(budgets.charge([{ key: 'ip:1', perMinute: 10 }], 1)).toBeDefined();
    expect(budgets.charge([{ key: 'ip:2', perMinute: 10 }], 10)).toBeUndefined();
  });

  it('remembers at most maxKeys callers, however many keys are invented', () => {
    const budgets = new CostBudgets({ maxKeys: 1000, now: () => 0 });
    for (let index = 0; index < 50_000; index += 1)
      budgets.charge([{ key: `ip:${index}`, perMinute: 10 }], 1);
    expect(budgets.size).toBe(1000);
  });
});
