import { Kind, visit, type ASTNode, type DocumentNode, type TypeNode } from 'graphql';

const namedType = (type: TypeNode): string =>
  type.kind === Kind.NAMED_TYPE ? type.name.value : namedType(type.type);

const inaccessible = (node: { directives?: readonly { name: { value: string } }[] | undefined }) =>
  node.directives?.some((directive) => directive.name.value === 'inaccessible') ?? false;

const TYPE_KINDS = new Set<string>([
  Kind.OBJECT_TYPE_DEFINITION,
  Kind.OBJECT_TYPE_EXTENSION,
  Kind.INPUT_OBJECT_TYPE_DEFINITION,
  Kind.INPUT_OBJECT_TYPE_EXTENSION,
  Kind.ENUM_TYPE_DEFINITION,
  Kind.SCALAR_TYPE_DEFINITION,
  Kind.UNION_TYPE_DEFINITION,
  Kind.INTERFACE_TYPE_DEFINITION,
]);

/**
 * A subgraph's SDL as Grafbase's stricter composition takes it, for the benchmark only: without the
 * internal (`@inaccessible`) fields and types, and without the shared `Job` type, whose fields each
 * subgraph declares in part (Apollo's composition merges them; Grafbase's asks every subgraph for all).
 * The benchmark's query uses none of them.
 */
export function sdlForGrafbase(document: DocumentNode, dropped: readonly string[] = ['Job']): DocumentNode {
  const types = new Set(dropped);
  visit(document, {
    enter(node: ASTNode) {
      if (TYPE_KINDS.has(node.kind) && 'name' in node && node.name && inaccessible(node as never))
        types.add((node as { name: { value: string } }).name.value);
    },
  });
  return visit(document, {
    enter(node: ASTNode) {
      if (
        TYPE_KINDS.has(node.kind) &&
        'name' in node &&
        node.name &&
        types.has((node as { name: { value: string } }).name.value)
      )
        return null;
      if (node.kind === Kind.FIELD_DEFINITION || node.kind === Kind.INPUT_VALUE_DEFINITION) {
        if (inaccessible(node) || types.has(namedType(node.type))) return null;
        if (
          node.kind === Kind.FIELD_DEFINITION &&
          node.arguments?.some((argument) => types.has(namedType(argument.type)))
        )
          return null;
      }
      return undefined;
    },
    leave(node: ASTNode) {
      // A type whose fields all went is no type at all (an empty `extend type Mutation` does not parse).
      if ('fields' in node && Array.isArray(node.fields) && node.fields.length === 0) return null;
      return undefined;
    },
  });
}
