import { publicFiguresResolvers } from './public-figures.resolvers.ts';

/**
 * Public transparency (issue 13, point 4), without a token: `publicFigures` (a province's payments per
 * paying unit, programme and month, small figures and those that would give them away hidden) and
 * `citizenPaymentStatus` (a citizen's own payments by CCCD and date of birth, masked, rate-limited).
 */
export const publicFiguresModule = { resolvers: publicFiguresResolvers };
