import {
  Kind,
  type DocumentNode,
  type ObjectTypeDefinitionNode,
  type ObjectTypeExtensionNode,
} from 'graphql';
import { unauthenticated } from '../errors/app-error.ts';
import type { Session } from '../auth/session.ts';

type ResolverFn = (parent: unknown, args: unknown, context: { session: Session }, info: unknown) => unknown;
type ReferenceFn = (reference: unknown, context: { session: Session }, info: unknown) => unknown;
type ResolverMap = Record<string, Record<string, unknown> | unknown>;

const hasPublic = (node: { directives?: readonly { name: { value: string } }[] | undefined }) =>
  node.directives?.some((directive) => directive.name.value === 'public') ?? false;

/** Type and field names marked `@public` in the subgraph's SDL. */
export function publicMembers(typeDefs: DocumentNode): { types: Set<string>; fields: Set<string> } {
  const types = new Set<string>();
  const fields = new Set<string>();
  for (const definition of typeDefs.definitions) {
    if (definition.kind !== Kind.OBJECT_TYPE_DEFINITION && definition.kind !== Kind.OBJECT_TYPE_EXTENSION)
      continue;
    const type = definition as ObjectTypeDefinitionNode | ObjectTypeExtensionNode;
    if (hasPublic(type)) types.add(type.name.value);
    for (const field of type.fields ?? []) {
      if (hasPublic(field)) fields.add(`${type.name.value}.${field.name.value}`);
    }
  }
  return { types, fields };
}

/**
 * Safe by default: every resolver (including `__resolveReference`) of a type or field that the
 * SDL does not mark `@public` refuses anonymous callers. Scope and role checks stay in resolvers.
 */
export function guardResolvers<T extends ResolverMap>(typeDefs: DocumentNode, resolvers: T): T {
  const { types, fields } = publicMembers(typeDefs);
  const guarded: ResolverMap = {};
  for (const [typeName, typeResolvers] of Object.entries(resolvers)) {
    if (
      typeof typeResolvers !== 'object' ||
      typeResolvers === null ||
      !isPlainResolverObject(typeResolvers)
    ) {
      guarded[typeName] = typeResolvers;
      continue;
    }
    const wrapped: Record<string, unknown> = {};
    for (const [fieldName, resolver] of Object.entries(typeResolvers)) {
      const isPublic = types.has(typeName) || fields.has(`${typeName}.${fieldName}`);
      if (typeof resolver !== 'function' || isPublic) wrapped[fieldName] = resolver;
      else if (fieldName === '__resolveReference')
        wrapped[fieldName] = requireSessionForReference(resolver as ReferenceFn);
      else wrapped[fieldName] = requireSession(resolver as ResolverFn);
    }
    guarded[typeName] = wrapped;
  }
  return guarded as T;
}

function isPlainResolverObject(value: object): boolean {
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

function requireSession(resolver: ResolverFn): ResolverFn {
  return (parent, args, context, info) => {
    if (!context.session.isAuthenticated) throw unauthenticated();
    return resolver(parent, args, context, info);
  };
}

function requireSessionForReference(resolver: ReferenceFn): ReferenceFn {
  return (reference, context, info) => {
    if (!context.session.isAuthenticated) throw unauthenticated();
    return resolver(reference, context, info);
  };
}
