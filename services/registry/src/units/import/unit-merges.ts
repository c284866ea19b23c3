/** One new unit and the old units merged into it, wholly (`full`) or in part (`partial`: the old unit was split). */
export type UnitMerge = {
  newCode: string;
  newName: string;
  old: { code: string; name: string; type: 'full' | 'partial' }[];
};

type MergeEntry = { old_id?: unknown; name?: unknown; type?: unknown };
type NewUnitEntry = { merges?: unknown; name?: unknown };

/**
 * Reads a merges file in the format of dvhcvn's `mapping/merges.json`
 * (`{data: [{level1_id, name, merges: [{old_id, name, type}], level2s: [{level2_id, name, merges}]}]}`):
 * every new province and commune with the old units merged into it. Problems name the entry.
 */
export function readMergesJson(text: string): { merges: UnitMerge[]; problems: string[] } {
  const problems: string[] = [];
  const merges: UnitMerge[] = [];
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    return { merges, problems: [`tệp merges không phải JSON hợp lệ: ${(error as Error).message}`] };
  }
  const data = (document as { data?: unknown } | null)?.data;
  if (!Array.isArray(data)) {
    return {
      merges,
      problems: ['tệp merges phải có dạng {"data": [{"level1_id", "merges", "level2s"}, ...]}'],
    };
  }
  const read = (entry: NewUnitEntry | null, newCode: unknown, where: string) => {
    if (!entry || typeof entry !== 'object') {
      problems.push(`tệp merges, ${where}: phải là một đối tượng JSON`);
      return;
    }
    if (typeof newCode !== 'string' || !/^\d+$/.test(newCode)) {
      problems.push(`tệp merges, ${where}: thiếu mã đơn vị mới hoặc mã không phải chữ số`);
      return;
    }
    if (!Array.isArray(entry.merges)) {
      problems.push(`tệp merges, đơn vị mới ${newCode}: thiếu danh sách "merges"`);
      return;
    }
    const old: UnitMerge['old'] = [];
    for (const merge of entry.merges as MergeEntry[]) {
      const code = merge?.old_id;
      const type = merge?.type;
      if (typeof code !== 'string' || !/^\d+$/.test(code) || (type !== 'full' && type !== 'partial')) {
        problems.push(
          `tệp merges, đơn vị mới ${newCode}: mỗi đơn vị cũ cần "old_id" (chữ số) và "type" ("full" hoặc "partial")`,
        );
        continue;
      }
      old.push({ code, name: typeof merge.name === 'string' ? merge.name : code, type });
    }
    merges.push({ newCode, newName: typeof entry.name === 'string' ? entry.name : newCode, old });
  };
  data.forEach((province: NewUnitEntry & { level1_id?: unknown; level2s?: unknown }, index) => {
    read(province, province?.level1_id, `mục thứ ${index + 1}`);
    if (province?.level2s === undefined) return;
    if (!Array.isArray(province.level2s)) {
      problems.push(`tệp merges, đơn vị mới ${String(province.level1_id)}: "level2s" phải là danh sách`);
      return;
    }
    province.level2s.forEach((commune: NewUnitEntry & { level2_id?: unknown }, communeIndex: number) =>
      read(commune, commune?.level2_id, `tỉnh ${String(province.level1_id)}, mục thứ ${communeIndex + 1}`),
    );
  });
  return { merges, problems };
}
