import { fileStoreEnvSchema, parseEnv } from '@ansinh/common';

/**
 * The payments subgraph's own variables, beside those every subgraph reads (parsed by startSubgraph):
 * its file store's FILE_STORE_URL, FILE_MAX_MB and FILE_TTL_HOURS (disbursement files and the
 * providers' result files). Parsed once, when the subgraph loads.
 */
export const paymentsConfig = parseEnv('payments', fileStoreEnvSchema, process.env);
