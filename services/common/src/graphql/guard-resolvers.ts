import {
  defaultFieldResolver,
  Kind,
  type ConstDirectiveNode,
  type DocumentNode,
  type FieldDefinitionNode,
  type ObjectTypeDefinitionNode,
  type ObjectTypeExtensionNode,
} from 'graphql';
import { unauthenticated } from '../errors/app-error.ts';
import { isAction, type Action } from '../auth/permissions.ts';
import type { Session } from '../auth/session.ts';

type ResolverFn = (parent: unknown, args: unknown, context: { session: Session }, info: unknown) => unknown;
type ReferenceFn = (reference: unknown, context: { session: Session }, info: unknown) => unknown;
type ResolverMap = Record<string, Record<string, unknown> | unknown>;
type Directed = { directives?: readonly ConstDirectiveNode[] | undefined };

const hasPublic = (node: Directed) =>
  node.directives?.some((directive) => directive.name.value === 'public') ?? false;

function objectTypes(typeDefs: DocumentNode): (ObjectTypeDefinitionNode | ObjectTypeExtensionNode)[] {
  return typeDefs.definitions.filter(
    (definition): definition is ObjectTypeDefinitionNode | ObjectTypeExtensionNode =>
      definition.kind === Kind.OBJECT_TYPE_DEFINITION || definition.kind === Kind.OBJECT_TYPE_EXTENSION,
  );
}

/** Type and field names marked `@public` in the subgraph's SDL. */
export function publicMembers(typeDefs: DocumentNode): { types: Set<string>; fields: Set<string> } {
  const types = new Set<string>();
  const fields = new Set<string>();
  for (const type of objectTypes(typeDefs)) {
    if (hasPublic(type)) types.add(type.name.value);
    for (const field of type.fields ?? []) {
      if (hasPublic(field)) fields.add(`${type.name.value}.${field.name.value}`);
    }
  }
  return { types, fields };
}

function sensitiveAction(typeName: string, field: FieldDefinitionNode): Action | undefined {
  const directive = field.directives?.find((candidate) => candidate.name.value === 'sensitive');
  if (!directive) return undefined;
  const where = `${typeName}.${field.name.value}`;
  const argument = directive.arguments?.find((candidate) => candidate.name.value === 'action');
  if (argument?.value.kind !== Kind.STRING || !isAction(argument.value.value)) {
    throw new Error(`@sensitive on ${where} needs an action declared in permissions.ts`);
  }
  // A refused non-null field would null its whole parent: the record, not just the value.
  if (field.type.kind === Kind.NON_NULL_TYPE) throw new Error(`@sensitive field ${where} must be nullable`);
  return argument.value.value;
}

/**
 * Fields marked `@sensitive(action: …)` in the subgraph's SDL (`Type.field` → action). Throws on an
 * unknown action or a non-null field, so that a mistake stops the subgraph at start-up.
 */
export function sensitiveFields(typeDefs: DocumentNode): Map<string, Action> {
  const fields = new Map<string, Action>();
  for (const type of objectTypes(typeDefs)) {
    for (const field of type.fields ?? []) {
      const action = sensitiveAction(type.name.value, field);
      if (action) fields.set(`${type.name.value}.${field.name.value}`, action);
    }
  }
  return fields;
}

/**
 * Safe by default: every resolver (including `__resolveReference`) of a type or field that the
 * SDL does not mark `@public` refuses anonymous callers, and every `@sensitive` field, resolved by
 * its own resolver or by the default one, answers null with a FORBIDDEN error to a user none of
 * whose roles grants its action. Scope and the read action of each type stay in resolvers.
 */
export function guardResolvers<T extends ResolverMap>(typeDefs: DocumentNode, resolvers: T): T {
  const { types, fields } = publicMembers(typeDefs);
  const sensitive = sensitiveFields(typeDefs);
  const guarded: ResolverMap = Object.create(null);
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
  for (const [coordinate, action] of sensitive) {
    const [typeName, fieldName] = coordinate.split('.') as [string, string];
    const typeResolvers = guarded[typeName] ?? {};
    if (
      typeof typeResolvers !== 'object' ||
      typeResolvers === null ||
      !isPlainResolverObject(typeResolvers)
    ) {
      throw new Error(`@sensitive field ${coordinate} belongs to a type without plain resolvers`);
    }
    const own = (typeResolvers as Record<string, unknown>)[fieldName];
    const resolver = typeof own === 'function' ? (own as ResolverFn) : (defaultFieldResolver as ResolverFn);
    guarded[typeName] = { ...typeResolvers, [fieldName]: requireGrant(action, fieldName, resolver) };
  }
  return { ...guarded } as T;
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

function requireGrant(action: Action, fieldName: string, resolver: ResolverFn): ResolverFn {
  return (parent, args, context, info) => {
    context.session.assertField(action, fieldName);
    return resolver(parent, args, context, info);
  };
}

function requireSessionForReference(resolver: ReferenceFn): ReferenceFn {
  return (reference, context, info) => {
    if (!context.session.isAuthenticated) throw unauthenticated();
    return resolver(reference, context, info);
  };
}
