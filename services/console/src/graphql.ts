import type { Session } from './auth.ts';
import type { ConsoleConfig } from './config.ts';
import type { TypedDocumentString } from './generated/graphql.ts';

/** A refusal of the graph as the official reads it: its message (in Vietnamese), code and field. */
export class GraphError extends Error {
  readonly code: string;
  /** The input field refused (`citizenId`, `updates[3].paidAt`), when the graph names one. */
  readonly field: string | null;
  /** What the refusal carries for the screen (`extensions.details`): the refused lines of a bulk update. */
  readonly details: Readonly<Record<string, unknown>> | null;

  constructor(
    message: string,
    code: string,
    field: string | null,
    details: Readonly<Record<string, unknown>> | null = null,
  ) {
    super(message);
    this.code = code;
    this.field = field;
    this.details = details;
  }
}

/** Any failure as a GraphError, so screens have one kind of error to show. */
export const asGraphError = (failure: unknown): GraphError =>
  failure instanceof GraphError
    ? failure
    : new GraphError('Đã có lỗi không mong muốn. Hãy thử lại.', 'ERROR', null);

type Answer<R> = {
  data?: R | null;
  errors?: {
    message: string;
    extensions?: { code?: string; field?: string; details?: Record<string, unknown> };
  }[];
};

const NETWORK_ERROR = 'Không kết nối được máy chủ. Kiểm tra mạng rồi thử lại.';

async function authorization(session: Session): Promise<Record<string, string>> {
  const token = await session.token();
  return token ? { authorization: `Bearer ${token}` } : {};
}

async function post<R>(config: ConsoleConfig, headers: Record<string, string>, body: BodyInit): Promise<R> {
  let answer: Response;
  try {
    answer = await fetch(config.graphqlUrl, { method: 'POST', headers, body });
  } catch {
    throw new GraphError(NETWORK_ERROR, 'NETWORK', null);
  }
  const parsed = (await answer.json().catch(() => ({}))) as Answer<R> & { error?: string; code?: string };
  // A screen still shows what it may read when only fields its role may not read are refused (FORBIDDEN
  // on a sensitive field, answered as null); any other error refuses the whole answer.
  const error = parsed.data
    ? parsed.errors?.find((each) => each.extensions?.code !== 'FORBIDDEN')
    : parsed.errors?.[0];
  if (error)
    throw new GraphError(
      error.message,
      error.extensions?.code ?? 'ERROR',
      error.extensions?.field ?? null,
      error.extensions?.details ?? null,
    );
  // The gateway's own refusals (an upload too large, a malformed request) answer { error, code }.
  if (parsed.error) throw new GraphError(parsed.error, parsed.code ?? 'HTTP', null);
  if (!answer.ok || !parsed.data)
    throw new GraphError(`Máy chủ trả lời lỗi (HTTP ${answer.status}).`, 'HTTP', null);
  return parsed.data;
}

/** One operation of the console, typed by its document (generated from schema/api.graphql). */
export async function request<R, V>(
  config: ConsoleConfig,
  session: Session,
  document: TypedDocumentString<R, V>,
  variables: V,
): Promise<R> {
  return post<R>(
    config,
    { 'content-type': 'application/json', ...(await authorization(session)) },
    JSON.stringify({ query: document.toString(), variables }),
  );
}

/** The variables with the value at `path` (`file`, `input.fileId`) set to null, where the file goes. */
function withFileSlot(variables: unknown, path: string): unknown {
  const copy = structuredClone(variables) as Record<string, unknown>;
  const keys = path.split('.');
  let target = copy;
  for (const key of keys.slice(0, -1)) target = target[key] as Record<string, unknown>;
  target[keys.at(-1)!] = null;
  return copy;
}

/**
 * An operation that sends a file (the GraphQL multipart request): the gateway stores the file with
 * the subgraph that runs the mutation and puts its id in the variable at `filePath`; the value given
 * there is only a placeholder.
 */
export async function upload<R, V>(
  config: ConsoleConfig,
  session: Session,
  document: TypedDocumentString<R, V>,
  variables: V,
  filePath: string,
  file: File,
): Promise<R> {
  const form = new FormData();
  form.append(
    'operations',
    JSON.stringify({ query: document.toString(), variables: withFileSlot(variables, filePath) }),
  );
  form.append('map', JSON.stringify({ 0: [`variables.${filePath}`] }));
  form.append('0', file, file.name);
  return post<R>(config, { 'apollo-require-preflight': 'true', ...(await authorization(session)) }, form);
}

/** Downloads a file the graph answered (`/files/<service>/<id>` on the gateway) under its own name. */
export async function download(
  config: ConsoleConfig,
  session: Session,
  path: string,
  fileName: string,
): Promise<void> {
  let answer: Response;
  try {
    answer = await fetch(new URL(path, config.graphqlUrl), { headers: await authorization(session) });
  } catch {
    throw new GraphError(NETWORK_ERROR, 'NETWORK', null);
  }
  if (!answer.ok) {
    const body = (await answer.json().catch(() => ({}))) as { error?: string; code?: string };
    throw new GraphError(
      body.error ?? `Không tải được tệp (HTTP ${answer.status}).`,
      body.code ?? 'HTTP',
      null,
    );
  }
  const url = URL.createObjectURL(await answer.blob());
  const anchor = document.createElement('a');
  anchor.href = url;
  anchor.download = fileName;
  document.body.append(anchor);
  anchor.click();
  anchor.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
