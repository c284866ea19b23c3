import { fileStoreEnvSchema, parseEnv } from '@ansinh/common';

/**
 * The registry's own variables, beside those every subgraph reads (parsed by startSubgraph): its
 * file store's FILE_STORE_URL, FILE_MAX_MB and FILE_TTL_HOURS. Parsed once, when the registry loads.
 */
export const registryConfig = parseEnv('registry', fileStoreEnvSchema, process.env);
