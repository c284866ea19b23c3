import { createHash, timingSafeEqual } from 'node:crypto';
import type { ApolloServerPlugin, BaseContext, GraphQLRequestContext } from '@apollo/server';
import { blockFieldSuggestionsPlugin } from '@escape.tech/graphql-armor-block-field-suggestions';
import { GraphQLError, type DocumentNode, type OperationDefinitionNode } from 'graphql';
import { rootFields } from './operation-limits.ts';

/** Header in which the gateway proves itself to the subgraphs. */
export const GATEWAY_CREDENTIAL_HEADER = 'x-ansinh-gateway-secret';

/**
 * Header in which the gateway tells the subgraphs the caller's network address (what limits anonymous
 * callers per client). A subgraph believes it only from a request that carries the gateway's credential.
 */
export const CLIENT_ADDRESS_HEADER = 'x-ansinh-client-address';

/**
 * The shared secret used when none is configured: development and tests only (both sides default
 * to it); production refuses to start without its own `SUBGRAPH_SECRET`.
 */
export const DEVELOPMENT_SUBGRAPH_SECRET = 'ansinh-development-subgraph-secret-not-for-production';

/** Headers that make a direct call to a subgraph look like the gateway's (tests of the subgraphs' `_entities`). */
export const gatewayCredentialHeaders = (secret: string = DEVELOPMENT_SUBGRAPH_SECRET) => ({
  [GATEWAY_CREDENTIAL_HEADER]: secret,
});

/** Who may introspect: everyone (development), signed-in callers only, or no one. */
export type IntrospectionPolicy = 'all' | 'signed-in' | 'off';

/** Production default: signed-in callers only; elsewhere everyone (GraphiQL, codegen). */
export const defaultIntrospection = (nodeEnv: string): IntrospectionPolicy =>
  nodeEnv === 'production' ? 'signed-in' : 'all';

const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();

/** Compares a presented credential with the expected one in constant time (whatever their lengths). */
export function credentialMatches(presented: string | undefined, expected: string): boolean {
  if (presented === undefined) return false;
  return timingSafeEqual(digest(presented), digest(expected));
}

/** Longest address taken from the header (an IPv6 address with a zone is well under it). */
const MAX_CLIENT_ADDRESS_LENGTH = 64;

/**
 * The address of the caller a subgraph serves: the one the gateway forwards in CLIENT_ADDRESS_HEADER when
 * the request proves it comes from the gateway, else the connection's own (a direct call: anyone could
 * write the header).
 */
export function clientAddressOf(
  headers: Record<string, string | string[] | undefined>,
  socketAddress: string | undefined,
  gatewaySecret: string,
): string {
  const presented = headers[GATEWAY_CREDENTIAL_HEADER];
  const forwarded = headers[CLIENT_ADDRESS_HEADER];
  if (
    typeof presented === 'string' &&
    typeof forwarded === 'string' &&
    forwarded.length > 0 &&
    forwarded.length <= MAX_CLIENT_ADDRESS_LENGTH &&
    credentialMatches(presented, gatewaySecret)
  )
    return forwarded;
  return socketAddress ?? 'unknown';
}

const INTROSPECTION_FIELDS = new Set(['__schema', '__type']);
const GATEWAY_ONLY_FIELDS = new Set(['_service', '_entities']);

export const selectsIntrospection = (document: DocumentNode, operation: OperationDefinitionNode) =>
  rootFields(document, operation).some((field) => INTROSPECTION_FIELDS.has(field.name.value));

export const selectsGatewayOnlyFields = (document: DocumentNode, operation: OperationDefinitionNode) =>
  rootFields(document, operation).some((field) => GATEWAY_ONLY_FIELDS.has(field.name.value));

export const mayIntrospect = (policy: IntrospectionPolicy, signedIn: boolean): boolean =>
  policy === 'all' || (policy === 'signed-in' && signedIn);

const maskSuggestions = blockFieldSuggestionsPlugin({ mask: '' }).onValidate as unknown as () => (payload: {
  valid: boolean;
  result: readonly GraphQLError[];
  setResult: (errors: GraphQLError[]) => void;
}) => void;

/**
 * Removes "Did you mean …?" from errors in place: GraphQL Armor's field-suggestion blocker, and the
 * enum-value form (`Did you mean the enum value "PROVINCE"?`) that its pattern does not cover.
 */
export function hideSuggestions(errors: readonly GraphQLError[]): void {
  maskSuggestions()({ valid: false, result: errors, setResult: () => {} });
  for (const error of errors) {
    if (error.message.includes('Did you mean'))
      error.message = error.message.replace(/\s*Did you mean [^?]*\?/g, '').trim();
  }
}

export type ExposureOptions<TContext> = {
  introspection: IntrospectionPolicy;
  /** Whether the caller has a verified token. */
  signedIn(context: TContext): boolean;
  /** Subgraphs: the secret the gateway must present for `_service` and `_entities` (and to introspect). */
  gatewaySecret?: string;
};

/**
 * What the schema shows of itself, per caller: introspection and field suggestions only for
 * callers allowed to introspect; on a subgraph, `_service` and `_entities` only for the gateway.
 */
export function exposurePlugin<TContext extends BaseContext>(
  options: ExposureOptions<TContext>,
): ApolloServerPlugin<TContext> {
  const fromGateway = (request: GraphQLRequestContext<TContext>) =>
    options.gatewaySecret !== undefined &&
    credentialMatches(request.request.http?.headers.get(GATEWAY_CREDENTIAL_HEADER), options.gatewaySecret);
  const allowedToIntrospect = (request: GraphQLRequestContext<TContext>) =>
    mayIntrospect(options.introspection, options.signedIn(request.contextValue)) || fromGateway(request);
  return {
    async requestDidStart() {
      return {
        async didResolveOperation(request) {
          const { document, operation } = request;
          if (!operation) return; // Apollo refuses an unknown operation name itself
          if (
            options.gatewaySecret !== undefined &&
            selectsGatewayOnlyFields(document, operation) &&
            !fromGateway(request)
          ) {
            throw new GraphQLError(
              'Chỉ cổng API (gateway) mới được gọi _service và _entities của dịch vụ này.',
              { extensions: { code: 'FORBIDDEN', http: { status: 403 } } },
            );
          }
          if (selectsIntrospection(document, operation) && !allowedToIntrospect(request)) {
            throw new GraphQLError(
              'Cần đăng nhập để xem lược đồ API (introspection). Introspection requires sign-in.',
              { extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } },
            );
          }
        },
        async didEncounterErrors(request) {
          if (!allowedToIntrospect(request)) hideSuggestions(request.errors);
        },
      };
    },
  };
}
