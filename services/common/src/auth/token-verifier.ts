import { createRemoteJWKSet, errors, jwtVerify, type JWTPayload } from 'jose';
import { AppError } from '../errors/app-error.ts';

export const UNIT_LEVELS = ['province', 'district', 'commune'] as const;
export type UnitLevel = (typeof UNIT_LEVELS)[number];

/** Who is calling, as the verified access token says. */
export type Principal = {
  subject: string;
  username: string;
  unitCode: string;
  unitLevel: UnitLevel;
  roles: readonly string[];
  /** The OAuth client the token was issued to (a provincial system for service accounts). */
  clientId: string | undefined;
};

type AnsinhClaims = JWTPayload & {
  preferred_username?: string;
  unit_code?: string;
  unit_level?: string;
  azp?: string;
  realm_access?: { roles?: string[] };
};

export function principalFromClaims(claims: AnsinhClaims): Principal {
  const unitCode = claims.unit_code;
  const unitLevel = claims.unit_level;
  if (!claims.sub || !unitCode || !UNIT_LEVELS.includes(unitLevel as UnitLevel)) {
    throw new AppError(
      'UNAUTHENTICATED',
      'Tài khoản chưa được gắn với đơn vị hành chính (thiếu unit_code/unit_level). Liên hệ quản trị viên.',
    );
  }
  return {
    subject: claims.sub,
    username: claims.preferred_username ?? claims.sub,
    unitCode,
    unitLevel: unitLevel as UnitLevel,
    roles: claims.realm_access?.roles ?? [],
    clientId: claims.azp,
  };
}

/**
 * Verifies Keycloak access tokens against the realm's JWKS (fetched once, cached, refetched when
 * an unknown key id shows up after a key rotation), checking signature, issuer, audience and expiry.
 */
export class TokenVerifier {
  readonly issuer: string;
  readonly audience: string;
  readonly jwksUrl: URL;
  readonly #keys: ReturnType<typeof createRemoteJWKSet>;

  constructor(options: { issuer: string; audience: string }) {
    this.issuer = options.issuer;
    this.audience = options.audience;
    this.jwksUrl = new URL(`${options.issuer}/protocol/openid-connect/certs`);
    this.#keys = createRemoteJWKSet(this.jwksUrl, { cooldownDuration: 30_000, cacheMaxAge: 10 * 60_000 });
  }

  async verify(token: string): Promise<Principal> {
    try {
      const { payload } = await jwtVerify<AnsinhClaims>(token, this.#keys, {
        issuer: this.issuer,
        audience: this.audience,
        algorithms: ['RS256', 'PS256', 'ES256'],
        clockTolerance: 5,
        requiredClaims: ['exp', 'sub'],
      });
      return principalFromClaims(payload);
    } catch (error) {
      if (error instanceof AppError) throw error;
      if (error instanceof errors.JWTExpired) {
        throw new AppError(
          'UNAUTHENTICATED',
          'Phiên đăng nhập đã hết hạn. Vui lòng đăng nhập lại (token expired).',
        );
      }
      if (error instanceof errors.JWTClaimValidationFailed) {
        throw new AppError(
          'UNAUTHENTICATED',
          `Mã truy cập không dành cho hệ thống này (token ${error.claim} check failed).`,
        );
      }
      if (error instanceof errors.JOSEError) {
        throw new AppError('UNAUTHENTICATED', 'Mã truy cập không hợp lệ (invalid token).');
      }
      throw error;
    }
  }

  /** For readiness: the identity provider's keys can be fetched. */
  async reachable(): Promise<boolean> {
    try {
      const response = await fetch(this.jwksUrl, { signal: AbortSignal.timeout(2000) });
      return response.ok;
    } catch {
      return false;
    }
  }
}

export function bearerToken(authorization: string | undefined): string | undefined {
  if (!authorization) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
  if (!match) {
    throw new AppError('UNAUTHENTICATED', 'Tiêu đề Authorization phải có dạng "Bearer <token>".');
  }
  return match[1];
}
