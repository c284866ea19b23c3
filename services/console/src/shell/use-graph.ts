import { useCallback, useEffect, useState } from 'react';
import type { TypedDocumentString } from '../generated/graphql.ts';
import { asGraphError, download, request, upload, type GraphError } from '../graphql.ts';
import { useConsole } from './console-context.tsx';

export type QueryState<R> = {
  data: R | null;
  error: GraphError | null;
  loading: boolean;
  /** Asks again (after a change), keeping the data shown until the answer comes. */
  reload: () => void;
};

/**
 * A query of the screen, asked again whenever its variables change (compared as JSON); `skip` waits.
 * An answer that comes after the variables changed is dropped.
 */
export function useQuery<R, V>(
  document: TypedDocumentString<R, V>,
  variables: V,
  { skip = false }: { skip?: boolean } = {},
): QueryState<R> {
  const { config, session } = useConsole();
  const [state, setState] = useState<{ data: R | null; error: GraphError | null; loading: boolean }>({
    data: null,
    error: null,
    loading: !skip,
  });
  const [round, setRound] = useState(0);
  const key = JSON.stringify(variables);

  useEffect(() => {
    if (skip) return;
    let current = true;
    setState((previous) => ({ ...previous, loading: true }));
    request(config, session, document, JSON.parse(key) as V).then(
      (data) => current && setState({ data, error: null, loading: false }),
      (failure: unknown) =>
        current && setState((previous) => ({ ...previous, error: asGraphError(failure), loading: false })),
    );
    return () => {
      current = false;
    };
  }, [config, session, document, key, skip, round]);

  const reload = useCallback(() => setRound((value) => value + 1), []);
  return { ...state, reload };
}

/** The graph's operations bound to the console's session, for event handlers. */
export function useGraph() {
  const { config, session } = useConsole();
  return {
    run: <R, V>(document: TypedDocumentString<R, V>, variables: V) =>
      request(config, session, document, variables),
    upload: <R, V>(document: TypedDocumentString<R, V>, variables: V, filePath: string, file: File) =>
      upload(config, session, document, variables, filePath, file),
    download: (path: string, fileName: string) => download(config, session, path, fileName),
  };
}
