import type { Logger } from 'pino';
import { issuerOf, tokenIssuerOf, type BaseConfig } from '../config/env.ts';
import { loggableError } from '../errors/format-error.ts';
import { TokenVerifier } from './token-verifier.ts';

/**
 * The token verifier of a service (gateway or subgraph): tokens of the configured issuer, keys fetched
 * from KEYCLOAK_URL's realm; a failed key refresh is logged while the cached keys keep serving.
 */
export function serviceTokenVerifier(
  config: Pick<BaseConfig, 'KEYCLOAK_URL' | 'KEYCLOAK_REALM' | 'OIDC_ISSUER' | 'OIDC_AUDIENCE'>,
  logger: Logger,
): TokenVerifier {
  return new TokenVerifier({
    issuer: tokenIssuerOf(config),
    audience: config.OIDC_AUDIENCE,
    jwksUrl: `${issuerOf(config)}/protocol/openid-connect/certs`,
    onKeyFetchError: (error) =>
      logger.warn(
        { error: loggableError(error) },
        'identity provider keys not fetched; serving the cached ones',
      ),
  });
}
