import { createUnitPathLoader, type BaseContext } from '@ansinh/common';

export function createReportingContext(base: BaseContext) {
  return { ...base, loaders: { unitPath: createUnitPathLoader(base.em) } };
}

export type ReportingContext = ReturnType<typeof createReportingContext>;
