import { describe, expect, it } from '@jest/globals';
import { lower, upper } from './enum-values.ts';

describe('enum values', () => {
  it('map GraphQL enum values to stored values and back', () => {
    const stored: 'near_poor' = lower('NEAR_POOR');
    const value: 'NEAR_POOR' = upper(stored);
    expect([stored, value]).toEqual(['near_poor', 'NEAR_POOR']);
  });
});
