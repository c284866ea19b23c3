import type { ComponentType } from 'react';
import { setSearchParams, useLocation } from '../shell/router.tsx';
import { ComplianceTab } from './compliance-tab.tsx';
import { ExportTab } from './export-tab.tsx';
import { PeriodicTab } from './periodic-tab.tsx';
import { REPORT_TABS, reportTabOf, tabParams, type ReportTab } from './report-tabs.ts';
import { StatsTab } from './stats-tab.tsx';

const TAB_SCREEN: Record<ReportTab, ComponentType> = {
  'thong-ke': StatsTab,
  'dinh-ky': PeriodicTab,
  'tuan-thu': ComplianceTab,
  'xuat-tep': ExportTab,
};

/** Báo cáo (`/bao-cao`): statistics, the regulation reports, compliance and exports, one tab each (`?tab=`). */
export function Reports() {
  const params = useLocation().searchParams;
  const tab = reportTabOf(params.get('tab'));
  const Screen = TAB_SCREEN[tab];
  return (
    <>
      <h1>Báo cáo, thống kê</h1>
      <div className="tabs" role="group" aria-label="Loại báo cáo">
        {REPORT_TABS.map((each) => (
          <button
            key={each.id}
            type="button"
            aria-pressed={each.id === tab}
            onClick={() => each.id !== tab && setSearchParams(tabParams(params, each.id))}
          >
            {each.label}
          </button>
        ))}
      </div>
      <Screen />
    </>
  );
}
