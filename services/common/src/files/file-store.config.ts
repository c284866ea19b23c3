import { z } from 'zod';
import type { FileStoreOptions } from './file-store.ts';
import { parseFileStoreUrl } from './s3-content.ts';

const MIB = 1024 * 1024;
const HOUR = 60 * 60_000;

/**
 * The file store's variables, for a subgraph that keeps files:
 * - FILE_STORE_URL: unset keeps content in PostgreSQL (the subgraph's schema); `s3://…` puts it in a bucket;
 * - FILE_MAX_MB (100): largest file the store takes (the gateway's UPLOAD_MAX_FILE_MB is the first wall);
 * - FILE_TTL_HOURS (24): keep time of a file stored without its own expiry (uploads among them).
 */
export const fileStoreEnv = {
  FILE_STORE_URL: z
    .string()
    .optional()
    .transform((value) => value?.trim() || undefined)
    .superRefine((value, context) => {
      if (value === undefined) return;
      try {
        parseFileStoreUrl(value);
      } catch (error) {
        context.addIssue({ code: 'custom', message: (error as Error).message });
      }
    }),
  FILE_MAX_MB: z.coerce
    .number()
    .positive()
    .max(10 * 1024)
    .default(100),
  FILE_TTL_HOURS: z.coerce
    .number()
    .positive()
    .max(24 * 366)
    .default(24),
};

export const fileStoreEnvSchema = z.object(fileStoreEnv);

export type FileStoreConfig = z.infer<typeof fileStoreEnvSchema>;

/** The store's options from its parsed variables. */
export function fileStoreOptionsOf(
  config: FileStoreConfig,
): Pick<FileStoreOptions, 'url' | 'maxFileBytes' | 'defaultTtlMs'> {
  return {
    ...(config.FILE_STORE_URL ? { url: config.FILE_STORE_URL } : {}),
    maxFileBytes: Math.round(config.FILE_MAX_MB * MIB),
    defaultTtlMs: Math.round(config.FILE_TTL_HOURS * HOUR),
  };
}
