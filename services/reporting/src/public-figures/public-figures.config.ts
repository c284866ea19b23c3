import { parseEnv } from '@ansinh/common';
import { z } from 'zod';

const whole = (fallback: number, min: number, max: number) =>
  z.coerce.number().int().min(min).max(max).default(fallback);

/**
 * The public figures' and the citizens' check's variables (services/reporting/README.md). The check's
 * keys are stored as HMACs under CITIZEN_CHECK_SECRET, else SUBGRAPH_SECRET (which production requires),
 * else a development key.
 */
export const publicFiguresEnvSchema = z
  .object({
    /** A published figure is about at least this many persons (below 3 a figure singles people out). */
    PUBLIC_MIN_CELL: whole(10, 3, 1000),
    /** How long a province's table is served from memory before it is read again (0: never kept). */
    PUBLIC_FIGURES_CACHE_SECONDS: whole(300, 0, 86_400),
    /** Checks admitted per client address, and per CCCD, within the window. */
    CITIZEN_CHECK_LIMIT: whole(5, 1, 1000),
    CITIZEN_CHECK_WINDOW_MINUTES: whole(10, 1, 1440),
    CITIZEN_CHECK_SECRET: z.string().min(32).optional(),
    SUBGRAPH_SECRET: z.string().min(32).optional(),
  })
  .transform((config) => ({
    minimumCount: config.PUBLIC_MIN_CELL,
    cacheSeconds: config.PUBLIC_FIGURES_CACHE_SECONDS,
    citizenCheck: {
      limit: config.CITIZEN_CHECK_LIMIT,
      windowSeconds: config.CITIZEN_CHECK_WINDOW_MINUTES * 60,
      keySecret:
        config.CITIZEN_CHECK_SECRET ??
        config.SUBGRAPH_SECRET ??
        'ansinh-development-citizen-check-not-for-production',
    },
  }));

export type PublicFiguresConfig = z.infer<typeof publicFiguresEnvSchema>;

/** Parsed once, when the subgraph loads. */
export const publicFiguresConfig: PublicFiguresConfig = parseEnv(
  'reporting',
  publicFiguresEnvSchema,
  process.env,
);
