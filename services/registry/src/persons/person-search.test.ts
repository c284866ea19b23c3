import { describe, expect, it } from '@jest/globals';
import { nameWordsQuery, readPersonSearch } from './person-search.ts';

describe('readPersonSearch', () => {
  it('folds the name into words of letters and digits', () => {
    expect(readPersonSearch({ name: "  Nguyễn  VĂN Án, H'Mông " })).toMatchObject({
      nameWords: ['nguyen', 'van', 'an', 'h', 'mong'],
    });
  });

  it('tells a CCCD from an old CMND and refuses other numbers', () => {
    expect(readPersonSearch({ idNumber: '042 150 000 123' })).toMatchObject({ citizenId: '042150000123' });
    expect(readPersonSearch({ idNumber: '183456789' })).toMatchObject({
      oldIdNumber: '183456789',
      citizenId: null,
    });
    expect(readPersonSearch({ idNumber: '12345' })).toMatchObject({ field: 'filter.idNumber' });
    expect(readPersonSearch({ idNumber: '042-150-000-123' })).toMatchObject({ citizenId: '042150000123' });
    expect(readPersonSearch({ idNumber: 'CCCD 042150000123' })).toMatchObject({ field: 'filter.idNumber' });
    expect(readPersonSearch({ idNumber: '1'.repeat(10_000) })).toMatchObject({ field: 'filter.idNumber' });
  });

  it('refuses a name of more than 8 words', () => {
    expect(readPersonSearch({ name: 'a b c d e f g h i' })).toMatchObject({ field: 'filter.name' });
  });
});

describe('nameWordsQuery', () => {
  it('asks for whole words, and the last one as the start of a word', () => {
    expect(nameWordsQuery(['nguyen', 'van', 'an'])).toBe('nguyen & van & an:*');
    expect(nameWordsQuery(['an'])).toBe('an:*');
  });
});
