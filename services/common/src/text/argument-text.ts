import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { GraphQLError, Kind, visit, type DocumentNode } from 'graphql';

// Characters no text of the product may hold: NUL and the other C0 controls but tab and line breaks, DEL
// and the C1 controls. PostgreSQL refuses NUL in text with an error, so without this wall a NUL in any
// argument became an internal error.
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;

export type ArgumentTextProblem = { path: string; message: string };

const problemOf = (text: string, path: string): ArgumentTextProblem | undefined => {
  if (CONTROL.test(text)) return { path, message: `Giá trị "${path}" chứa ký tự điều khiển không hợp lệ.` };
  if (!text.isWellFormed())
    return { path, message: `Giá trị "${path}" chứa ký tự không hợp lệ (mã Unicode hỏng).` };
  return undefined;
};

/**
 * The first text of a request (any variable, at any depth, and any string written in the operation)
 * holding a control character or a lone surrogate, with its path (`input.fullName`, `representations.0.id`).
 * Walks without recursion, so that deeply nested JSON cannot exhaust the stack.
 */
export function findBadArgumentText(
  variables: Readonly<Record<string, unknown>> | undefined,
  document?: DocumentNode,
): ArgumentTextProblem | undefined {
  const pending: [value: unknown, path: string][] = Object.entries(variables ?? {}).map(([name, value]) => [
    value,
    name,
  ]);
  while (pending.length) {
    const [value, path] = pending.pop()!;
    if (typeof value === 'string') {
      const problem = problemOf(value, path);
      if (problem) return problem;
    } else if (Array.isArray(value)) {
      value.forEach((item, index) => pending.push([item, `${path}.${index}`]));
    } else if (typeof value === 'object' && value !== null) {
      for (const [key, item] of Object.entries(value)) {
        const keyProblem = problemOf(key, `${path}.?`);
        if (keyProblem) return keyProblem;
        pending.push([item, `${path}.${key}`]);
      }
    }
  }
  if (!document) return undefined;
  let found: ArgumentTextProblem | undefined;
  visit(document, {
    [Kind.ARGUMENT]: (node) => {
      visit(node.value, {
        [Kind.STRING]: (string) => {
          found ??= problemOf(string.value, node.name.value);
        },
      });
      return found ? false : undefined;
    },
  });
  return found;
}

/**
 * A wall in front of every resolver (gateway and subgraphs): a request whose arguments hold a control
 * character or a lone surrogate is refused whole with 400 BAD_USER_INPUT naming the argument, before any
 * resolver or database sees it. Each field's own text policy (cleanText) still applies behind it.
 */
export function argumentTextPlugin<TContext extends BaseContext>(): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ request, document }) {
          const problem = findBadArgumentText(request.variables, document);
          if (problem) {
            throw new GraphQLError(problem.message, {
              extensions: { code: 'BAD_USER_INPUT', field: problem.path, http: { status: 400 } },
            });
          }
        },
      };
    },
  };
}
