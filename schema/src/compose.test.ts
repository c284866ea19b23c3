import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { composeSupergraph, SUPERGRAPH_PATH } from './compose.ts';

describe('supergraph', () => {
  it('composes from the four subgraph schemas and the checked-in file is up to date (npm run compose)', () => {
    expect(readFileSync(SUPERGRAPH_PATH, 'utf8')).toBe(composeSupergraph());
  });
});
