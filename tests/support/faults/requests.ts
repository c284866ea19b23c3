import { expect } from '@jest/globals';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { GraphQLAnswer } from '../stack.ts';

/** What a request ended with: an answer, or why there was none (a hang past its bound, a reset). */
export type Outcome = { answer?: GraphQLAnswer; failure?: string; ms: number };

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Whether `promise` settles within `ms` (its outcome otherwise ignored); leaves no timer behind. */
export async function settlesWithin(promise: Promise<unknown> | undefined, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([
      Promise.resolve(promise).then(
        () => true,
        () => true,
      ),
      late,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** One GraphQL request, bounded in time: a hang shows up as a failure, not as a stuck test. */
export async function askGraph(
  url: string,
  query: string,
  variables: Record<string, unknown>,
  token: string,
  timeoutMs = 15_000,
): Promise<Outcome> {
  const started = Date.now();
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query, variables }),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await response.text();
    try {
      const body = JSON.parse(text) as Omit<GraphQLAnswer, 'status'>;
      return { answer: { status: response.status, ...body }, ms: Date.now() - started };
    } catch {
      return {
        failure: `HTTP ${response.status}, not JSON: ${text.slice(0, 200)}`,
        ms: Date.now() - started,
      };
    }
  } catch (error) {
    return { failure: String(error), ms: Date.now() - started };
  }
}

/** A clear refusal: a status a client understands, and errors that each carry a code and a message. */
export function expectClearError(outcome: Outcome): void {
  expect(outcome.failure).toBeUndefined();
  expect([200, 503]).toContain(outcome.answer!.status);
  expect(outcome.answer!.errors?.length).toBeGreaterThan(0);
  for (const error of outcome.answer!.errors!) {
    expect(typeof error.extensions?.code).toBe('string');
    expect(error.message.length).toBeGreaterThan(0);
  }
}

/** Nothing of the services' insides in an answer: addresses, driver errors, relayed subgraph responses. */
export function expectNoInternals(outcome: Outcome): void {
  const text = JSON.stringify(outcome.answer);
  expect(text).not.toMatch(
    /127\.0\.0\.1|localhost|ECONNREFUSED|ECONNRESET|fetch failed|Unexpected error value/,
  );
  for (const error of outcome.answer!.errors ?? []) {
    expect(Object.keys(error.extensions ?? {})).not.toContain('response');
  }
}

/** `/ready` of a service, bounded. */
export async function readiness(
  graphqlUrl: string,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(new URL('/ready', graphqlUrl), { signal: AbortSignal.timeout(10_000) });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** Clients of a service's PostgreSQL pool: all of them, and those idle in the pool. */
export async function poolUsage(orm: MikroORM): Promise<{ total: number; idle: number }> {
  const pool = (await orm.em.getConnection().getNativeClient()) as unknown as {
    totalCount: number;
    idleCount: number;
  };
  return { total: pool.totalCount, idle: pool.idleCount };
}
