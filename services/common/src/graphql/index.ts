export { listCostEstimator, type ListSizes } from './cost-estimator.ts';
export {
  CLIENT_ADDRESS_HEADER,
  clientAddressOf,
  credentialMatches,
  defaultIntrospection,
  DEVELOPMENT_SUBGRAPH_SECRET,
  exposurePlugin,
  GATEWAY_CREDENTIAL_HEADER,
  gatewayCredentialHeaders,
  hideSuggestions,
  mayIntrospect,
  type IntrospectionPolicy,
} from './exposure.ts';
export {
  formatLimitError,
  limitError,
  OperationLimitError,
  QUERY_TOO_COMPLEX,
  type OperationLimit,
} from './limit-error.ts';
export {
  assertCostLimit,
  operationLimitRules,
  operationLimitsPlugin,
  representationCount,
  tokenLimitParseOptions,
  type OperationLimits,
} from './operation-limits.ts';
export { loadTypeDefs, subgraphSdl, subgraphSdlFiles } from './load-type-defs.ts';
