import type { Session } from './auth.ts';
import type { ConsoleConfig } from './config.ts';
import type { TypedDocumentString } from './generated/graphql.ts';

/** A refusal of the graph as the official reads it: its message (in Vietnamese), code and field. */
export class GraphError extends Error {
  readonly code: string;
  readonly field: string | null;

  constructor(message: string, code: string, field: string | null) {
    super(message);
    this.code = code;
    this.field = field;
  }
}

type Answer<R> = {
  data?: R | null;
  errors?: { message: string; extensions?: { code?: string; field?: string } }[];
};

/** One operation of the console, typed by its document (generated from schema/api.graphql). */
export async function request<R, V>(
  config: ConsoleConfig,
  session: Session,
  document: TypedDocumentString<R, V>,
  variables: V,
): Promise<R> {
  const token = await session.token();
  let answer: Response;
  try {
    answer = await fetch(config.graphqlUrl, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      body: JSON.stringify({ query: document.toString(), variables }),
    });
  } catch {
    throw new GraphError('Không kết nối được máy chủ. Kiểm tra mạng rồi thử lại.', 'NETWORK', null);
  }
  const body = (await answer.json().catch(() => ({}))) as Answer<R>;
  const [error] = body.errors ?? [];
  if (error)
    throw new GraphError(error.message, error.extensions?.code ?? 'ERROR', error.extensions?.field ?? null);
  if (!answer.ok || !body.data)
    throw new GraphError(`Máy chủ trả lời lỗi (HTTP ${answer.status}).`, 'HTTP', null);
  return body.data;
}
