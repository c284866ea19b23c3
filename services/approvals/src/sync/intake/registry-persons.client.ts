import { AppError } from '@ansinh/common';

/** An applicant as the registry's `intakePersons` takes it (services/registry/src/persons/person-intake.graphql). */
export type RegistryApplicant = {
  citizenId: string;
  fullName: string;
  birthDate: string;
  gender: 'MALE' | 'FEMALE' | 'UNKNOWN' | null;
  ethnicityCode: string | null;
  phone: string | null;
  address: string | null;
  /** The commune in force that received the dossier. */
  residenceUnitCode: string;
};

/** The registry's refusal of one applicant, with the registry's names of the fields. */
export type RegistryRefusal = {
  code: string;
  field: string | null;
  message: string;
  fields: string[] | null;
};

export type RegistryPersonOutcome = { personId: string; created: boolean } | { error: RegistryRefusal };

/** The request the intake acts in: the caller's own token (the registry applies its scope) and the request id. */
export type RegistryCaller = { authorization: string; requestId: string };

/** The registry subgraph's persons, as the intake uses them. */
export type RegistryPersons = {
  intakePersons(
    applicants: readonly RegistryApplicant[],
    caller: RegistryCaller,
  ): Promise<RegistryPersonOutcome[]>;
};

/** The registry could not be asked, or answered something the intake cannot read: nothing was filed. */
export class RegistryUnavailableError extends Error {
  constructor(reason: string, options?: { cause?: unknown }) {
    super(`registry intakePersons: ${reason}`, options);
    this.name = 'RegistryUnavailableError';
  }
}

export type RegistryClientOptions = {
  /** The registry subgraph's `/graphql`. */
  url: string;
  /** Bound of one call, plus `timeoutPerPersonMs` per applicant sent. */
  timeoutMs: number;
  timeoutPerPersonMs: number;
  fetch?: typeof fetch;
};

const INTAKE_PERSONS = `mutation IntakePersons($inputs: [IntakePersonInput!]!) {
  intakePersons(inputs: $inputs) { index personId created error { code field message fields } }
}`;

/** Largest answer read: 1,000 results are about 300 KB. */
const MAX_ANSWER_BYTES = 4 * 1024 * 1024;

/** Refusals of the whole call that the caller can act on: the registry's word is passed on as it is. */
const CALLER_CODES = new Set(['UNAUTHENTICATED', 'FORBIDDEN', 'BAD_USER_INPUT']);

type Answer = {
  data?: { intakePersons?: unknown } | null;
  errors?: { message?: unknown; extensions?: { code?: unknown; field?: unknown } }[];
};

async function boundedText(response: Response): Promise<string> {
  const declared = Number(response.headers.get('content-length') ?? '0');
  if (declared > MAX_ANSWER_BYTES) throw new RegistryUnavailableError(`answer of ${declared} bytes`);
  const reader = response.body?.getReader();
  if (!reader) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_ANSWER_BYTES) {
      await reader.cancel();
      throw new RegistryUnavailableError(`answer over ${MAX_ANSWER_BYTES} bytes`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function outcomeOf(value: unknown): RegistryPersonOutcome {
  const result = value as {
    personId?: unknown;
    created?: unknown;
    error?: { code?: unknown; field?: unknown; message?: unknown; fields?: unknown } | null;
  } | null;
  if (result?.error && typeof result.error.code === 'string' && typeof result.error.message === 'string') {
    const { code, field, message, fields } = result.error;
    return {
      error: {
        code,
        field: typeof field === 'string' ? field : null,
        message,
        fields: Array.isArray(fields)
          ? fields.filter((item): item is string => typeof item === 'string')
          : null,
      },
    };
  }
  if (typeof result?.personId === 'string' && typeof result.created === 'boolean') {
    return { personId: result.personId, created: result.created };
  }
  throw new RegistryUnavailableError('an unreadable result');
}

/**
 * The registry over HTTP: one `intakePersons` call per intake, with the caller's own bearer token
 * (the registry verifies it again and applies its own scope and row-level security), bounded in time
 * and in the size of its answer. A refusal of the whole call that the caller can act on (an expired
 * token, a missing role) is passed on with its code; anything else is a RegistryUnavailableError.
 */
export function registryPersonsClient(options: RegistryClientOptions): RegistryPersons {
  const send = options.fetch ?? fetch;
  return {
    async intakePersons(applicants, caller) {
      let response: Response;
      let text: string;
      try {
        response = await send(options.url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            accept: 'application/json',
            authorization: caller.authorization,
            'x-request-id': caller.requestId,
          },
          body: JSON.stringify({ query: INTAKE_PERSONS, variables: { inputs: applicants } }),
          signal: AbortSignal.timeout(options.timeoutMs + options.timeoutPerPersonMs * applicants.length),
        });
        text = await boundedText(response);
      } catch (error) {
        if (error instanceof RegistryUnavailableError) throw error;
        // AbortSignal.timeout() rejects with a DOMException named TimeoutError.
        const timedOut = (error as { name?: unknown } | null)?.name === 'TimeoutError';
        throw new RegistryUnavailableError(timedOut ? 'timed out' : 'unreachable', { cause: error });
      }
      let answer: Answer;
      try {
        answer = JSON.parse(text) as Answer;
      } catch (error) {
        throw new RegistryUnavailableError(`HTTP ${response.status}, not JSON`, { cause: error });
      }
      const [refusal] = answer.errors ?? [];
      if (refusal) {
        const code = refusal.extensions?.code;
        if (typeof code === 'string' && CALLER_CODES.has(code) && typeof refusal.message === 'string') {
          throw new AppError(code as 'UNAUTHENTICATED' | 'FORBIDDEN' | 'BAD_USER_INPUT', refusal.message);
        }
        throw new RegistryUnavailableError(
          `HTTP ${response.status}, ${typeof code === 'string' ? code : 'error'}`,
        );
      }
      const results = answer.data?.intakePersons;
      if (!Array.isArray(results) || results.length !== applicants.length) {
        throw new RegistryUnavailableError(`HTTP ${response.status}, ${applicants.length} results expected`);
      }
      return results.map(outcomeOf);
    },
  };
}
