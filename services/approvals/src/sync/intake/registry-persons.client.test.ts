import { describe, expect, it } from '@jest/globals';
import { AppError } from '@ansinh/common';
import {
  registryPersonsClient,
  RegistryUnavailableError,
  type RegistryApplicant,
} from './registry-persons.client.ts';

const applicant: RegistryApplicant = {
  citizenId: '042150001234',
  fullName: 'Trần Thị Lan',
  birthDate: '1950-03-05',
  gender: null,
  ethnicityCode: null,
  phone: null,
  address: null,
  residenceUnitCode: '18073',
};
const caller = { authorization: 'Bearer the-callers-token', requestId: 'request-1' };

type Sent = { url: string; init: RequestInit };

function client(answer: (sent: Sent) => Response | Promise<Response>, timeoutMs = 1000) {
  const sent: Sent[] = [];
  const fake = (async (url: string, init: RequestInit) => {
    sent.push({ url, init });
    return answer({ url, init });
  }) as unknown as typeof fetch;
  return {
    sent,
    registry: registryPersonsClient({
      url: 'http://registry.test/graphql',
      timeoutMs,
      timeoutPerPersonMs: 0,
      fetch: fake,
    }),
  };
}

const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

describe('registryPersonsClient', () => {
  it('sends the applicants with the caller’s token and request id, and reads a result per applicant', async () => {
    const { registry, sent } = client(() =>
      json({
        data: {
          intakePersons: [
            { index: 0, personId: 'p-1', created: true, error: null },
            {
              index: 1,
              personId: null,
              created: false,
              error: { code: 'CONFLICT', field: 'citizenId', message: 'khác', fields: ['fullName'] },
            },
          ],
        },
      }),
    );
    const outcomes = await registry.intakePersons([applicant, applicant], caller);
    expect(outcomes).toEqual([
      { personId: 'p-1', created: true },
      { error: { code: 'CONFLICT', field: 'citizenId', message: 'khác', fields: ['fullName'] } },
    ]);
    expect(sent[0]!.url).toBe('http://registry.test/graphql');
    const headers = sent[0]!.init.headers as Record<string, string>;
    expect(headers.authorization).toBe('Bearer the-callers-token');
    expect(headers['x-request-id']).toBe('request-1');
    const body = JSON.parse(sent[0]!.init.body as string) as { variables: { inputs: unknown[] } };
    expect(body.variables.inputs).toEqual([applicant, applicant]);
  });

  it('passes on a refusal of the whole call the caller can act on', async () => {
    const { registry } = client(() =>
      json(
        { errors: [{ message: 'Phiên đăng nhập đã hết hạn.', extensions: { code: 'UNAUTHENTICATED' } }] },
        401,
      ),
    );
    const refusal = await registry.intakePersons([applicant], caller).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(AppError);
    expect(refusal).toMatchObject({ code: 'UNAUTHENTICATED', message: 'Phiên đăng nhập đã hết hạn.' });
  });

  it.each<[string, () => Response | Promise<Response>]>([
    [
      'an internal error',
      () => json({ errors: [{ message: 'x', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] }),
    ],
    ['a page that is not JSON', () => new Response('<html>502</html>', { status: 502 })],
    ['a wrong number of results', () => json({ data: { intakePersons: [] } })],
    ['an unreadable result', () => json({ data: { intakePersons: [{ index: 0 }] } })],
    [
      'an answer far too large',
      () => new Response('x', { headers: { 'content-length': String(64 * 1024 * 1024) } }),
    ],
    [
      'a refused connection',
      () => {
        throw new TypeError('fetch failed');
      },
    ],
  ])('reports %s as the registry unavailable', async (_case, answer) => {
    const { registry } = client(answer);
    await expect(registry.intakePersons([applicant], caller)).rejects.toBeInstanceOf(
      RegistryUnavailableError,
    );
  });

  it('stops waiting at its bound', async () => {
    const { registry } = client(
      ({ init }) =>
        new Promise<Response>((_resolve, reject) =>
          init.signal!.addEventListener('abort', () => reject(init.signal!.reason)),
        ),
      50,
    );
    await expect(registry.intakePersons([applicant], caller)).rejects.toThrow(/timed out/);
  });
});
