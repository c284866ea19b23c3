import {
  Kind,
  parse,
  type ConstDirectiveNode,
  type DocumentNode,
  type FieldDefinitionNode,
  type FragmentDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import { MultipartError } from './uploads.ts';

/** Which subgraphs resolve each root mutation field, read from the supergraph's join metadata. */
export type MutationOwners = ReadonlyMap<string, readonly string[]>;

const argument = (directive: ConstDirectiveNode, name: string) =>
  directive.arguments?.find((node) => node.name.value === name)?.value;

/**
 * The subgraphs of each Mutation field: its `@join__field(graph:)` (leaving out `external` ones),
 * else the `@join__type(graph:)` of the type that declares it; graphs named as `@join__graph(name:)`.
 */
export function mutationOwners(supergraphSdl: string): MutationOwners {
  const document = parse(supergraphSdl, { noLocation: true });
  const graphNames = new Map<string, string>();
  let mutationType = 'Mutation';
  for (const definition of document.definitions) {
    if (definition.kind === Kind.ENUM_TYPE_DEFINITION && definition.name.value === 'join__Graph') {
      for (const value of definition.values ?? []) {
        const name = value.directives
          ?.filter((directive) => directive.name.value === 'join__graph')
          .map((directive) => argument(directive, 'name'))
          .find((node) => node?.kind === Kind.STRING);
        if (name?.kind === Kind.STRING) graphNames.set(value.name.value, name.value);
      }
    }
    if (definition.kind === Kind.SCHEMA_DEFINITION) {
      const root = definition.operationTypes.find((operation) => operation.operation === 'mutation');
      if (root) mutationType = root.type.name.value;
    }
  }
  const graphsOf = (directives: readonly ConstDirectiveNode[] | undefined, name: string) =>
    (directives ?? [])
      .filter((directive) => directive.name.value === name)
      .filter((directive) => {
        const external = argument(directive, 'external');
        return !(external?.kind === Kind.BOOLEAN && external.value);
      })
      .map((directive) => argument(directive, 'graph'))
      .flatMap((node) =>
        node?.kind === Kind.ENUM ? [graphNames.get(node.value) ?? node.value.toLowerCase()] : [],
      );
  const owners = new Map<string, string[]>();
  for (const definition of document.definitions) {
    if (
      (definition.kind !== Kind.OBJECT_TYPE_DEFINITION && definition.kind !== Kind.OBJECT_TYPE_EXTENSION) ||
      definition.name.value !== mutationType
    )
      continue;
    const typeGraphs = graphsOf(definition.directives, 'join__type');
    for (const field of (definition.fields ?? []) as FieldDefinitionNode[]) {
      const fieldGraphs = graphsOf(field.directives, 'join__field');
      const graphs = fieldGraphs.length > 0 ? fieldGraphs : typeGraphs;
      owners.set(field.name.value, [...new Set([...(owners.get(field.name.value) ?? []), ...graphs])]);
    }
  }
  return owners;
}

/** The root fields an operation selects, through fragments at the root (`__typename` left out). */
function rootFields(document: DocumentNode, selectionSet: SelectionSetNode): string[] {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions)
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  const fields = new Set<string>();
  const seen = new Set<string>();
  const walk = (set: SelectionSetNode) => {
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) {
        if (selection.name.value !== '__typename') fields.add(selection.name.value);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) walk(selection.selectionSet);
      else if (!seen.has(selection.name.value)) {
        seen.add(selection.name.value);
        const fragment = fragments.get(selection.name.value);
        if (fragment) walk(fragment.selectionSet);
      }
    }
  };
  walk(selectionSet);
  return [...fields];
}

/**
 * The subgraph that receives the files of a multipart request: the one owning every root field of
 * its mutation. Refused (400) when the operation cannot be read, is not a mutation, or its root
 * fields do not all belong to one subgraph (a file is stored where the field that reads it runs).
 */
export function uploadService(
  operations: { query?: unknown; operationName?: unknown },
  owners: MutationOwners,
  maxTokens: number,
): string {
  let document: DocumentNode;
  try {
    document = parse(String(operations.query), { noLocation: true, maxTokens });
  } catch {
    throw new MultipartError('Trường "operations" không chứa một truy vấn GraphQL hợp lệ.');
  }
  const named = typeof operations.operationName === 'string' ? operations.operationName : undefined;
  const candidates = document.definitions.filter(
    (definition) => definition.kind === Kind.OPERATION_DEFINITION,
  );
  const operation = named
    ? candidates.find((definition) => definition.name?.value === named)
    : candidates.length === 1
      ? candidates[0]
      : undefined;
  if (!operation)
    throw new MultipartError(
      'Không xác định được thao tác cần chạy (operationName không khớp, hoặc thiếu operationName).',
    );
  if (operation.operation !== 'mutation') throw new MultipartError('Tệp chỉ được gửi kèm một mutation.');
  const fields = rootFields(document, operation.selectionSet);
  let services: string[] | undefined;
  for (const field of fields) {
    const owning = owners.get(field) ?? [];
    services = services ? services.filter((service) => owning.includes(service)) : [...owning];
  }
  if (!services || services.length !== 1)
    throw new MultipartError(
      fields.length === 0 || services?.length === 0
        ? 'Mutation nhận tệp phải gọi các trường của cùng một dịch vụ.'
        : 'Không xác định được dịch vụ nhận tệp của mutation này.',
    );
  return services[0]!;
}
