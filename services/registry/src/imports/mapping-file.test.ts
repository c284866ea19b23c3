import { describe, expect, it } from '@jest/globals';
import { MappingFileError, parseMappingFile } from './mapping-file.ts';

describe('parseMappingFile', () => {
  it('reads headers to fields, in either spelling, and null to leave a column out', () => {
    expect(
      parseMappingFile('{ "Tên người nhận": "fullName", "Sinh ngày": "BIRTH_DATE", "Ghi chú": null }'),
    ).toEqual([
      { column: 'Tên người nhận', field: 'fullName' },
      { column: 'Sinh ngày', field: 'birthDate' },
      { column: 'Ghi chú', field: null },
    ]);
  });

  it('keeps a header named __proto__ as a header, not a prototype', () => {
    expect(parseMappingFile('{ "__proto__": "phone", "Họ tên": "fullName" }')).toEqual([
      { column: '__proto__', field: 'phone' },
      { column: 'Họ tên', field: 'fullName' },
    ]);
    expect(({} as Record<string, unknown>).phone).toBeUndefined();
  });

  it.each([
    ['not JSON', '{ "Họ tên": fullName }', 'không phải JSON hợp lệ'],
    ['an array', '[["Họ tên", "fullName"]]', 'phải là một đối tượng JSON'],
    ['an unknown field', '{ "Họ tên": "hoTen" }', 'Cột "Họ tên": không có trường "hoTen"'],
    ['a number as field', '{ "Họ tên": 1 }', 'không có trường 1'],
    ['no column', '{}', 'không có cột nào'],
    ['one field twice', '{ "A": "phone", "B": "PHONE" }', 'Hai cột "A" và "B" cùng gán cho trường phone'],
    ['an empty header', '{ " ": "phone" }', 'không hợp lệ'],
    ['too large a file', `{ "a": "${'x'.repeat(70_000)}" }`, 'lớn quá 64 KB'],
  ])('refuses %s with a clear message', (_, content, message) => {
    expect(() => parseMappingFile(content)).toThrow(MappingFileError);
    expect(() => parseMappingFile(content)).toThrow(message);
  });
});
