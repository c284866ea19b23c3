import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  buildSchema,
  getNamedType,
  isEnumType,
  isLeafType,
  isNonNullType,
  isObjectType,
  Kind,
  parse,
  type ConstDirectiveNode,
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLObjectType,
  type GraphQLSchema,
} from 'graphql';
import { publicMembers, type Action } from '@ansinh/common';
import { subgraphSdl } from '@ansinh/common/graphql';

/**
 * The graph as the suite sees it: `schema/supergraph.graphql` (every query, mutation, entity key,
 * and every `@sensitive` field), plus the `@public` marks of the subgraph SDLs, which are not
 * composed. Nothing here is a hand list of fields.
 */
const root = new URL('../../', import.meta.url);
export const SUPERGRAPH_FILE = fileURLToPath(new URL('schema/supergraph.graphql', root));
export const SUBGRAPH_NAMES = ['registry', 'approvals', 'payments', 'reporting'] as const;

export const supergraph: GraphQLSchema = buildSchema(readFileSync(SUPERGRAPH_FILE, 'utf8'), {
  assumeValidSDL: true,
});

type Directed = { astNode?: { directives?: readonly ConstDirectiveNode[] | undefined } | null | undefined };

function directiveArguments(node: Directed, name: string): Record<string, unknown>[] {
  return (node.astNode?.directives ?? [])
    .filter((directive) => directive.name.value === name)
    .map((directive) =>
      Object.fromEntries(
        (directive.arguments ?? []).map((argument) => [
          argument.name.value,
          argument.value.kind === Kind.BOOLEAN ||
          argument.value.kind === Kind.STRING ||
          argument.value.kind === Kind.ENUM
            ? argument.value.value
            : undefined,
        ]),
      ),
    );
}

const isInternalType = (name: string) =>
  name.startsWith('join__') || name.startsWith('link__') || name.startsWith('__');

export const objectTypes = (): GraphQLObjectType[] =>
  Object.values(supergraph.getTypeMap()).filter(
    (type): type is GraphQLObjectType => isObjectType(type) && !isInternalType(type.name),
  );

/** `Type.field` → action of every field marked `@sensitive` in the supergraph. */
export function sensitiveFields(): Map<string, Action> {
  const fields = new Map<string, Action>();
  for (const type of objectTypes()) {
    for (const field of Object.values(type.getFields())) {
      const [sensitive] = directiveArguments(field, 'sensitive');
      if (sensitive) fields.set(`${type.name}.${field.name}`, sensitive.action as Action);
    }
  }
  return fields;
}

/** Subgraph name of each `join__Graph` value (REGISTRY → registry). */
const graphNames: Map<string, string> = (() => {
  const graphs = supergraph.getType('join__Graph');
  const names = new Map<string, string>();
  if (!isEnumType(graphs)) throw new Error('the supergraph has no join__Graph enum');
  for (const value of graphs.getValues()) {
    const [graph] = directiveArguments(value as Directed, 'join__graph');
    names.set(value.name, String(graph?.name));
  }
  return names;
})();

export type EntityKey = { typeName: string; subgraph: string; keyFields: string[] };

/** Every resolvable `@key` of every entity, per subgraph: what `_entities` answers. */
export function entityKeys(): EntityKey[] {
  const keys: EntityKey[] = [];
  for (const type of objectTypes()) {
    for (const joined of directiveArguments(type, 'join__type')) {
      if (!joined.key || joined.resolvable === false) continue;
      keys.push({
        typeName: type.name,
        subgraph: graphNames.get(String(joined.graph))!,
        keyFields: String(joined.key).split(/\s+/).filter(Boolean),
      });
    }
  }
  return keys;
}

/** Whether a field is resolved by `subgraph` (join__field names it, or the field is shared by every graph of its type). */
function resolvedBy(
  type: GraphQLObjectType,
  field: GraphQLField<unknown, unknown>,
  subgraph: string,
): boolean {
  const fieldGraphs = directiveArguments(field, 'join__field').map((joined) =>
    graphNames.get(String(joined.graph)),
  );
  if (fieldGraphs.length > 0) return fieldGraphs.includes(subgraph);
  const typeGraphs = directiveArguments(type, 'join__type').map((joined) =>
    graphNames.get(String(joined.graph)),
  );
  return typeGraphs.length === 0 || typeGraphs.includes(subgraph);
}

/** `Type.field` readable without a token: `@public` in the subgraph SDLs. */
export const publicCoordinates: { types: Set<string>; fields: Set<string> } = (() => {
  const types = new Set<string>();
  const fields = new Set<string>();
  for (const name of SUBGRAPH_NAMES) {
    const sdl = subgraphSdl(fileURLToPath(new URL(`services/${name}/`, root)));
    const members = publicMembers(parse(sdl));
    members.types.forEach((type) => types.add(type));
    members.fields.forEach((field) => fields.add(field));
  }
  return { types, fields };
})();

export type SelectionOptions = {
  /** Only the fields that this subgraph resolves (for `_entities` sent straight to it). */
  subgraph?: string;
  /** Object levels to descend below the root type. */
  depth: number;
  /** Value of an optional argument worth setting (page sizes), by `Type.field.argument`. */
  optionalArgument?: (coordinate: string, argument: GraphQLArgument) => string | undefined;
};

/**
 * A selection set of every field of `type` that needs no argument, descending into object fields
 * up to `depth` levels without entering a type already on the path (so cycles stop).
 */
export function selectionOf(type: GraphQLObjectType, options: SelectionOptions, path: string[] = []): string {
  const parts: string[] = [];
  for (const field of Object.values(type.getFields())) {
    if (options.subgraph && !resolvedBy(type, field, options.subgraph)) continue;
    if (field.args.some((argument) => isNonNullType(argument.type) && argument.defaultValue === undefined))
      continue;
    const args = field.args
      .map((argument) => [
        argument.name,
        options.optionalArgument?.(`${type.name}.${field.name}.${argument.name}`, argument),
      ])
      .filter(([, value]) => value !== undefined)
      .map(([name, value]) => `${name}: ${value}`);
    const call = args.length ? `${field.name}(${args.join(', ')})` : field.name;
    const named = getNamedType(field.type);
    if (isLeafType(named)) parts.push(call);
    else if (
      isObjectType(named) &&
      options.depth > 0 &&
      !path.includes(named.name) &&
      named.name !== type.name
    ) {
      const inner = selectionOf(named, { ...options, depth: options.depth - 1 }, [...path, type.name]);
      if (inner) parts.push(`${call} { ${inner} }`);
    }
  }
  return parts.join(' ');
}

export type Occurrence = { coordinate: string; path: (string | number)[]; value: unknown };

/** Every `@sensitive` field found in an answer, with its path, walking the data along the schema. */
export function sensitiveOccurrences(
  data: unknown,
  type: GraphQLNamedType,
  path: (string | number)[],
  sensitive: Map<string, Action>,
): Occurrence[] {
  if (data === null || data === undefined) return [];
  if (Array.isArray(data)) {
    return data.flatMap((item, index) => sensitiveOccurrences(item, type, [...path, index], sensitive));
  }
  if (!isObjectType(type) || typeof data !== 'object') return [];
  const found: Occurrence[] = [];
  for (const [key, value] of Object.entries(data as Record<string, unknown>)) {
    const field = type.getFields()[key];
    if (!field) continue;
    const coordinate = `${type.name}.${key}`;
    if (sensitive.has(coordinate)) found.push({ coordinate, path: [...path, key], value });
    found.push(...sensitiveOccurrences(value, getNamedType(field.type), [...path, key], sensitive));
  }
  return found;
}

/**
 * The subgraph that alone serves an `@inaccessible` root field (not in the public graph: the gateway
 * refuses it, and a subgraph calls it on a caller's behalf, as the approvals intake calls the
 * registry's `intakePersons`); undefined for a field of the public graph.
 */
export function internalSubgraphOf(field: Directed): string | undefined {
  if (!(field.astNode?.directives ?? []).some((directive) => directive.name.value === 'inaccessible'))
    return undefined;
  const [joined] = directiveArguments(field, 'join__field');
  return graphNames.get(String(joined?.graph));
}
