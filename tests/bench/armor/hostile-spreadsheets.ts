import { writeZip, type ZipEntry } from './zip-writer.ts';
import type { Random } from '../generator/random.ts';

const CONTENT_TYPES = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>`;
const ROOT_RELS = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`;
const WORKBOOK = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Danh sach" sheetId="1" r:id="rId1"/></sheets></workbook>`;
const WORKBOOK_RELS = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>`;
const SHEET_OPEN = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`;
const SHEET_CLOSE = `</sheetData></worksheet>`;
const SST_OPEN = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">`;

const escapeXml = (text: string) =>
  text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');

const inlineRow = (index: number, cells: string[]) =>
  `<row r="${index}">${cells
    .map(
      (value, column) =>
        `<c r="${String.fromCharCode(65 + column)}${index}" t="inlineStr"><is><t>${escapeXml(value)}</t></is></c>`,
    )
    .join('')}</row>`;

const HEADER = ['Họ và tên', 'Ngày sinh', 'Giới tính', 'Số CCCD'];
/** Rows that every import refuses (a birth date in the future), so a parsed file still writes nothing. */
const REFUSED_ROWS = [
  ['Nguyễn Văn Tương Lai', '01/01/2099', 'Nam', ''],
  ['Trần Thị Chưa Sinh', '2098', 'Nữ', ''],
];

function workbook(sheet: ZipEntry['content'], sharedStrings: ZipEntry['content'], extra: ZipEntry[] = []) {
  return writeZip([
    { name: '[Content_Types].xml', content: CONTENT_TYPES },
    { name: '_rels/.rels', content: ROOT_RELS },
    { name: 'xl/workbook.xml', content: WORKBOOK },
    { name: 'xl/_rels/workbook.xml.rels', content: WORKBOOK_RELS },
    { name: 'xl/worksheets/sheet1.xml', content: sheet },
    { name: 'xl/sharedStrings.xml', content: sharedStrings },
    ...extra,
  ]);
}

const EMPTY_SST = `${SST_OPEN}</sst>`;
const refusedSheet = () =>
  SHEET_OPEN +
  [HEADER, ...REFUSED_ROWS].map((cells, index) => inlineRow(index + 1, cells)).join('') +
  SHEET_CLOSE;

/** Seeded bytes, so that every run tries the same corpus. */
export const randomBytes = (random: Random, length: number) =>
  Buffer.from(Array.from({ length }, () => random.int(0, 255)));

export type HostileFile = { name: string; fileName: string; content: Buffer };

/**
 * Spreadsheets meant to hurt the importer: decompression bombs (the issue's 7.8 MB file whose shared
 * strings expand to 3.2 GB), millions of rows, entity expansion, lying and broken archives, random
 * corruption of a valid file, binary CSV. Every data row they hold is one that the import refuses.
 */
export async function hostileSpreadsheets(random: Random, corruptions: number): Promise<HostileFile[]> {
  const files: HostileFile[] = [];
  const add = (name: string, fileName: string, content: Buffer) => files.push({ name, fileName, content });
  const valid = await workbook(refusedSheet(), EMPTY_SST);

  // 3.2 GB of shared strings from a few MB.
  const sharedStrings = Buffer.from(`<si><t>${'A'.repeat(4000)}</t></si>`.repeat(100));
  add(
    'xlsx bomb: shared strings expanding to 3.2 GB',
    'bom-chuoi.xlsx',
    await workbook(refusedSheet(), {
      head: Buffer.from(SST_OPEN),
      repeat: sharedStrings,
      times: 8_000,
      tail: Buffer.from('</sst>'),
    }),
  );
  add(
    'xlsx bomb: one 1 GB cell',
    'bom-o.xlsx',
    await workbook(
      {
        head: Buffer.from(`${SHEET_OPEN}${inlineRow(1, HEADER)}<row r="2"><c r="A2" t="inlineStr"><is><t>`),
        repeat: Buffer.alloc(1 << 20, 'x'),
        times: 1024,
        tail: Buffer.from(`</t></is></c></row>${SHEET_CLOSE}`),
      },
      EMPTY_SST,
    ),
  );
  add(
    'xlsx: 2.9 M rows',
    'nhieu-dong.xlsx',
    await workbook(
      {
        head: Buffer.from(SHEET_OPEN + inlineRow(1, HEADER)),
        repeat: Buffer.from(
          '<row><c t="inlineStr"><is><t>Tương Lai</t></is></c><c><v>2099</v></c></row>'.repeat(1000),
        ),
        times: 2_900,
        tail: Buffer.from(SHEET_CLOSE),
      },
      EMPTY_SST,
    ),
  );
  add(
    'xlsx: 16,384 columns × 2,000 rows of cells',
    'nhieu-o.xlsx',
    await workbook(
      {
        head: Buffer.from(SHEET_OPEN + inlineRow(1, HEADER)),
        repeat: Buffer.from(`<row>${'<c><v>1</v></c>'.repeat(16_384)}</row>`),
        times: 2_000,
        tail: Buffer.from(SHEET_CLOSE),
      },
      EMPTY_SST,
    ),
  );
  add(
    'xlsx: billion laughs in shared strings',
    'billion-laughs.xlsx',
    await workbook(
      refusedSheet(),
      `<?xml version="1.0"?><!DOCTYPE sst [<!ENTITY a "${'ha'.repeat(50)}">${Array.from(
        { length: 9 },
        (_, level) =>
          `<!ENTITY ${String.fromCharCode(98 + level)} "${`&${String.fromCharCode(97 + level)};`.repeat(10)}">`,
      ).join('')}]>${SST_OPEN.replace(/^<\?xml[^>]*>\s*/, '')}<si><t>&j;</t></si></sst>`,
    ),
  );
  add(
    'xlsx: external entity',
    'xxe.xlsx',
    await workbook(
      refusedSheet(),
      `<?xml version="1.0"?><!DOCTYPE sst [<!ENTITY x SYSTEM "file:///etc/passwd">]><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>&x;</t></si></sst>`,
    ),
  );
  add(
    'xlsx: shared-string index far out of range',
    'sst-index.xlsx',
    await workbook(
      `${SHEET_OPEN}${inlineRow(1, HEADER)}<row r="2"><c r="A2" t="s"><v>4294967295</v></c><c r="B2" t="s"><v>-1</v></c></row>${SHEET_CLOSE}`,
      EMPTY_SST,
    ),
  );
  add(
    'xlsx: cell reference beyond the sheet',
    'ref.xlsx',
    await workbook(
      `${SHEET_OPEN}${inlineRow(1, HEADER)}<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>2099</t></is></c></row><row r="99999999999"><c r="ZZZZZZZ99999999999"><v>1</v></c></row>${SHEET_CLOSE}`,
      EMPTY_SST,
    ),
  );
  add(
    'zip: central directory lies about sizes',
    'lying-sizes.xlsx',
    await writeZip([
      { name: '[Content_Types].xml', content: CONTENT_TYPES },
      { name: '_rels/.rels', content: ROOT_RELS },
      { name: 'xl/workbook.xml', content: WORKBOOK },
      { name: 'xl/_rels/workbook.xml.rels', content: WORKBOOK_RELS },
      {
        name: 'xl/worksheets/sheet1.xml',
        content: {
          head: Buffer.from(SHEET_OPEN + inlineRow(1, HEADER)),
          repeat: Buffer.from('<row><c><v>1</v></c></row>'.repeat(1000)),
          times: 20_000,
          tail: Buffer.from(SHEET_CLOSE),
        },
        claimedSize: 1000,
      },
      { name: 'xl/sharedStrings.xml', content: EMPTY_SST },
    ]),
  );
  add(
    'zip: entry names that climb out of the archive',
    'zip-slip.xlsx',
    await workbook(refusedSheet(), EMPTY_SST, [
      { name: '../../../../tmp/ansinh-zip-slip.txt', content: 'owned' },
      { name: '/etc/ansinh-zip-slip', content: 'owned' },
    ]),
  );
  add(
    'zip: 60,000 entries',
    'many-entries.xlsx',
    await workbook(
      refusedSheet(),
      EMPTY_SST,
      Array.from({ length: 60_000 }, (_, index) => ({ name: `xl/media/image${index}.png`, content: '' })),
    ),
  );
  add('zip: workbook without worksheets', 'no-sheet.xlsx', await writeZip([{ name: 'a.txt', content: 'x' }]));
  add('zip: empty file named .xlsx', 'empty.xlsx', Buffer.alloc(0));
  add('zip: truncated to half', 'half.xlsx', valid.subarray(0, valid.length >> 1));
  add('zip: only the end record', 'eocd.xlsx', valid.subarray(valid.length - 22));
  add('not a zip: text named .xlsx', 'text.xlsx', Buffer.from('Họ và tên;Ngày sinh\nA;2099\n'));
  add('csv: one 20 MB line', 'dong-dai.csv', Buffer.alloc(20 << 20, 'a'));
  add(
    'csv: 3 M rows',
    'nhieu-dong.csv',
    Buffer.from(`Họ và tên;Ngày sinh\n${'Tương Lai;2099\n'.repeat(3_000_000)}`),
  );
  add(
    'csv: unclosed quote over 5 MB',
    'ngoac.csv',
    Buffer.from(`Họ và tên;Ngày sinh\n"${'x'.repeat(5 << 20)}`),
  );
  add('csv: NUL bytes and binary', 'nhi-phan.csv', randomBytes(random, 64 * 1024));
  add(
    'csv: UTF-16 with control characters in names',
    'utf16.csv',
    Buffer.from(`\ufeffHọ và tên;Ngày sinh\n\u0000\u202eTên;2099\n`, 'utf16le'),
  );

  // Random corruption of a valid workbook: flipped bytes, cut points, spliced garbage.
  for (let index = 0; index < corruptions; index += 1) {
    const bytes = Buffer.from(valid);
    const kind = index % 3;
    if (kind === 0) {
      for (let flip = 0; flip < 1 + random.int(0, 19); flip += 1)
        bytes[random.int(0, bytes.length - 1)] = random.int(0, 255);
      add(`xlsx: ${index}: flipped bytes`, `hong-${index}.xlsx`, bytes);
    } else if (kind === 1) {
      add(`xlsx: ${index}: cut`, `cat-${index}.xlsx`, bytes.subarray(0, random.int(0, bytes.length - 1)));
    } else {
      const at = random.int(0, bytes.length - 1);
      add(
        `xlsx: ${index}: spliced garbage`,
        `chen-${index}.xlsx`,
        Buffer.concat([
          bytes.subarray(0, at),
          randomBytes(random, 1 + random.int(0, 4095)),
          bytes.subarray(at),
        ]),
      );
    }
  }
  return files;
}
