/** One record of a CSV file with the line it starts on (1-based, the header is line 1). */
export type CsvRecord = { line: number; fields: string[] };

export type CsvParse = { records: CsvRecord[]; error: { line: number; message: string } | null };

/**
 * RFC 4180 CSV: comma-separated, fields in double quotes may hold commas, line breaks and `""`;
 * CRLF or LF line ends, a leading byte-order mark is dropped, blank lines are skipped. Line numbers
 * count physical lines, so they match what an editor shows even when a quoted field spans lines.
 */
export function parseCsv(text: string): CsvParse {
  const source = text.startsWith('\uFEFF') ? text.slice(1) : text;
  const records: CsvRecord[] = [];
  let fields: string[] = [];
  let field = '';
  let line = 1;
  let recordLine = 1;
  let quoted = false;
  let fieldStarted = false;
  const endRecord = () => {
    fields.push(field);
    if (fields.length > 1 || fields[0] !== '') records.push({ line: recordLine, fields });
    fields = [];
    field = '';
    fieldStarted = false;
  };
  for (let i = 0; i < source.length; i += 1) {
    const char = source[i]!;
    if (quoted) {
      if (char === '"') {
        if (source[i + 1] === '"') {
          field += '"';
          i += 1;
        } else {
          quoted = false;
        }
      } else {
        if (char === '\n') line += 1;
        field += char;
      }
      continue;
    }
    if (char === '"') {
      if (fieldStarted && field !== '') {
        return {
          records,
          error: { line, message: 'dấu ngoặc kép (") nằm giữa một trường không được bao ngoặc' },
        };
      }
      quoted = true;
      fieldStarted = true;
    } else if (char === ',') {
      fields.push(field);
      field = '';
      fieldStarted = false;
    } else if (char === '\n' || char === '\r') {
      if (char === '\r' && source[i + 1] === '\n') i += 1;
      endRecord();
      line += 1;
      recordLine = line;
    } else {
      field += char;
      fieldStarted = true;
    }
  }
  if (quoted) return { records, error: { line: recordLine, message: 'thiếu dấu ngoặc kép (") đóng' } };
  if (field !== '' || fields.length) endRecord();
  return { records, error: null };
}
