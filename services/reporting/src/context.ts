import { createUnitLoader, type BaseContext } from '@ansinh/common';

export function createReportingContext(base: BaseContext) {
  return { ...base, loaders: { units: createUnitLoader(base.em) } };
}

export type ReportingContext = ReturnType<typeof createReportingContext>;
