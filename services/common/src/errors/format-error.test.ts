import { describe, expect, it } from '@jest/globals';
import { GraphQLError } from 'graphql';
import { pino } from 'pino';
import { AppError } from './app-error.ts';
import { createErrorFormatter, loggableError } from './format-error.ts';

describe('createErrorFormatter', () => {
  const lines: string[] = [];
  const logger = pino({ level: 'error' }, { write: (line: string) => lines.push(line) });
  const format = createErrorFormatter(logger);

  it('answers a domain refusal with its code, field and message', () => {
    const formatted = format(
      { message: 'x', path: ['createPerson'] },
      new AppError('CONFLICT', 'Số CCCD đã tồn tại.', { field: 'citizenId' }),
    );
    expect(formatted).toEqual({
      message: 'Số CCCD đã tồn tại.',
      path: ['createPerson'],
      extensions: { code: 'CONFLICT', field: 'citizenId' },
    });
  });

  it('hides an unexpected error from the caller and keeps personal data out of the log', () => {
    const databaseError = Object.assign(
      new Error(
        `insert into "registry"."persons" values ('Nguyễn Văn An', '042056000123') - duplicate key value`,
      ),
      {
        code: '23505',
        constraint: 'persons_living_citizen_id_unique',
        detail: 'Key (citizen_id)=(042056000123) already exists.',
      },
    );
    const formatted = format(
      { message: databaseError.message, path: ['person'] },
      new GraphQLError('wrapped', { originalError: databaseError, path: ['person'] }),
    );
    expect(formatted).toEqual({
      message: 'Lỗi hệ thống, vui lòng thử lại sau.',
      path: ['person'],
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    });
    const logged = lines.join('\n');
    expect(logged).toContain('persons_living_citizen_id_unique');
    expect(logged).not.toContain('042056000123');
    expect(logged).not.toContain('Nguyễn');
  });

  it('logs the class and stack frames of an error, not its message', () => {
    expect(loggableError(new TypeError('secret 042056000123'))).toEqual({
      type: 'TypeError',
      frames: expect.any(Array),
    });
  });
});
