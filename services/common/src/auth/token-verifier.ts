import { createLocalJWKSet, errors, jwtVerify, type JSONWebKeySet, type JWTPayload } from 'jose';
import { AppError } from '../errors/app-error.ts';

/**
 * The `unit_level` claims accepted. `national` is the ministry's (Bộ Y tế, unit code `00`): it holds
 * no administrative unit, so its sessions have no unit scope and read no unit's records.
 */
export const UNIT_LEVELS = ['province', 'district', 'commune', 'national'] as const;
/** The level a caller acts at (the token's `unit_level`). */
export type PrincipalLevel = (typeof UNIT_LEVELS)[number];
/** The level of an administrative unit: every caller's level but `national`, which names no unit. */
export type UnitLevel = Exclude<PrincipalLevel, 'national'>;

/** Who is calling, as the verified access token says. */
export type Principal = {
  subject: string;
  username: string;
  unitCode: string;
  unitLevel: PrincipalLevel;
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
  if (!claims.sub || !unitCode || !UNIT_LEVELS.includes(unitLevel as PrincipalLevel)) {
    throw new AppError(
      'UNAUTHENTICATED',
      'Tài khoản chưa được gắn với đơn vị hành chính (thiếu unit_code/unit_level). Liên hệ quản trị viên.',
    );
  }
  return {
    subject: claims.sub,
    username: claims.preferred_username ?? claims.sub,
    unitCode,
    unitLevel: unitLevel as PrincipalLevel,
    roles: claims.realm_access?.roles ?? [],
    clientId: claims.azp,
  };
}

/** Longest access token accepted: Keycloak's are 1–3 KB; anything far longer is refused unread. */
const MAX_TOKEN_LENGTH = 16 * 1024;
/** Largest key set read from the identity provider. */
const MAX_JWKS_BYTES = 1024 * 1024;

const KEYS_UNAVAILABLE_MESSAGE =
  'Không kiểm tra được mã truy cập vì máy chủ đăng nhập tạm thời không truy cập được. Vui lòng thử lại sau (identity provider unreachable).';

/** The realm's keys could not be fetched, and none fetched earlier can be used instead. */
export class KeysUnavailableError extends Error {
  constructor(cause: unknown) {
    super('the identity provider keys (JWKS) could not be fetched', { cause });
    this.name = 'KeysUnavailableError';
  }
}

export type TokenVerifierOptions = {
  issuer: string;
  audience: string;
  /**
   * Where the realm's keys are fetched, when the services reach Keycloak at another address than
   * the issuer the tokens carry (behind a proxy, in containers). Defaults to the issuer's.
   */
  jwksUrl?: string;
  /** Keys older than this are refetched in the background, still serving meanwhile (ms). */
  cacheMaxAge?: number;
  /** At most one fetch per this period after a failure, or for a key id the set does not have (ms). */
  cooldown?: number;
  /**
   * How long the last keys fetched keep verifying tokens while Keycloak cannot be reached (ms):
   * long enough for every token already issued to expire, short enough that a withdrawn key ends.
   */
  maxStale?: number;
  /** Bound of one key fetch (ms). */
  fetchTimeout?: number;
  /** Told about every failed key fetch (for a log line); the verifier itself carries on. */
  onKeyFetchError?: (error: unknown) => void;
};

type KeySet = { resolve: ReturnType<typeof createLocalJWKSet>; fetchedAt: number };

/** How long a verified token is taken at its word without checking its signature again. */
const VERIFIED_TTL_MS = 60_000;
/** Verified tokens kept at most (their entries are dropped all at once past it). */
const MAX_VERIFIED_TOKENS = 10_000;

/**
 * Verifies Keycloak access tokens against the realm's JWKS, checking signature, issuer, audience
 * and expiry. Keys are fetched once and refreshed in the background when old or when an unknown
 * key id shows up (a key rotation). When Keycloak cannot be reached, the last keys fetched keep
 * serving for `maxStale`, so tokens already issued keep working through an outage; a token whose
 * key is not among them is refused with a clear UNAUTHENTICATED error, never a server error.
 */
export class TokenVerifier {
  readonly issuer: string;
  readonly audience: string;
  readonly jwksUrl: URL;
  readonly #cacheMaxAge: number;
  readonly #cooldown: number;
  readonly #maxStale: number;
  readonly #fetchTimeout: number;
  readonly #onKeyFetchError: (error: unknown) => void;
  #keys: KeySet | undefined;
  #pending: Promise<KeySet> | undefined;
  #lastAttemptAt = Number.NEGATIVE_INFINITY;
  #lastAttemptFailed = false;
  /**
   * Tokens verified lately, with what they say and until when that holds: a browser or a system sends
   * the same token with every request for minutes, and checking its signature again each time was a
   * tenth of the gateway's work. Kept at most VERIFIED_TTL_MS and no longer than the keys are current
   * (`cacheMaxAge`), so a key withdrawn from the realm, or a Keycloak out of reach past `maxStale`,
   * stops its tokens as the key cache would; never past the token's own expiry.
   */
  readonly #verified = new Map<string, { principal: Principal; until: number }>();

  constructor(options: TokenVerifierOptions) {
    this.issuer = options.issuer;
    this.audience = options.audience;
    this.jwksUrl = new URL(options.jwksUrl ?? `${options.issuer}/protocol/openid-connect/certs`);
    this.#cacheMaxAge = options.cacheMaxAge ?? 10 * 60_000;
    this.#cooldown = options.cooldown ?? 30_000;
    this.#maxStale = options.maxStale ?? 60 * 60_000;
    this.#fetchTimeout = options.fetchTimeout ?? 3000;
    this.#onKeyFetchError = options.onKeyFetchError ?? (() => undefined);
  }

  async verify(token: string): Promise<Principal> {
    if (token.length > MAX_TOKEN_LENGTH) {
      throw new AppError('UNAUTHENTICATED', 'Mã truy cập không hợp lệ (token too long).');
    }
    const now = Date.now();
    const kept = this.#verified.get(token);
    if (kept && kept.until > now) return kept.principal;
    try {
      const { payload } = await jwtVerify<AnsinhClaims>(token, (header, jws) => this.#keyFor(header, jws), {
        issuer: this.issuer,
        audience: this.audience,
        algorithms: ['RS256', 'PS256', 'ES256'],
        clockTolerance: 5,
        requiredClaims: ['exp', 'sub'],
      });
      const principal = principalFromClaims(payload);
      if (this.#verified.size >= MAX_VERIFIED_TOKENS) this.#verified.clear();
      // Never trusted longer than the keys that verified it are taken as current without asking Keycloak.
      const keysCurrentUntil = (this.#keys?.fetchedAt ?? now) + this.#cacheMaxAge;
      this.#verified.set(token, {
        principal,
        until: Math.min(now + VERIFIED_TTL_MS, payload.exp! * 1000, keysCurrentUntil),
      });
      return principal;
    } catch (error) {
      if (error instanceof AppError) throw error;
      if (error instanceof KeysUnavailableError)
        throw new AppError('UNAUTHENTICATED', KEYS_UNAVAILABLE_MESSAGE);
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
      if (error instanceof errors.JWKSNoMatchingKey && this.#lastAttemptFailed) {
        throw new AppError('UNAUTHENTICATED', KEYS_UNAVAILABLE_MESSAGE);
      }
      if (error instanceof errors.JWKSNoMatchingKey) {
        throw new AppError(
          'UNAUTHENTICATED',
          'Mã truy cập không được ký bởi máy chủ đăng nhập của hệ thống (unknown signing key).',
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
      await response.body?.cancel();
      return response.ok;
    } catch {
      return false;
    }
  }

  async #keyFor(...args: Parameters<KeySet['resolve']>) {
    const now = Date.now();
    let keys = this.#keys;
    if (!keys || now - keys.fetchedAt > this.#maxStale) {
      // Nothing usable to fall back on: this request waits for the fetch (bounded by its timeout).
      keys = await this.#refresh();
    } else if (now - keys.fetchedAt > this.#cacheMaxAge && this.#mayFetch(now)) {
      // Old but usable: keep serving them while newer ones are fetched.
      this.#refresh().catch(() => undefined);
    }
    try {
      return await keys.resolve(...args);
    } catch (error) {
      if (!(error instanceof errors.JWKSNoMatchingKey) || !this.#mayFetch(now)) throw error;
      // An unknown key id: Keycloak may have rotated its keys since the last fetch.
      return (await this.#refresh()).resolve(...args);
    }
  }

  #mayFetch(now: number): boolean {
    return now - this.#lastAttemptAt > this.#cooldown;
  }

  /** One fetch at a time; a failure keeps the keys held so far and is reported as KeysUnavailableError. */
  #refresh(): Promise<KeySet> {
    this.#pending ??= (async () => {
      this.#lastAttemptAt = Date.now();
      try {
        const jwks = await this.#fetchJwks();
        const keys = { resolve: createLocalJWKSet(jwks), fetchedAt: Date.now() };
        this.#keys = keys;
        this.#lastAttemptFailed = false;
        return keys;
      } catch (error) {
        this.#lastAttemptFailed = true;
        try {
          this.#onKeyFetchError(error);
        } catch {
          // A failing log line must not change the answer.
        }
        throw new KeysUnavailableError(error);
      } finally {
        this.#pending = undefined;
      }
    })();
    return this.#pending;
  }

  async #fetchJwks(): Promise<JSONWebKeySet> {
    const response = await fetch(this.jwksUrl, {
      signal: AbortSignal.timeout(this.#fetchTimeout),
      redirect: 'manual',
      headers: { accept: 'application/json, application/jwk-set+json' },
    });
    if (response.status !== 200) {
      await response.body?.cancel();
      throw new Error(`JWKS answered HTTP ${response.status}`);
    }
    const chunks: Uint8Array[] = [];
    let size = 0;
    for await (const chunk of response.body ?? []) {
      size += chunk.byteLength;
      // Leaving the loop by a throw cancels the rest of the body.
      if (size > MAX_JWKS_BYTES) throw new Error(`JWKS larger than ${MAX_JWKS_BYTES} bytes`);
      chunks.push(chunk);
    }
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as JSONWebKeySet;
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
