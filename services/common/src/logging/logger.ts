import { pino, type Logger } from 'pino';

export type { Logger };

/**
 * One root logger per service. Tokens and personal data (names, ID numbers, accounts) never reach
 * the logs: they are redacted wherever they appear in a logged object.
 */
export function createLogger(service: string, level: string): Logger {
  return pino({
    name: service,
    level,
    base: { service },
    redact: {
      paths: [
        'req.headers.authorization',
        'headers.authorization',
        'authorization',
        '*.fullName',
        '*.citizenId',
        '*.oldIdNumber',
        '*.accountNumber',
        '*.phone',
        'variables',
      ],
      censor: '[redacted]',
    },
  });
}
