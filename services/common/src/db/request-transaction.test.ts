import { describe, expect, it } from '@jest/globals';
import type { EntityManager } from '@mikro-orm/postgresql';
import { scopeSessionContext } from '../scope/row-level-security.ts';
import { inRequestTransaction } from './request-transaction.ts';

/** An EntityManager with the request's session context; reaching for a connection fails the test. */
const requestEm = (context: ReturnType<typeof scopeSessionContext>) =>
  ({
    getSessionContext: () => context,
    getConnection: () => {
      throw new Error('no connection may be taken without a unit scope');
    },
  }) as unknown as EntityManager;

describe('inRequestTransaction', () => {
  const work = async () => 'ran';

  it('refuses a signed-in caller without a unit scope (the ministry) before taking a connection', async () => {
    const ministry = scopeSessionContext('payments', undefined, { id: 'm', name: 'boyte', unitCode: '00' });
    await expect(inRequestTransaction(requestEm(ministry), work)).rejects.toMatchObject({
      code: 'FORBIDDEN',
      message: expect.stringMatching(/không gắn với đơn vị hành chính/),
    });
  });

  it('asks an anonymous caller to sign in', async () => {
    await expect(
      inRequestTransaction(requestEm(scopeSessionContext('payments', undefined)), work),
    ).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
  });
});
