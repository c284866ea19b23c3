import { foldText } from '@ansinh/common/standalone';

/** Dân tộc: the 54 groups of GSO Decision 121-TCTK/PPCĐ, by 2-character code, and 55 for foreigners. */
export const ETHNICITIES: ReadonlyMap<string, string> = new Map([
  ['01', 'Kinh'],
  ['02', 'Tày'],
  ['03', 'Thái'],
  ['04', 'Hoa'],
  ['05', 'Khơ-me'],
  ['06', 'Mường'],
  ['07', 'Nùng'],
  ['08', 'HMông'],
  ['09', 'Dao'],
  ['10', 'Gia-rai'],
  ['11', 'Ngái'],
  ['12', 'Ê-đê'],
  ['13', 'Ba-na'],
  ['14', 'Xơ-đăng'],
  ['15', 'Sán Chay'],
  ['16', 'Cơ-ho'],
  ['17', 'Chăm'],
  ['18', 'Sán Dìu'],
  ['19', 'Hrê'],
  ['20', 'Mnông'],
  ['21', 'Ra-glai'],
  ['22', 'Xtiêng'],
  ['23', 'Bru-Vân Kiều'],
  ['24', 'Thổ'],
  ['25', 'Giáy'],
  ['26', 'Cơ-tu'],
  ['27', 'Gié-Triêng'],
  ['28', 'Mạ'],
  ['29', 'Khơ-mú'],
  ['30', 'Co'],
  ['31', 'Ta-ôi'],
  ['32', 'Chơ-ro'],
  ['33', 'Kháng'],
  ['34', 'Xinh-mun'],
  ['35', 'Hà Nhì'],
  ['36', 'Chu-ru'],
  ['37', 'Lào'],
  ['38', 'La Chí'],
  ['39', 'La Ha'],
  ['40', 'Phù Lá'],
  ['41', 'La Hủ'],
  ['42', 'Lự'],
  ['43', 'Lô Lô'],
  ['44', 'Chứt'],
  ['45', 'Mảng'],
  ['46', 'Pà Thẻn'],
  ['47', 'Cơ Lao'],
  ['48', 'Cống'],
  ['49', 'Bố Y'],
  ['50', 'Si La'],
  ['51', 'Pu Péo'],
  ['52', 'Brâu'],
  ['53', 'Ơ Đu'],
  ['54', 'Rơ-măm'],
  ['55', 'Người nước ngoài'],
]);

/** Other spellings officials write in spreadsheets, folded (see foldText). */
const ALIASES: Record<string, string> = {
  mong: '08',
  hmong: '08',
  "h'mong": '08',
  'h mong': '08',
  meo: '08',
  khmer: '05',
  'kho me': '05',
  khome: '05',
  'e de': '12',
  ede: '12',
  'k ho': '16',
  "k'ho": '16',
  coho: '16',
  'ba na': '13',
  bahnar: '13',
  'gia rai': '10',
  jrai: '10',
  'xo dang': '14',
  'ra glai': '21',
  'bru van kieu': '23',
  'van kieu': '23',
  'co tu': '26',
  'gie trieng': '27',
  'kho mu': '29',
  'ta oi': '31',
  'cho ro': '32',
  'xinh mun': '34',
  'chu ru': '36',
  'pa then': '46',
  'ro mam': '54',
  'nuoc ngoai': '55',
};

const byFoldedName = new Map<string, string>();
for (const [code, name] of ETHNICITIES) {
  byFoldedName.set(foldText(name), code);
  byFoldedName.set(foldText(name).replace(/-/g, ' '), code);
  byFoldedName.set(foldText(name).replace(/[- ]/g, ''), code);
}
for (const [alias, code] of Object.entries(ALIASES)) byFoldedName.set(alias, code);

/**
 * The ethnicity code for what an official wrote: a code (`1`, `01`), the official name in any
 * case or accents (`kinh`, `Khơ-me`), or a common alias (`H'Mông`, `Khmer`, `Ê Đê`, `K'Ho`).
 */
export function ethnicityCodeOf(written: string): string | undefined {
  const text = written.trim();
  if (/^\d{1,2}$/.test(text)) {
    const code = text.padStart(2, '0');
    return ETHNICITIES.has(code) ? code : undefined;
  }
  const folded = foldText(text).replace(/^(dan toc|dt)\s+/, '');
  return (
    byFoldedName.get(folded) ??
    byFoldedName.get(folded.replace(/-/g, ' ')) ??
    byFoldedName.get(folded.replace(/[- ]/g, ''))
  );
}
