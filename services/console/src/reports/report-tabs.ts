/** The tabs of the reports page, as the address names them (`?tab=`). */
export const REPORT_TABS = [
  { id: 'thong-ke', label: 'Thống kê' },
  { id: 'dinh-ky', label: 'Báo cáo định kỳ' },
  { id: 'tuan-thu', label: 'Tuân thủ' },
  { id: 'xuat-tep', label: 'Xuất tệp' },
] as const;

export type ReportTab = (typeof REPORT_TABS)[number]['id'];

/** The tab an address asks for; the first one when it asks for none or for one that does not exist. */
export const reportTabOf = (param: string | null): ReportTab =>
  REPORT_TABS.find((tab) => tab.id === param)?.id ?? REPORT_TABS[0].id;

/**
 * The query parameters after choosing a tab: the tab, and none of the filters shown before, since each tab
 * reads its own and an address should describe the one view it shows.
 */
export function tabParams(current: URLSearchParams, tab: ReportTab): Record<string, string | null> {
  const params: Record<string, string | null> = {};
  for (const name of current.keys()) params[name] = null;
  params['tab'] = tab;
  return params;
}
