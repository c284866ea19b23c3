import {
  createUnitByIdLoader,
  createUnitLoader,
  fileStoreOptionsOf,
  subgraphFileStore,
  type BaseContext,
  type FileStore,
} from '@ansinh/common';
import { reportingConfig } from './config.ts';

/**
 * The reporting subgraph's file store (exported reports), shared by every instance through PostgreSQL
 * (or the bucket of FILE_STORE_URL). Also for work outside a request (the export jobs).
 */
export function reportingFiles(em: BaseContext['em']): FileStore {
  return subgraphFileStore(em, {
    service: 'reporting',
    schema: 'reporting',
    ...fileStoreOptionsOf(reportingConfig),
  });
}

export function createReportingContext(base: BaseContext) {
  return {
    ...base,
    files: reportingFiles(base.em),
    loaders: {
      units: createUnitLoader(base.em),
      /** Unit versions by id (federated `AdministrativeUnit`s), with their read paths. */
      unitById: createUnitByIdLoader(base.em),
    },
  };
}

export type ReportingContext = ReturnType<typeof createReportingContext>;
