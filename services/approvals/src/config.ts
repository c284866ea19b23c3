import { fileStoreEnvSchema, parseEnv } from '@ansinh/common';

/**
 * The approvals subgraph's own variables, beside those every subgraph reads (parsed by startSubgraph):
 * its file store's FILE_STORE_URL, FILE_MAX_MB and FILE_TTL_HOURS (uploaded Resolution 42 lists).
 * Parsed once, when the subgraph loads.
 */
export const approvalsConfig = parseEnv('approvals', fileStoreEnvSchema, process.env);
