import { fileStoreEnvSchema, parseEnv } from '@ansinh/common';

/**
 * The reporting subgraph's own variables, beside those every subgraph reads (parsed by startSubgraph):
 * its file store's FILE_STORE_URL, FILE_MAX_MB and FILE_TTL_HOURS (the exported reports). Parsed once,
 * when the subgraph loads.
 */
export const reportingConfig = parseEnv('reporting', fileStoreEnvSchema, process.env);
