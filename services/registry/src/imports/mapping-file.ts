import { CANONICAL_FIELDS, type CanonicalField, type ColumnAssignment } from './column-mapping.ts';

/** A mapping file is a handful of headers; anything much larger is not one. */
const MAX_MAPPING_BYTES = 64 * 1024;
const MAX_ASSIGNMENTS = 200;
const MAX_HEADER_CHARS = 200;

/** Why a `--mapping` file cannot be used; `message` is for the official, in Vietnamese. */
export class MappingFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MappingFileError';
  }
}

const FIELD_NAMES = new Map<string, CanonicalField>();
for (const field of CANONICAL_FIELDS) {
  FIELD_NAMES.set(field, field);
  // The GraphQL ImportField spelling: fullName → FULL_NAME.
  FIELD_NAMES.set(field.replace(/[A-Z]/g, (letter) => `_${letter}`).toUpperCase(), field);
}

/**
 * The column assignments of a mapping file: a JSON object from the file's header to the field it feeds
 * (`"fullName"` or `"FULL_NAME"`), or to null to leave the column out:
 * `{ "Tên người nhận": "fullName", "Sinh ngày": "BIRTH_DATE", "Ghi chú": null }`.
 */
export function parseMappingFile(content: Buffer | string): ColumnAssignment[] {
  const size = typeof content === 'string' ? Buffer.byteLength(content) : content.length;
  if (size > MAX_MAPPING_BYTES) {
    throw new MappingFileError(`Tệp ánh xạ cột lớn quá ${MAX_MAPPING_BYTES / 1024} KB.`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(typeof content === 'string' ? content : content.toString('utf8'));
  } catch (error) {
    throw new MappingFileError(`Tệp ánh xạ cột không phải JSON hợp lệ: ${(error as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new MappingFileError(
      'Tệp ánh xạ cột phải là một đối tượng JSON { "tên cột trong tệp": "trường" }, ví dụ { "Tên người nhận": "fullName" }.',
    );
  }
  const entries = Object.entries(parsed);
  if (entries.length === 0) throw new MappingFileError('Tệp ánh xạ cột không có cột nào.');
  if (entries.length > MAX_ASSIGNMENTS) {
    throw new MappingFileError(`Tệp ánh xạ cột có hơn ${MAX_ASSIGNMENTS} cột.`);
  }
  const fieldsUsed = new Map<CanonicalField, string>();
  return entries.map(([column, value]): ColumnAssignment => {
    if (column.trim() === '' || column.length > MAX_HEADER_CHARS) {
      throw new MappingFileError(`Tên cột "${column.slice(0, 40)}" trong tệp ánh xạ không hợp lệ.`);
    }
    if (value === null) return { column, field: null };
    const field = typeof value === 'string' ? FIELD_NAMES.get(value.trim()) : undefined;
    if (field === undefined) {
      throw new MappingFileError(
        `Cột "${column}": không có trường ${JSON.stringify(value)}. Các trường: ${CANONICAL_FIELDS.join(', ')} (hoặc null để bỏ cột).`,
      );
    }
    const earlier = fieldsUsed.get(field);
    if (earlier !== undefined) {
      throw new MappingFileError(`Hai cột "${earlier}" và "${column}" cùng gán cho trường ${field}.`);
    }
    fieldsUsed.set(field, column);
    return { column, field };
  });
}
